package paved.kubernetes.run_as_non_root_test

import data.paved.kubernetes.run_as_non_root as policy
import data.paved.lib.kubernetes_test as fx

test_hardened_workloads_pass if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_pod_level_true_is_inherited if {
	spec := {"securityContext": {"runAsNonRoot": true}, "initContainers": [{"name": "init"}], "containers": [{"name": "app"}]}
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_unset_everywhere if {
	spec := {"initContainers": [{"name": "init"}], "containers": [{"name": "app"}], "ephemeralContainers": [{"name": "debug"}]}
	every w in fx.workloads(spec) {
		count(policy.deny) == 3 with input as w
	}
	msgs := {r.msg | some r in policy.deny} with input as fx.cronjob(spec)
	`container "app" may run as root: set securityContext.runAsNonRoot: true on it or on the pod (spec.jobTemplate.spec.template.spec.securityContext)` in msgs
}

test_container_false_overrides_pod_true if {
	spec := {"securityContext": {"runAsNonRoot": true}, "containers": [{"name": "app", "securityContext": {"runAsNonRoot": false}}]}
	every w in fx.workloads(spec) {
		policy.deny == {{"msg": `container "app" may run as root: securityContext.runAsNonRoot is false; set it to true`}} with input as w
	}
}

test_inherited_false_names_the_pod if {
	spec := {"securityContext": {"runAsNonRoot": false}, "containers": [{"name": "app"}]}
	policy.deny == {{"msg": `container "app" may run as root: the pod's spec.template.spec.securityContext.runAsNonRoot is false; set it to true`}} with input as fx.deployment(spec)
}

test_container_true_overrides_pod_false if {
	spec := {"securityContext": {"runAsNonRoot": false}, "containers": [{"name": "app", "securityContext": {"runAsNonRoot": true}}]}
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_uid_zero if {
	spec := {"securityContext": {"runAsNonRoot": true}, "containers": [{"name": "app", "securityContext": {"runAsUser": 0}}]}
	every w in fx.workloads(spec) {
		policy.deny == {{"msg": `container "app" runs as UID 0 (securityContext.runAsUser: 0); use a non-zero UID such as 10001`}} with input as w
	}
}

test_uid_zero_inherited_from_the_pod if {
	spec := {"securityContext": {"runAsNonRoot": true, "runAsUser": 0}, "containers": [{"name": "app"}, {"name": "own", "securityContext": {"runAsUser": 1000}}]}
	every w in fx.workloads(spec) {
		count(policy.deny) == 1 with input as w
	}
	policy.deny == {{"msg": `container "app" runs as UID 0 (the pod's spec.securityContext.runAsUser: 0); use a non-zero UID such as 10001`}} with input as fx.pod(spec)
}

test_user_namespace_pods_are_not_exempt if {
	spec := {"hostUsers": false, "containers": [{"name": "app"}]}
	count(policy.deny) == 1 with input as fx.pod(spec)
}
