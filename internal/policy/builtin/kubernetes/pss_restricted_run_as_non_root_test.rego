package paved.kubernetes.pss_restricted_run_as_non_root_test

import data.paved.kubernetes.pss_restricted_run_as_non_root as policy
import data.paved.lib.kubernetes_test as fx

test_hardened_workloads_pass if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_pod_level_true_is_inherited if {
	spec := {
		"securityContext": {"runAsNonRoot": true},
		"initContainers": [{"name": "init"}],
		"containers": [{"name": "app"}, {"name": "explicit", "securityContext": {"runAsNonRoot": true}}],
	}
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_unset_everywhere if {
	spec := {"initContainers": [{"name": "init"}], "containers": [{"name": "app"}]}
	every w in fx.workloads(spec) {
		count(policy.deny) == 2 with input as w
	}
	msgs := {r.msg | some r in policy.deny} with input as fx.deployment(spec)
	`init container "init" may run as root: set securityContext.runAsNonRoot: true on it or on the pod (spec.template.spec.securityContext)` in msgs
}

test_container_false_overrides_pod_true if {
	spec := {"securityContext": {"runAsNonRoot": true}, "containers": [{"name": "app", "securityContext": {"runAsNonRoot": false}}]}
	every w in fx.workloads(spec) {
		policy.deny == {{"msg": `container "app" sets securityContext.runAsNonRoot: false; set it to true or remove it and set it on the pod`}} with input as w
	}
}

test_pod_false_fails_even_if_containers_set_true if {
	spec := {"securityContext": {"runAsNonRoot": false}, "containers": [{"name": "app", "securityContext": {"runAsNonRoot": true}}]}
	every w in fx.workloads(spec) {
		count(policy.deny) == 1 with input as w
	}
	policy.deny == {{"msg": "the pod sets spec.jobTemplate.spec.template.spec.securityContext.runAsNonRoot: false; set it to true"}} with input as fx.cronjob(spec)
}

test_pod_false_reported_once_for_unset_containers if {
	spec := {"securityContext": {"runAsNonRoot": false}, "containers": [{"name": "a"}, {"name": "b"}]}
	count(policy.deny) == 1 with input as fx.pod(spec)
}

test_all_containers_true_without_pod_level if {
	spec := {
		"containers": [{"name": "a", "securityContext": {"runAsNonRoot": true}}],
		"ephemeralContainers": [{"name": "debug", "securityContext": {"runAsNonRoot": true}}],
	}
	count(policy.deny) == 0 with input as fx.pod(spec)
	count(policy.deny) == 1 with input as fx.pod(json.remove(spec, ["ephemeralContainers/0/securityContext"]))
}

test_user_namespace_pods_are_exempt if {
	spec := {"hostUsers": false, "securityContext": {"runAsNonRoot": false}, "containers": [{"name": "app"}]}
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}
