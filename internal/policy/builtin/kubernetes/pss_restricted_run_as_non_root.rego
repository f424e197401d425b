# METADATA
# title: "Pod Security restricted: running as non-root"
# description: >-
#   The Pod Security Standards restricted profile requires every container,
#   init container and ephemeral container to run with runAsNonRoot: true:
#   set on the pod's securityContext (containers inherit it) or on each
#   container's. runAsNonRoot: false is not allowed anywhere, even if a
#   container overrides it. Pods in their own user namespace
#   (spec.hostUsers: false) are exempt (Kubernetes 1.35+). Applies to Pods and
#   to every controller's pod template.
# custom:
#   id: pss-restricted-run-as-non-root
#   severity: high
#   inputs: [kubernetes]
#   sets: [pod-security-restricted]
#   remediation: >-
#     Set runAsNonRoot: true in the pod's securityContext
#     (spec.template.spec.securityContext in a controller) and remove any
#     runAsNonRoot: false from containers. The image must then run as a
#     non-zero UID (USER in the Dockerfile, or securityContext.runAsUser).
package paved.kubernetes.pss_restricted_run_as_non_root

import data.paved.lib.kubernetes

# _pod_level runs only when the input sets what it checks, wherever the pod
# spec sits (see the performance note in lib/kubernetes.rego).
deny contains r if {
	input.spec.securityContext.runAsNonRoot == false
	some r in _pod_level
}

deny contains r if {
	input.spec.template.spec.securityContext.runAsNonRoot == false
	some r in _pod_level
}

deny contains r if {
	input.spec.jobTemplate.spec.template.spec.securityContext.runAsNonRoot == false
	some r in _pod_level
}

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
	input.spec.template.spec.containers[0].securityContext.runAsNonRoot == false
	some r in _containers
}

_pod_level contains {"msg": msg} if {
	not kubernetes.in_user_namespace
	kubernetes.pod_security_context.runAsNonRoot == false
	msg := sprintf("the pod sets %s.securityContext.runAsNonRoot: false; set it to true", [kubernetes.pod.path])
}

_containers contains {"msg": msg} if {
	not kubernetes.in_user_namespace
	some c in kubernetes.containers
	c.securityContext.runAsNonRoot == false
	msg := sprintf("%s sets securityContext.runAsNonRoot: false; set it to true or remove it and set it on the pod", [kubernetes.label(c)])
}

# Neither the pod nor the container says true or false.
deny contains {"msg": msg} if {
	not kubernetes.in_user_namespace
	not is_boolean(object.get(kubernetes.pod_security_context, "runAsNonRoot", null))
	some c in kubernetes.containers
	not is_boolean(object.get(c.container, ["securityContext", "runAsNonRoot"], null))
	msg := sprintf("%s may run as root: set securityContext.runAsNonRoot: true on it or on the pod (%s.securityContext)", [kubernetes.label(c), kubernetes.pod.path])
}
