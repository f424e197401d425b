package paved.kubernetes.pss_baseline_host_ports_test

import data.paved.kubernetes.pss_baseline_host_ports as policy
import data.paved.lib.kubernetes_test as fx

test_hardened_workloads_pass if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_host_port if {
	spec := fx.spec_with([fx.container({"ports": [{"containerPort": 8080}, {"containerPort": 9090, "hostPort": 9090}]})])
	every w in fx.workloads(spec) {
		policy.deny == {{"msg": `container "app" sets ports[1].hostPort: 9090; host ports are not allowed (remove hostPort and expose the port through a Service)`}} with input as w
	}
}

test_zero_or_unset_is_allowed if {
	spec := fx.spec_with([fx.container({"ports": [{"containerPort": 8080, "hostPort": 0}, {"containerPort": 9090, "hostPort": null}]})])
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_init_and_ephemeral_containers if {
	spec := {
		"initContainers": [{"name": "init", "ports": [{"containerPort": 1, "hostPort": 1}]}],
		"containers": [fx.hardened_container("app")],
		"ephemeralContainers": [{"name": "debug", "ports": [{"containerPort": 2, "hostPort": 2}]}],
	}
	every w in fx.workloads(spec) {
		count(policy.deny) == 2 with input as w
	}
}
