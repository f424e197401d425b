package paved.kubernetes.pss_baseline_host_path_volumes_test

import data.paved.kubernetes.pss_baseline_host_path_volumes as policy
import data.paved.lib.kubernetes_test as fx

test_hardened_workloads_pass if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_host_path_volume if {
	spec := object.union(fx.hardened_spec, {"volumes": [
		{"name": "tmp", "emptyDir": {}},
		{"name": "docker", "hostPath": {"path": "/var/run/docker.sock", "type": "Socket"}},
	]})
	every w in fx.workloads(spec) {
		count(policy.deny) == 1 with input as w
	}
	policy.deny == {{"msg": `volume "docker" (spec.template.spec.volumes[1]) mounts hostPath "/var/run/docker.sock" from the node; hostPath volumes are not allowed (use emptyDir, configMap, secret or a persistentVolumeClaim)`}} with input as fx.deployment(spec)
}

test_other_volumes_are_allowed if {
	spec := object.union(fx.hardened_spec, {"volumes": [
		{"name": "tmp", "emptyDir": {}},
		{"name": "config", "configMap": {"name": "web"}},
		{"name": "null", "hostPath": null},
	]})
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}
