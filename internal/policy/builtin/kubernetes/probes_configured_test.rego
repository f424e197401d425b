package paved.kubernetes.probes_configured_test

import data.paved.kubernetes.probes_configured as policy
import data.paved.lib.kubernetes_test as fx

no_probes := fx.spec_with([json.remove(fx.hardened_container("app"), ["readinessProbe", "livenessProbe"])])

test_hardened_workloads_pass if {
	every kind in ["Deployment", "StatefulSet", "DaemonSet"] {
		count(policy.deny) == 0 with input as fx.controller(kind, fx.hardened_spec)
	}
}

test_long_running_controllers_need_both_probes if {
	every kind in ["Deployment", "StatefulSet", "DaemonSet"] {
		count(policy.deny) == 2 with input as fx.controller(kind, no_probes)
	}
	msgs := {r.msg | some r in policy.deny} with input as fx.deployment(no_probes)
	msgs == {
		`container "app" has no readinessProbe; add spec.template.spec.containers[0].readinessProbe (httpGet, tcpSocket, grpc or exec)`,
		`container "app" has no livenessProbe; add spec.template.spec.containers[0].livenessProbe (httpGet, tcpSocket, grpc or exec)`,
	}
}

test_one_missing_probe if {
	spec := fx.spec_with([json.remove(fx.hardened_container("app"), ["livenessProbe"])])
	count(policy.deny) == 1 with input as fx.controller("StatefulSet", spec)
}

test_jobs_cronjobs_and_bare_pods_are_not_checked if {
	count(policy.deny) == 0 with input as fx.pod(no_probes)
	count(policy.deny) == 0 with input as fx.cronjob(no_probes)
	count(policy.deny) == 0 with input as fx.controller("Job", no_probes)
	count(policy.deny) == 0 with input as fx.controller("ReplicaSet", no_probes)
}

test_init_and_ephemeral_containers_are_not_checked if {
	spec := {
		"initContainers": [{"name": "migrate", "image": "x:1"}],
		"containers": [fx.hardened_container("app")],
		"ephemeralContainers": [{"name": "debug", "image": "x:1"}],
	}
	count(policy.deny) == 0 with input as fx.deployment(spec)
}
