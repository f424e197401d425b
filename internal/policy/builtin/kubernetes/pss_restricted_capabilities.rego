# METADATA
# title: "Pod Security restricted: capabilities"
# description: >-
#   The Pod Security Standards restricted profile requires every container,
#   init container and ephemeral container to drop ALL capabilities
#   (securityContext.capabilities.drop includes ALL) and allows adding back
#   only NET_BIND_SERVICE. Pods with spec.os.name: windows are exempt, as in
#   Pod Security Admission. Applies to Pods and to every controller's pod
#   template.
# custom:
#   id: pss-restricted-capabilities
#   severity: medium
#   inputs: [kubernetes]
#   sets: [pod-security-restricted]
#   remediation: >-
#     On every container set securityContext.capabilities.drop: ["ALL"] and
#     remove every capability from securityContext.capabilities.add except
#     NET_BIND_SERVICE (needed only to bind ports below 1024).
package paved.kubernetes.pss_restricted_capabilities

import data.paved.lib.kubernetes

# _added runs for a Pod or a CronJob, for a controller with more than
# one container or with init or ephemeral containers, and otherwise only
# when its one container sets what it checks (see the performance note in
# lib/kubernetes.rego).
deny contains r if {
	input.kind == "Pod"
	some r in _added
}

deny contains r if {
	input.kind == "CronJob"
	some r in _added
}

deny contains r if {
	_ = input.spec.template.spec.containers[1]
	some r in _added
}

deny contains r if {
	_ = input.spec.template.spec.initContainers
	some r in _added
}

deny contains r if {
	_ = input.spec.template.spec.ephemeralContainers
	some r in _added
}

deny contains r if {
	_ = input.spec.template.spec.containers[0].securityContext.capabilities.add
	some r in _added
}

deny contains {"msg": msg} if {
	not kubernetes.is_windows
	some c in kubernetes.containers
	not "ALL" in object.get(c.container, ["securityContext", "capabilities", "drop"], [])
	msg := sprintf("%s does not drop all capabilities: set securityContext.capabilities.drop: [\"ALL\"]", [kubernetes.label(c)])
}

_added contains {"msg": msg} if {
	not kubernetes.is_windows
	some c in kubernetes.containers
	some capability in c.securityContext.capabilities.add
	capability != "NET_BIND_SERVICE"
	msg := sprintf("%s adds capability %s in securityContext.capabilities.add; the restricted profile allows adding only NET_BIND_SERVICE", [kubernetes.label(c), json.marshal(capability)])
}
