# METADATA
# title: Containers must not run as root
# description: >-
#   A container running as UID 0 is root on the node if it ever escapes its
#   isolation. Every container, init container and ephemeral container must
#   run with runAsNonRoot: true and must not run as UID 0. Both settings are
#   inherited from the pod's securityContext, and a container's own value
#   overrides the pod's, so what counts is the value each container ends up
#   with (a container's runAsNonRoot: true overrides a pod-level false, which
#   pss-restricted-run-as-non-root still reports). Unlike the restricted
#   profile, pods with hostUsers: false are not exempt. Applies to Pods and
#   to every controller's pod template.
# custom:
#   id: run-as-non-root
#   severity: high
#   inputs: [kubernetes]
#   remediation: >-
#     Set runAsNonRoot: true in the pod's securityContext
#     (spec.template.spec.securityContext in a controller; containers inherit
#     it) or in each container's securityContext, remove runAsNonRoot: false and
#     runAsUser: 0, and build the image with a non-root USER (or set
#     securityContext.runAsUser to a non-zero UID such as 10001).
package paved.kubernetes.run_as_non_root

import data.paved.lib.kubernetes

# A container's own runAsNonRoot / runAsUser overrides the pod's; unset (or
# null) inherits it. Written without function calls on the per-container
# path: the pod-level facts are computed once.

# _own_value runs for a Pod or a CronJob, for a controller with more than
# one container or with init or ephemeral containers, and otherwise only
# when its one container sets what it checks (see the performance note in
# lib/kubernetes.rego).
deny contains r if {
	input.kind == "Pod"
	some r in _own_value
}

deny contains r if {
	input.kind == "CronJob"
	some r in _own_value
}

deny contains r if {
	_ = input.spec.template.spec.containers[1]
	some r in _own_value
}

deny contains r if {
	_ = input.spec.template.spec.initContainers
	some r in _own_value
}

deny contains r if {
	_ = input.spec.template.spec.ephemeralContainers
	some r in _own_value
}

deny contains r if {
	_ = input.spec.template.spec.containers[0].securityContext.runAsNonRoot
	some r in _own_value
}

# _own_uid runs for a Pod or a CronJob, for a controller with more than
# one container or with init or ephemeral containers, and otherwise only
# when its one container sets what it checks (see the performance note in
# lib/kubernetes.rego).
deny contains r if {
	input.kind == "Pod"
	some r in _own_uid
}

deny contains r if {
	input.kind == "CronJob"
	some r in _own_uid
}

deny contains r if {
	_ = input.spec.template.spec.containers[1]
	some r in _own_uid
}

deny contains r if {
	_ = input.spec.template.spec.initContainers
	some r in _own_uid
}

deny contains r if {
	_ = input.spec.template.spec.ephemeralContainers
	some r in _own_uid
}

deny contains r if {
	_ = input.spec.template.spec.containers[0].securityContext.runAsUser
	some r in _own_uid
}

# _pod_uid runs only when the input sets what it checks, wherever the pod
# spec sits (see the performance note in lib/kubernetes.rego).
deny contains r if {
	_ = input.spec.securityContext.runAsUser
	some r in _pod_uid
}

deny contains r if {
	_ = input.spec.template.spec.securityContext.runAsUser
	some r in _pod_uid
}

deny contains r if {
	_ = input.spec.jobTemplate.spec.template.spec.securityContext.runAsUser
	some r in _pod_uid
}

# The container says runAsNonRoot: false (or anything but true).
_own_value contains {"msg": msg} if {
	some c in kubernetes.containers
	value := c.securityContext.runAsNonRoot
	not value in {true, null}
	msg := sprintf("%s may run as root: securityContext.runAsNonRoot is %s; set it to true", [kubernetes.label(c), json.marshal(value)])
}

# The container leaves it unset and the pod does not say true.
deny contains {"msg": msg} if {
	not kubernetes.pod_security_context.runAsNonRoot == true
	some c in kubernetes.containers
	object.get(c.container, ["securityContext", "runAsNonRoot"], null) == null
	msg := _inherited_msg(c)
}

_own_uid contains {"msg": msg} if {
	some c in kubernetes.containers
	c.securityContext.runAsUser == 0
	msg := sprintf("%s runs as UID 0 (securityContext.runAsUser: 0); use a non-zero UID such as 10001", [kubernetes.label(c)])
}

_pod_uid contains {"msg": msg} if {
	kubernetes.pod_security_context.runAsUser == 0
	some c in kubernetes.containers
	object.get(c.container, ["securityContext", "runAsUser"], null) == null
	msg := sprintf("%s runs as UID 0 (the pod's %s.securityContext.runAsUser: 0); use a non-zero UID such as 10001", [kubernetes.label(c), kubernetes.pod.path])
}

_inherited_msg(c) := sprintf("%s may run as root: the pod's %s.securityContext.runAsNonRoot is %s; set it to true", [kubernetes.label(c), kubernetes.pod.path, json.marshal(value)]) if {
	value := kubernetes.pod_security_context.runAsNonRoot
	value != null
} else := sprintf("%s may run as root: set securityContext.runAsNonRoot: true on it or on the pod (%s.securityContext)", [kubernetes.label(c), kubernetes.pod.path])
