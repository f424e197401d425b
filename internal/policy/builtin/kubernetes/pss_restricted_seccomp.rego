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

# The pod-level securityContext and the containers' are checked
# separately; the pod-level check runs only when the input sets the field
# (see the performance note in lib/kubernetes.rego).
# _containers runs for a Pod or a CronJob, for a controller with more than
# one container or with init or ephemeral containers, and otherwise only
# when its one container sets what it checks (see the performance note in
# lib/kubernetes.rego).
deny contains r if {
	input.kind == "Pod"
	some r in _containers
}

deny contains r if {
	input.kind == "CronJob"
	some r in _containers
}

deny contains r if {
	_ = input.spec.template.spec.containers[1]
	some r in _containers
}

deny contains r if {
	_ = input.spec.template.spec.initContainers
	some r in _containers
}

deny contains r if {
	_ = input.spec.template.spec.ephemeralContainers
	some r in _containers
}

deny contains r if {
	_ = input.spec.template.spec.containers[0].securityContext.seccompProfile
	some r in _containers
}

deny contains r if {
	_ = input.spec.securityContext.seccompProfile
	not kubernetes.is_windows
	some r in _pod_level
}

deny contains r if {
	_ = input.spec.template.spec.securityContext.seccompProfile
	not kubernetes.is_windows
	some r in _pod_level
}

deny contains r if {
	_ = input.spec.jobTemplate.spec.template.spec.securityContext.seccompProfile
	not kubernetes.is_windows
	some r in _pod_level
}

_pod_level contains {"msg": msg} if {
	profile := kubernetes.pod_security_context.seccompProfile
	profile != null
	type := object.get(kubernetes.pod.spec, ["securityContext", "seccompProfile", "type"], "")
	not type in {"RuntimeDefault", "Localhost"}
	msg := sprintf("%s.seccompProfile.type: %s; use RuntimeDefault or Localhost", [kubernetes.pod_setter, json.marshal(type)])
}

_containers contains {"msg": msg} if {
	not kubernetes.is_windows
	some c in kubernetes.containers
	profile := c.securityContext.seccompProfile
	profile != null
	type := object.get(c.container, ["securityContext", "seccompProfile", "type"], "")
	not type in {"RuntimeDefault", "Localhost"}
	msg := sprintf("%s.seccompProfile.type: %s; use RuntimeDefault or Localhost", [kubernetes.container_setter(c), json.marshal(type)])
}

deny contains {"msg": msg} if {
	not kubernetes.is_windows
	object.get(kubernetes.pod_security_context, "seccompProfile", null) == null
	some c in kubernetes.containers
	object.get(c.container, ["securityContext", "seccompProfile"], null) == null
	msg := sprintf("%s has no seccomp profile: set securityContext.seccompProfile.type: RuntimeDefault on it or on the pod (%s.securityContext)", [kubernetes.label(c), kubernetes.pod.path])
}
