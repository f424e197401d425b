# METADATA
# title: "Pod Security restricted: privilege escalation"
# description: >-
#   allowPrivilegeEscalation lets a process gain more privileges than its
#   parent (through set-user-ID binaries, for example) and is on unless
#   turned off. The Pod Security Standards restricted profile requires
#   securityContext.allowPrivilegeEscalation: false on every container, init
#   container and ephemeral container. Pods with spec.os.name: windows are
#   exempt, as in Pod Security Admission. Applies to Pods and to every
#   controller's pod template.
# custom:
#   id: pss-restricted-privilege-escalation
#   severity: high
#   inputs: [kubernetes]
#   sets: [pod-security-restricted]
#   remediation: >-
#     Set securityContext.allowPrivilegeEscalation: false on every container
#     and init container (spec.template.spec.containers[*].securityContext in
#     a controller).
package paved.kubernetes.pss_restricted_privilege_escalation

import data.paved.lib.kubernetes

deny contains {"msg": msg} if {
	not kubernetes.is_windows
	some c in kubernetes.containers
	value := object.get(c.container, ["securityContext", "allowPrivilegeEscalation"], null)
	value != false
	msg := _msg(kubernetes.label(c), value)
}

_msg(label, null) := sprintf("%s does not set securityContext.allowPrivilegeEscalation: false (unset allows privilege escalation); set it to false", [label])

_msg(label, value) := sprintf("%s sets securityContext.allowPrivilegeEscalation: %s; set it to false", [label, json.marshal(value)]) if value != null
