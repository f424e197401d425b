# METADATA
# title: "Pod Security restricted: volume types"
# description: >-
#   The Pod Security Standards restricted profile allows only these inline
#   volume types in spec.volumes: configMap, csi, downwardAPI, emptyDir,
#   ephemeral, image, persistentVolumeClaim, projected and secret. Every other
#   type (hostPath, nfs, iscsi, gitRepo, cephfs and the other in-tree
#   drivers) must come through a PersistentVolume and a claim, where the
#   platform team controls it. Applies to Pods and to every controller's pod
#   template.
# custom:
#   id: pss-restricted-volume-types
#   severity: medium
#   inputs: [kubernetes]
#   sets: [pod-security-restricted]
#   remediation: >-
#     Replace the volume in spec.volumes (spec.template.spec.volumes in a
#     controller) with a persistentVolumeClaim (storage the platform provides
#     as a PersistentVolume or StorageClass), or with configMap, secret,
#     emptyDir, projected, downwardAPI, csi, ephemeral or image.
package paved.kubernetes.pss_restricted_volume_types

import data.paved.lib.kubernetes

allowed := {
	"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
	"image", "persistentVolumeClaim", "projected", "secret",
}

# _volumes runs only when the input sets what it checks, wherever the pod
# spec sits (see the performance note in lib/kubernetes.rego).
deny contains r if {
	_ = input.spec.volumes
	some r in _volumes
}

deny contains r if {
	_ = input.spec.template.spec.volumes
	some r in _volumes
}

deny contains r if {
	_ = input.spec.jobTemplate.spec.template.spec.volumes
	some r in _volumes
}

_volumes contains {"msg": msg} if {
	some v in kubernetes.volumes
	not _allowed_volumes[v.index]
	msg := sprintf("volume %q (%s) uses %s; the restricted profile allows only %s volumes", [kubernetes.volume_name(v), kubernetes.volume_path(v), _types(v.volume), concat(", ", sort(allowed))])
}

# Indexes of the volumes with an allowed source, computed once.
_allowed_volumes := {v.index |
	some v in kubernetes.volumes
	some type, source in v.volume
	type in {
		"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
		"image", "persistentVolumeClaim", "projected", "secret",
	}
	source != null
}

_types(volume) := concat(", ", types) if {
	types := sort([sprintf("%q", [k]) | some k, v in volume; k != "name"; v != null])
	count(types) > 0
} else := "an unknown volume type"
