package paved.kubernetes.pss_baseline_host_namespaces_test

import data.paved.kubernetes.pss_baseline_host_namespaces as policy
import data.paved.lib.kubernetes_test as fx

test_hardened_workloads_pass if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_each_host_namespace_is_denied if {
	spec := object.union(fx.hardened_spec, {"hostNetwork": true, "hostPID": true, "hostIPC": true})
	every w in fx.workloads(spec) {
		count(policy.deny) == 3 with input as w
	}
	some r in policy.deny with input as fx.deployment(object.union(fx.hardened_spec, {"hostNetwork": true}))
	r.msg == "spec.template.spec.hostNetwork: true shares the node's network namespace, which is not allowed (remove it or set it to false)"
}

test_bare_pod_path if {
	policy.deny == {{"msg": "spec.hostPID: true shares the node's process (PID) namespace, which is not allowed (remove it or set it to false)"}} with input as fx.pod(object.union(fx.hardened_spec, {"hostPID": true}))
}

test_false_is_allowed if {
	spec := object.union(fx.hardened_spec, {"hostNetwork": false, "hostPID": false, "hostIPC": false})
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_other_kinds_are_ignored if {
	count(policy.deny) == 0 with input as {"kind": "ConfigMap", "spec": {"hostNetwork": true}}
}
