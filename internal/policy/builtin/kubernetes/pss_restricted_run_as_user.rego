# METADATA
# title: "Pod Security restricted: running as non-root user"
# description: >-
#   The Pod Security Standards restricted profile forbids runAsUser: 0 (root)
#   in the pod's securityContext and in every container's, init container's
#   and ephemeral container's, even where a container overrides the pod's
#   value. Pods in their own user namespace (spec.hostUsers: false) are exempt
#   (Kubernetes 1.35+). Applies to Pods and to every controller's pod
#   template.
# custom:
#   id: pss-restricted-run-as-user
#   severity: high
#   inputs: [kubernetes]
#   sets: [pod-security-restricted]
#   remediation: >-
#     Set securityContext.runAsUser to a non-zero UID (for example 10001) or
#     remove it, on the pod (spec.template.spec.securityContext in a
#     controller) and on every container.
package paved.kubernetes.pss_restricted_run_as_user

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
	_ = input.spec.template.spec.containers[0].securityContext.runAsUser
	some r in _containers
}

deny contains r if {
	_ = input.spec.securityContext.runAsUser
	some r in _pod_level
}

deny contains r if {
	_ = input.spec.template.spec.securityContext.runAsUser
	some r in _pod_level
}

deny contains r if {
	_ = input.spec.jobTemplate.spec.template.spec.securityContext.runAsUser
	some r in _pod_level
}

_pod_level contains {"msg": msg} if {
	not kubernetes.in_user_namespace
	kubernetes.pod_security_context.runAsUser == 0
	msg := sprintf("%s.runAsUser: 0 (root); use a non-zero UID or remove it", [kubernetes.pod_setter])
}

_containers contains {"msg": msg} if {
	not kubernetes.in_user_namespace
	some c in kubernetes.containers
	c.securityContext.runAsUser == 0
	msg := sprintf("%s.runAsUser: 0 (root); use a non-zero UID or remove it", [kubernetes.container_setter(c)])
}
