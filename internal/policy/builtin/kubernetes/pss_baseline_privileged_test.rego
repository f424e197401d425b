package paved.kubernetes.pss_baseline_privileged_test

import data.paved.kubernetes.pss_baseline_privileged as policy
import data.paved.lib.kubernetes_test as fx

test_hardened_workloads_pass if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_privileged_container if {
	spec := fx.spec_with([fx.container({"securityContext": {"privileged": true}})])
	every w in fx.workloads(spec) {
		policy.deny == {{"msg": `container "app" sets securityContext.privileged: true; privileged containers are not allowed (remove it or set it to false)`}} with input as w
	}
}

test_init_and_ephemeral_containers if {
	spec := {
		"initContainers": [{"name": "init", "image": "x:1", "securityContext": {"privileged": true}}],
		"containers": [fx.hardened_container("app")],
		"ephemeralContainers": [{"name": "debug", "image": "x:1", "securityContext": {"privileged": true}}],
	}
	every w in fx.workloads(spec) {
		count(policy.deny) == 2 with input as w
	}
	msgs := {r.msg | some r in policy.deny} with input as fx.pod(spec)
	some m in msgs
	startswith(m, `init container "init"`)
}

test_false_is_allowed if {
	spec := fx.spec_with([fx.container({"securityContext": {"privileged": false}})])
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}
