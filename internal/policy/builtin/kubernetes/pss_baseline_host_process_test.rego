package paved.kubernetes.pss_baseline_host_process_test

import data.paved.kubernetes.pss_baseline_host_process as policy
import data.paved.lib.kubernetes_test as fx

test_hardened_workloads_pass if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_pod_level_host_process if {
	spec := object.union(fx.hardened_spec, {"securityContext": {"windowsOptions": {"hostProcess": true}}})
	every w in fx.workloads(spec) {
		count(policy.deny) == 1 with input as w
	}
	policy.deny == {{"msg": "the pod sets spec.jobTemplate.spec.template.spec.securityContext.windowsOptions.hostProcess: true; HostProcess containers are not allowed (remove it or set it to false)"}} with input as fx.cronjob(spec)
}

test_every_container_list_is_checked if {
	hp := {"securityContext": {"windowsOptions": {"hostProcess": true}}}
	spec := {
		"initContainers": [object.union({"name": "init"}, hp)],
		"containers": [fx.container(hp)],
		"ephemeralContainers": [object.union({"name": "debug"}, hp)],
	}
	msgs := {r.msg | some r in policy.deny} with input as fx.deployment(spec)
	msgs == {
		`init container "init" sets securityContext.windowsOptions.hostProcess: true; HostProcess containers are not allowed (remove it or set it to false)`,
		`container "app" sets securityContext.windowsOptions.hostProcess: true; HostProcess containers are not allowed (remove it or set it to false)`,
		`ephemeral container "debug" sets securityContext.windowsOptions.hostProcess: true; HostProcess containers are not allowed (remove it or set it to false)`,
	}
}

test_false_is_allowed if {
	spec := {
		"securityContext": {"windowsOptions": {"hostProcess": false}},
		"containers": [fx.container({"securityContext": {"windowsOptions": {"hostProcess": false, "runAsUserName": "app"}}})],
	}
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}
