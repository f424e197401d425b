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

deny contains {"msg": msg} if {
	not kubernetes.in_user_namespace
	some s in kubernetes.security_contexts
	s.securityContext.runAsUser == 0
	msg := sprintf("%s.runAsUser: 0 (root); use a non-zero UID or remove it", [kubernetes.setter(s)])
}
