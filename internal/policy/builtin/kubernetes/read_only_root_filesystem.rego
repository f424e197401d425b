# METADATA
# title: Containers must use a read-only root filesystem
# description: >-
#   A writable root filesystem lets an attacker drop tools or change binaries
#   in a running container, and hides state that should live in a volume.
#   Every container and init container must set
#   securityContext.readOnlyRootFilesystem: true. Ephemeral debug containers
#   and Windows pods (spec.os.name: windows, where Kubernetes does not
#   support the field) are not checked. Applies to Pods and to every
#   controller's pod template.
# custom:
#   id: read-only-root-filesystem
#   severity: medium
#   inputs: [kubernetes]
#   remediation: >-
#     Set securityContext.readOnlyRootFilesystem: true on every container and
#     init container, and mount an emptyDir volume at each path the process
#     writes to (for example /tmp or a cache directory).
package paved.kubernetes.read_only_root_filesystem

import data.paved.lib.kubernetes

deny contains {"msg": msg} if {
	not kubernetes.is_windows
	some c in kubernetes.containers
	c.type != "ephemeralContainers"
	value := object.get(c.container, ["securityContext", "readOnlyRootFilesystem"], null)
	value != true
	msg := _msg(kubernetes.label(c), value)
}

_msg(label, null) := sprintf("%s does not set securityContext.readOnlyRootFilesystem: true; set it and mount an emptyDir where the process writes", [label])

_msg(label, value) := sprintf("%s sets securityContext.readOnlyRootFilesystem: %s; set it to true and mount an emptyDir where the process writes", [label, json.marshal(value)]) if value != null
