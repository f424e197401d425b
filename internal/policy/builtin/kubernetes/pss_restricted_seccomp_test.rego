package paved.kubernetes.pss_restricted_seccomp_test

import data.paved.kubernetes.pss_restricted_seccomp as policy
import data.paved.lib.kubernetes_test as fx

test_hardened_workloads_pass if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_pod_level_profile_is_inherited if {
	spec := {
		"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
		"initContainers": [{"name": "init"}],
		"containers": [{"name": "app"}, {"name": "local", "securityContext": {"seccompProfile": {"type": "Localhost", "localhostProfile": "web.json"}}}],
	}
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_every_container_may_set_it_instead if {
	spec := {"containers": [
		{"name": "a", "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}},
		{"name": "b", "securityContext": {"seccompProfile": {"type": "Localhost"}}},
	]}
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_unset_container_without_pod_level if {
	spec := {"containers": [
		{"name": "a", "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}},
		{"name": "b"},
	]}
	every w in fx.workloads(spec) {
		count(policy.deny) == 1 with input as w
	}
	policy.deny == {{"msg": `container "b" has no seccomp profile: set securityContext.seccompProfile.type: RuntimeDefault on it or on the pod (spec.template.spec.securityContext)`}} with input as fx.deployment(spec)
}

test_container_overrides_pod_with_unconfined if {
	spec := {"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}, "containers": [{"name": "app", "securityContext": {"seccompProfile": {"type": "Unconfined"}}}]}
	every w in fx.workloads(spec) {
		policy.deny == {{"msg": `container "app" sets securityContext.seccompProfile.type: "Unconfined"; use RuntimeDefault or Localhost`}} with input as w
	}
}

test_unconfined_pod_is_reported_once if {
	spec := {"securityContext": {"seccompProfile": {"type": "Unconfined"}}, "containers": [{"name": "a"}, {"name": "b"}]}
	every w in fx.workloads(spec) {
		count(policy.deny) == 1 with input as w
	}

	# a container's valid profile does not excuse the pod-level Unconfined
	spec2 := {"securityContext": {"seccompProfile": {"type": "Unconfined"}}, "containers": [{"name": "a", "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}}]}
	count(policy.deny) == 1 with input as fx.pod(spec2)
}

test_ephemeral_containers_count if {
	spec := {
		"containers": [{"name": "a", "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}}],
		"ephemeralContainers": [{"name": "debug"}],
	}
	count(policy.deny) == 1 with input as fx.pod(spec)
}

test_windows_pods_are_exempt if {
	spec := {"os": {"name": "windows"}, "containers": [{"name": "app"}]}
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}
