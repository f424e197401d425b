package paved.kubernetes.no_default_namespace_test

import data.paved.kubernetes.no_default_namespace as policy
import data.paved.lib.kubernetes_test as fx

in_default(obj) := object.union(obj, {"metadata": {"namespace": "default"}})

test_team_namespaces_pass if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as w
	}
	count(policy.deny) == 0 with input as fx.service("ClusterIP", {})
}

test_default_namespace if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 1 with input as in_default(w)
	}
	policy.deny == {{"msg": `CronJob "web" sets metadata.namespace: default; deploy it to your team's namespace instead`}} with input as in_default(fx.cronjob(fx.hardened_spec))
	count(policy.deny) == 1 with input as in_default(fx.service("ClusterIP", {}))
	count(policy.deny) == 1 with input as fx.configmap
}

test_absent_namespace_is_not_a_violation if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as json.remove(w, ["metadata/namespace"])
	}
}

test_cluster_scoped_kinds_are_ignored if {
	count(policy.deny) == 0 with input as {"kind": "ClusterRole", "metadata": {"name": "x", "namespace": "default"}}
	count(policy.deny) == 0 with input as {"kind": "Namespace", "metadata": {"name": "default"}}
}
