# METADATA
# title: "Pod Security baseline: seccomp"
# description: >-
#   Seccomp filters the system calls a container can make; Unconfined turns
#   the filter off. The Pod Security Standards baseline profile allows
#   seccompProfile.type only RuntimeDefault or Localhost when it is set, on the
#   pod and on every container, init container and ephemeral container
#   (leaving it unset is allowed at this level). Applies to Pods and to every
#   controller's pod template.
# custom:
#   id: pss-baseline-seccomp
#   severity: medium
#   inputs: [kubernetes]
#   sets: [pod-security-baseline, pod-security-restricted]
#   remediation: >-
#     Set securityContext.seccompProfile.type to RuntimeDefault (or Localhost
#     with localhostProfile) on the pod or the container, or remove
#     seccompProfile. Unconfined is not allowed.
package paved.kubernetes.pss_baseline_seccomp

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
	some r in _pod_level
}

deny contains r if {
	_ = input.spec.template.spec.securityContext.seccompProfile
	some r in _pod_level
}

deny contains r if {
	_ = input.spec.jobTemplate.spec.template.spec.securityContext.seccompProfile
	some r in _pod_level
}

_pod_level contains {"msg": msg} if {
	profile := kubernetes.pod_security_context.seccompProfile
	profile != null
	type := object.get(kubernetes.pod.spec, ["securityContext", "seccompProfile", "type"], "")
	not type in {"RuntimeDefault", "Localhost"}
	msg := sprintf("%s.seccompProfile.type: %s; only RuntimeDefault or Localhost are allowed", [kubernetes.pod_setter, json.marshal(type)])
}

_containers contains {"msg": msg} if {
	some c in kubernetes.containers
	profile := c.securityContext.seccompProfile
	profile != null
	type := object.get(c.container, ["securityContext", "seccompProfile", "type"], "")
	not type in {"RuntimeDefault", "Localhost"}
	msg := sprintf("%s.seccompProfile.type: %s; only RuntimeDefault or Localhost are allowed", [kubernetes.container_setter(c), json.marshal(type)])
}
