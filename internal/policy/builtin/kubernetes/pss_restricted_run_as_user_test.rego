package paved.kubernetes.pss_restricted_run_as_user_test

import data.paved.kubernetes.pss_restricted_run_as_user as policy
import data.paved.lib.kubernetes_test as fx

test_hardened_workloads_pass if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_non_zero_is_allowed if {
	spec := {"securityContext": {"runAsUser": 10001}, "containers": [{"name": "app", "securityContext": {"runAsUser": 1000}}]}
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_pod_level_root_fails_even_if_containers_override if {
	spec := {"securityContext": {"runAsUser": 0}, "containers": [{"name": "app", "securityContext": {"runAsUser": 1000}}]}
	every w in fx.workloads(spec) {
		policy.deny == {{"msg": sprintf("the pod sets %s.securityContext.runAsUser: 0 (root); use a non-zero UID or remove it", [_path(w)])}} with input as w
	}
}

test_container_root if {
	spec := {
		"initContainers": [{"name": "init", "securityContext": {"runAsUser": 0}}],
		"containers": [{"name": "app", "securityContext": {"runAsUser": 0}}],
		"ephemeralContainers": [{"name": "debug", "securityContext": {"runAsUser": 0}}],
	}
	every w in fx.workloads(spec) {
		count(policy.deny) == 3 with input as w
	}
	some r in policy.deny with input as fx.pod(spec)
	r.msg == `container "app" sets securityContext.runAsUser: 0 (root); use a non-zero UID or remove it`
}

test_user_namespace_pods_are_exempt if {
	spec := {"hostUsers": false, "securityContext": {"runAsUser": 0}, "containers": [{"name": "app", "securityContext": {"runAsUser": 0}}]}
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}

_path(w) := "spec" if w.kind == "Pod"

_path(w) := "spec.template.spec" if w.kind == "Deployment"

_path(w) := "spec.jobTemplate.spec.template.spec" if w.kind == "CronJob"
