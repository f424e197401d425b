package paved.kubernetes.pss_baseline_capabilities_test

import data.paved.kubernetes.pss_baseline_capabilities as policy
import data.paved.lib.kubernetes_test as fx

test_hardened_workloads_pass if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_default_set_is_allowed if {
	spec := fx.spec_with([fx.container({"securityContext": {"capabilities": {"add": ["NET_BIND_SERVICE", "CHOWN", "SYS_CHROOT", "AUDIT_WRITE"]}}})])
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_capabilities_beyond_the_default_set if {
	spec := fx.spec_with([fx.container({"securityContext": {"capabilities": {"add": ["NET_ADMIN", "CHOWN", "SYS_ADMIN"]}}})])
	every w in fx.workloads(spec) {
		count(policy.deny) == 2 with input as w
	}
	some r in policy.deny with input as fx.deployment(spec)
	startswith(r.msg, `container "app" adds capability "NET_ADMIN" in securityContext.capabilities.add; baseline allows adding only AUDIT_WRITE, CHOWN,`)
}

test_names_compare_exactly_as_pod_security_admission_does if {
	# PSA compares capability names as written: CAP_CHOWN is not CHOWN.
	spec := fx.spec_with([fx.container({"securityContext": {"capabilities": {"add": ["CAP_CHOWN"]}}})])
	count(policy.deny) == 1 with input as fx.pod(spec)
}

test_init_and_ephemeral_containers if {
	bad := {"securityContext": {"capabilities": {"add": ["NET_RAW"]}}}
	spec := {
		"initContainers": [object.union({"name": "init"}, bad)],
		"containers": [fx.hardened_container("app")],
		"ephemeralContainers": [object.union({"name": "debug"}, bad)],
	}
	every w in fx.workloads(spec) {
		count(policy.deny) == 2 with input as w
	}
}

test_missing_or_null_capabilities if {
	spec := fx.spec_with([
		{"name": "a", "securityContext": {"capabilities": null}},
		{"name": "b", "securityContext": {"capabilities": {"add": null, "drop": ["ALL"]}}},
		{"name": "c", "securityContext": null},
	])
	count(policy.deny) == 0 with input as fx.cronjob(spec)
}
