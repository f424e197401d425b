# METADATA
# title: "Pod Security restricted: seccomp"
# description: >-
#   The Pod Security Standards restricted profile requires a seccomp profile
#   of type RuntimeDefault or Localhost for every container, init container
#   and ephemeral container: set on the pod's securityContext (containers
#   inherit it) or on each container's, a container's own setting overriding
#   the pod's. Unconfined is not allowed anywhere. Pods with spec.os.name:
#   windows are exempt, as in Pod Security Admission. Applies to Pods and to
#   every controller's pod template.
# custom:
#   id: pss-restricted-seccomp
#   severity: medium
#   inputs: [kubernetes]
#   sets: [pod-security-restricted]
#   remediation: >-
#     Set securityContext.seccompProfile.type: RuntimeDefault in the pod's
#     securityContext (spec.template.spec.securityContext in a controller), or
#     on every container, and remove any Unconfined profile.
package paved.kubernetes.pss_restricted_seccomp

import data.paved.lib.kubernetes

deny contains {"msg": msg} if {
	not kubernetes.is_windows
	some s in kubernetes.security_contexts
	profile := s.securityContext.seccompProfile
	profile != null
	type := object.get(s.object, ["securityContext", "seccompProfile", "type"], "")
	not type in {"RuntimeDefault", "Localhost"}
	msg := sprintf("%s.seccompProfile.type: %s; use RuntimeDefault or Localhost", [kubernetes.setter(s), json.marshal(type)])
}

deny contains {"msg": msg} if {
	not kubernetes.is_windows
	object.get(kubernetes.pod_security_context, "seccompProfile", null) == null
	some c in kubernetes.containers
	object.get(c.container, ["securityContext", "seccompProfile"], null) == null
	msg := sprintf("%s has no seccomp profile: set securityContext.seccompProfile.type: RuntimeDefault on it or on the pod (%s.securityContext)", [kubernetes.label(c), kubernetes.pod.path])
}
