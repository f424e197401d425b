package paved.kubernetes.pss_restricted_proc_mount_test

import data.paved.kubernetes.pss_restricted_proc_mount as policy
import data.paved.lib.kubernetes_test as fx

test_hardened_workloads_pass if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_unmasked_even_in_a_user_namespace if {
	spec := {"hostUsers": false, "initContainers": [{"name": "init", "securityContext": {"procMount": "Unmasked"}}], "containers": [{"name": "app"}]}
	every w in fx.workloads(spec) {
		policy.deny == {{"msg": `init container "init" sets securityContext.procMount: "Unmasked"; only Default is allowed`}} with input as w
	}
}

test_default_is_allowed if {
	spec := fx.spec_with([fx.container({"securityContext": {"procMount": "Default"}})])
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}
