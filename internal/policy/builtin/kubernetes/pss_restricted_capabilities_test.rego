package paved.kubernetes.pss_restricted_capabilities_test

import data.paved.kubernetes.pss_restricted_capabilities as policy
import data.paved.lib.kubernetes_test as fx

test_hardened_workloads_pass if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_net_bind_service_may_be_added if {
	spec := fx.spec_with([fx.container({"securityContext": {"capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}}})])
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_must_drop_all if {
	spec := {
		"initContainers": [{"name": "init"}],
		"containers": [fx.container({"securityContext": {"capabilities": {"drop": ["NET_RAW"]}}})],
		"ephemeralContainers": [{"name": "debug", "securityContext": {"capabilities": null}}],
	}
	every w in fx.workloads(spec) {
		count(policy.deny) == 3 with input as w
	}
	msgs := {r.msg | some r in policy.deny} with input as fx.cronjob(spec)
	`container "app" does not drop all capabilities: set securityContext.capabilities.drop: ["ALL"]` in msgs
}

test_may_only_add_net_bind_service if {
	spec := fx.spec_with([fx.container({"securityContext": {"capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE", "CHOWN", "NET_RAW"]}}})])
	every w in fx.workloads(spec) {
		count(policy.deny) == 2 with input as w
	}
	msgs := {r.msg | some r in policy.deny} with input as fx.deployment(spec)
	`container "app" adds capability "CHOWN" in securityContext.capabilities.add; the restricted profile allows adding only NET_BIND_SERVICE` in msgs
}

test_windows_pods_are_exempt if {
	spec := {"os": {"name": "windows"}, "containers": [{"name": "app"}]}
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}
