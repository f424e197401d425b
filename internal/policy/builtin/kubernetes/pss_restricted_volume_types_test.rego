package paved.kubernetes.pss_restricted_volume_types_test

import data.paved.kubernetes.pss_restricted_volume_types as policy
import data.paved.lib.kubernetes_test as fx

test_hardened_workloads_pass if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_allowed_volume_types if {
	spec := object.union(fx.hardened_spec, {"volumes": [
		{"name": "a", "configMap": {"name": "web"}},
		{"name": "b", "csi": {"driver": "secrets-store.csi.k8s.io"}},
		{"name": "c", "downwardAPI": {"items": []}},
		{"name": "d", "emptyDir": {}},
		{"name": "e", "ephemeral": {"volumeClaimTemplate": {"spec": {}}}},
		{"name": "f", "image": {"reference": "ghcr.io/example-shop/models:1"}},
		{"name": "g", "persistentVolumeClaim": {"claimName": "data"}},
		{"name": "h", "projected": {"sources": []}},
		{"name": "i", "secret": {"secretName": "web"}},
	]})
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_restricted_volume_types if {
	spec := object.union(fx.hardened_spec, {"volumes": [
		{"name": "tmp", "emptyDir": {}},
		{"name": "share", "nfs": {"server": "nfs.internal", "path": "/export"}},
		{"name": "node", "hostPath": {"path": "/"}},
		{"name": "bare"},
	]})
	every w in fx.workloads(spec) {
		count(policy.deny) == 3 with input as w
	}
	msgs := {r.msg | some r in policy.deny} with input as fx.deployment(spec)
	`volume "share" (spec.template.spec.volumes[1]) uses "nfs"; the restricted profile allows only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret volumes` in msgs
	`volume "bare" (spec.template.spec.volumes[3]) uses an unknown volume type; the restricted profile allows only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret volumes` in msgs
}
