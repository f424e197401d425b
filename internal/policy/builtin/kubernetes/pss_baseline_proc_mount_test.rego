package paved.kubernetes.pss_baseline_proc_mount_test

import data.paved.kubernetes.pss_baseline_proc_mount as policy
import data.paved.lib.kubernetes_test as fx

test_hardened_workloads_pass if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_unmasked if {
	spec := {
		"containers": [fx.container({"securityContext": {"procMount": "Unmasked"}})],
		"ephemeralContainers": [{"name": "debug", "securityContext": {"procMount": "Unmasked"}}],
	}
	every w in fx.workloads(spec) {
		count(policy.deny) == 2 with input as w
	}
	some r in policy.deny with input as fx.deployment(spec)
	r.msg == `container "app" sets securityContext.procMount: "Unmasked"; only Default is allowed unless the pod sets spec.template.spec.hostUsers: false`
}

test_default_is_allowed if {
	spec := fx.spec_with([fx.container({"securityContext": {"procMount": "Default"}})])
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_user_namespace_pods_may_unmask if {
	spec := {"hostUsers": false, "containers": [fx.container({"securityContext": {"procMount": "Unmasked"}})]}
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}
