package paved.kubernetes.pss_restricted_privilege_escalation_test

import data.paved.kubernetes.pss_restricted_privilege_escalation as policy
import data.paved.lib.kubernetes_test as fx

test_hardened_workloads_pass if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_unset_and_true_are_denied if {
	spec := {
		"initContainers": [{"name": "init"}],
		"containers": [
			json.remove(fx.hardened_container("app"), ["securityContext/allowPrivilegeEscalation"]),
			fx.container({"name": "sidecar", "securityContext": {"allowPrivilegeEscalation": true}}),
		],
		"ephemeralContainers": [{"name": "debug", "securityContext": {"allowPrivilegeEscalation": null}}],
	}
	every w in fx.workloads(spec) {
		count(policy.deny) == 4 with input as w
	}
	msgs := {r.msg | some r in policy.deny} with input as fx.cronjob(spec)
	`container "app" does not set securityContext.allowPrivilegeEscalation: false (unset allows privilege escalation); set it to false` in msgs
	`container "sidecar" sets securityContext.allowPrivilegeEscalation: true; set it to false` in msgs
}

test_windows_pods_are_exempt if {
	spec := {"os": {"name": "windows"}, "containers": [{"name": "app", "image": "x:1"}]}
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_linux_pods_are_not_exempt if {
	spec := {"os": {"name": "linux"}, "containers": [{"name": "app", "image": "x:1"}]}
	count(policy.deny) == 1 with input as fx.pod(spec)
}
