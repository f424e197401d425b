package paved.kubernetes.pss_baseline_selinux_test

import data.paved.kubernetes.pss_baseline_selinux as policy
import data.paved.lib.kubernetes_test as fx

test_hardened_workloads_pass if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_allowed_options if {
	spec := {
		"securityContext": {"seLinuxOptions": {"level": "s0:c123,c456"}},
		"initContainers": [{"name": "init", "securityContext": {"seLinuxOptions": {"type": "container_init_t"}}}],
		"containers": [
			fx.container({"securityContext": {"seLinuxOptions": {"type": "container_t"}}}),
			fx.container({"name": "kvm", "securityContext": {"seLinuxOptions": {"type": "container_kvm_t"}}}),
			fx.container({"name": "engine", "securityContext": {"seLinuxOptions": {"type": "container_engine_t", "user": "", "role": null}}}),
		],
	}
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_custom_type_at_pod_level if {
	spec := object.union(fx.hardened_spec, {"securityContext": {"seLinuxOptions": {"type": "spc_t"}}})
	every w in fx.workloads(spec) {
		count(policy.deny) == 1 with input as w
	}
	policy.deny == {{"msg": `the pod sets spec.securityContext.seLinuxOptions.type: "spc_t"; allowed types are container_t, container_init_t, container_kvm_t and container_engine_t (or leave it unset)`}} with input as fx.pod(spec)
}

test_user_and_role_are_forbidden if {
	spec := {
		"containers": [fx.container({"securityContext": {"seLinuxOptions": {"user": "system_u", "role": "system_r"}}})],
		"ephemeralContainers": [{"name": "debug", "securityContext": {"seLinuxOptions": {"type": "unconfined_t"}}}],
	}
	every w in fx.workloads(spec) {
		count(policy.deny) == 3 with input as w
	}
	msgs := {r.msg | some r in policy.deny} with input as fx.deployment(spec)
	`container "app" sets securityContext.seLinuxOptions.user: "system_u"; a custom SELinux user is not allowed (remove it)` in msgs
	`container "app" sets securityContext.seLinuxOptions.role: "system_r"; a custom SELinux role is not allowed (remove it)` in msgs
}
