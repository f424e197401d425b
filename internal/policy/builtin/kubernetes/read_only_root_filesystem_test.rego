package paved.kubernetes.read_only_root_filesystem_test

import data.paved.kubernetes.read_only_root_filesystem as policy
import data.paved.lib.kubernetes_test as fx

test_hardened_workloads_pass if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_unset_and_false if {
	spec := {
		"initContainers": [{"name": "init", "image": "x:1"}],
		"containers": [fx.container({"securityContext": {"readOnlyRootFilesystem": false}})],
	}
	every w in fx.workloads(spec) {
		count(policy.deny) == 2 with input as w
	}
	msgs := {r.msg | some r in policy.deny} with input as fx.deployment(spec)
	msgs == {
		`init container "init" does not set securityContext.readOnlyRootFilesystem: true; set it and mount an emptyDir where the process writes`,
		`container "app" sets securityContext.readOnlyRootFilesystem: false; set it to true and mount an emptyDir where the process writes`,
	}
}

test_ephemeral_containers_are_not_checked if {
	spec := {"containers": [fx.hardened_container("app")], "ephemeralContainers": [{"name": "debug", "image": "busybox:1"}]}
	count(policy.deny) == 0 with input as fx.pod(spec)
}

test_windows_pods_are_not_checked if {
	spec := {"os": {"name": "windows"}, "containers": [{"name": "app", "image": "x:1"}]}
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}
