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

deny contains {"msg": msg} if {
	some s in kubernetes.security_contexts
	profile := s.securityContext.seccompProfile
	profile != null
	type := object.get(s.object, ["securityContext", "seccompProfile", "type"], "")
	not type in {"RuntimeDefault", "Localhost"}
	msg := sprintf("%s.seccompProfile.type: %s; only RuntimeDefault or Localhost are allowed", [kubernetes.setter(s), json.marshal(type)])
}
