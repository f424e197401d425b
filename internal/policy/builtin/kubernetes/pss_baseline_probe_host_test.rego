package paved.kubernetes.pss_baseline_probe_host_test

import data.paved.kubernetes.pss_baseline_probe_host as policy
import data.paved.lib.kubernetes_test as fx

test_hardened_workloads_pass if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_probe_hosts if {
	spec := fx.spec_with([fx.container({
		"livenessProbe": {"httpGet": {"host": "169.254.169.254", "path": "/", "port": 80}},
		"startupProbe": {"tcpSocket": {"host": "db.internal", "port": 5432}},
	})])
	every w in fx.workloads(spec) {
		count(policy.deny) == 2 with input as w
	}
	msgs := {r.msg | some r in policy.deny} with input as fx.deployment(spec)
	`container "app" sets livenessProbe.httpGet.host: "169.254.169.254"; probes must target the pod itself (remove host)` in msgs
}

test_lifecycle_hosts if {
	spec := {
		"initContainers": [{"name": "init", "lifecycle": {"postStart": {"httpGet": {"host": "example.com", "port": 80}}}}],
		"containers": [fx.container({"lifecycle": {"preStop": {"tcpSocket": {"host": "10.0.0.1", "port": 1}}}})],
	}
	every w in fx.workloads(spec) {
		count(policy.deny) == 2 with input as w
	}
}

test_empty_host_and_host_header_are_allowed if {
	spec := fx.spec_with([fx.container({
		"readinessProbe": {"httpGet": {"host": "", "path": "/ready", "port": 8080, "httpHeaders": [{"name": "Host", "value": "web.example.com"}]}},
		"lifecycle": {"preStop": {"exec": {"command": ["sleep", "5"]}}},
	})])
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}
