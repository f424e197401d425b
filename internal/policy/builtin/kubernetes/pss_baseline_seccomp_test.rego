package paved.kubernetes.pss_baseline_seccomp_test

import data.paved.kubernetes.pss_baseline_seccomp as policy
import data.paved.lib.kubernetes_test as fx

test_hardened_workloads_pass if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_unset_is_allowed_at_baseline if {
	spec := fx.spec_with([{"name": "app", "image": "x:1"}])
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_unconfined_pod if {
	spec := object.union(fx.hardened_spec, {"securityContext": {"seccompProfile": {"type": "Unconfined"}}})
	every w in fx.workloads(spec) {
		count(policy.deny) == 1 with input as w
	}
	policy.deny == {{"msg": `the pod sets spec.template.spec.securityContext.seccompProfile.type: "Unconfined"; only RuntimeDefault or Localhost are allowed`}} with input as fx.deployment(spec)
}

test_unconfined_container_under_a_runtime_default_pod if {
	spec := {
		"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
		"initContainers": [{"name": "init", "securityContext": {"seccompProfile": {"type": "Unconfined"}}}],
		"containers": [{"name": "app"}],
	}
	every w in fx.workloads(spec) {
		policy.deny == {{"msg": `init container "init" sets securityContext.seccompProfile.type: "Unconfined"; only RuntimeDefault or Localhost are allowed`}} with input as w
	}
}

test_localhost_is_allowed if {
	spec := {"containers": [{"name": "app", "securityContext": {"seccompProfile": {"type": "Localhost", "localhostProfile": "profiles/web.json"}}}]}
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}
