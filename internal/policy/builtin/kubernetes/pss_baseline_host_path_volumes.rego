# METADATA
# title: "Pod Security baseline: hostPath volumes"
# description: >-
#   A hostPath volume mounts a file or directory of the node into the pod,
#   which can expose the container runtime socket, credentials or the node's
#   file system. The Pod Security Standards baseline profile forbids
#   spec.volumes[*].hostPath. Applies to Pods and to every controller's pod
#   template.
# custom:
#   id: pss-baseline-host-path-volumes
#   severity: high
#   inputs: [kubernetes]
#   sets: [pod-security-baseline, pod-security-restricted]
#   remediation: >-
#     Replace the hostPath volume in spec.volumes (spec.template.spec.volumes in
#     a controller) with an emptyDir for scratch space, a configMap or secret
#     for configuration, or a persistentVolumeClaim for data.
package paved.kubernetes.pss_baseline_host_path_volumes

import data.paved.lib.kubernetes

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
	v.volume.hostPath != null
	msg := sprintf("volume %q (%s) mounts hostPath%s from the node; hostPath volumes are not allowed (use emptyDir, configMap, secret or a persistentVolumeClaim)", [kubernetes.volume_name(v), kubernetes.volume_path(v), _host_path(v.volume.hostPath)])
}

_host_path(hp) := sprintf(" %q", [hp.path]) if is_string(hp.path)

else := ""
