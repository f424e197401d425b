package paved.kubernetes.no_privileged_test

import data.paved.kubernetes.no_privileged as policy
import data.paved.lib.kubernetes_test as fx

test_hardened_workloads_pass if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_privileged if {
	spec := fx.spec_with([fx.container({"securityContext": {"privileged": true}})])
	every w in fx.workloads(spec) {
		policy.deny == {{"msg": `container "app" sets securityContext.privileged: true; remove it or set it to false`}} with input as w
	}
}

test_explicit_privilege_escalation if {
	spec := {"initContainers": [{"name": "init", "securityContext": {"allowPrivilegeEscalation": true}}], "containers": [fx.hardened_container("app")]}
	every w in fx.workloads(spec) {
		policy.deny == {{"msg": `init container "init" sets securityContext.allowPrivilegeEscalation: true; set it to false`}} with input as w
	}
}

test_unset_privilege_escalation_is_not_this_policy_s_concern if {
	spec := fx.spec_with([{"name": "app", "image": "x:1"}])
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_sys_admin_and_all if {
	spec := {
		"containers": [fx.container({"securityContext": {"capabilities": {"add": ["SYS_ADMIN", "NET_ADMIN"]}}})],
		"ephemeralContainers": [{"name": "debug", "securityContext": {"capabilities": {"add": ["cap_sys_admin", "all"]}}}],
	}
	every w in fx.workloads(spec) {
		count(policy.deny) == 3 with input as w
	}
	msgs := {r.msg | some r in policy.deny} with input as fx.deployment(spec)
	`ephemeral container "debug" adds capability "cap_sys_admin" in securityContext.capabilities.add; remove it and add only the narrow capability the workload needs` in msgs
}

test_narrow_capabilities_are_allowed if {
	spec := fx.spec_with([fx.container({"securityContext": {"capabilities": {"add": ["NET_BIND_SERVICE", "NET_ADMIN"], "drop": ["ALL"]}}})])
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}
