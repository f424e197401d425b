package paved.kubernetes.resources_requests_limits_test

import data.paved.kubernetes.resources_requests_limits as policy
import data.paved.lib.kubernetes_test as fx

test_hardened_workloads_pass if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_no_resources if {
	spec := fx.spec_with([json.remove(fx.hardened_container("app"), ["resources"])])
	every w in fx.workloads(spec) {
		policy.deny == {{"msg": `container "app" does not set resources.requests.cpu, resources.requests.memory, resources.limits.memory; set resources.requests.cpu, resources.requests.memory and resources.limits.memory (resources.limits.cpu is optional)`}} with input as w
	}
}

test_missing_memory_limit if {
	spec := fx.spec_with([json.remove(fx.hardened_container("app"), ["resources/limits"])])
	every w in fx.workloads(spec) {
		count(policy.deny) == 1 with input as w
	}
	some r in policy.deny with input as fx.pod(spec)
	startswith(r.msg, `container "app" does not set resources.limits.memory;`)
}

test_cpu_limit_is_optional if {
	spec := fx.spec_with([fx.container({"resources": {"limits": {"cpu": "1"}}}), fx.hardened_container("plain")])
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_limits_alone_count_as_requests if {
	spec := fx.spec_with([fx.container({"resources": {"requests": null, "limits": {"cpu": "500m", "memory": "256Mi"}}})])
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_init_containers_are_checked_ephemeral_are_not if {
	spec := {
		"initContainers": [{"name": "migrate", "image": "x:1", "resources": {"requests": {"cpu": "100m"}}}],
		"containers": [fx.hardened_container("app")],
		"ephemeralContainers": [{"name": "debug", "image": "busybox:1"}],
	}
	every w in fx.workloads(spec) {
		policy.deny == {{"msg": `init container "migrate" does not set resources.requests.memory, resources.limits.memory; set resources.requests.cpu, resources.requests.memory and resources.limits.memory (resources.limits.cpu is optional)`}} with input as w
	}
}

test_pod_level_resources_cover_the_containers if {
	spec := {
		"resources": {"requests": {"cpu": "1"}, "limits": {"memory": "1Gi"}},
		"containers": [{"name": "app", "image": "x:1"}, {"name": "sidecar", "image": "y:1"}],
	}
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_empty_values_do_not_count if {
	spec := fx.spec_with([fx.container({"resources": {"requests": {"cpu": ""}}})])
	count(policy.deny) == 1 with input as fx.deployment(spec)
}
