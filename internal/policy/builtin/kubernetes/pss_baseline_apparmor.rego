# METADATA
# title: "Pod Security baseline: AppArmor"
# description: >-
#   The container runtime's default AppArmor profile confines what a container
#   can do on the node. The Pod Security Standards baseline profile allows
#   securityContext.appArmorProfile.type only RuntimeDefault, Localhost or
#   unset (on the pod, containers, init containers and ephemeral containers),
#   and the legacy annotations
#   container.apparmor.security.beta.kubernetes.io/<container> only
#   runtime/default, localhost/<profile> or empty, which rules out Unconfined.
#   Applies to Pods and to every controller's pod template (annotations on
#   the template's metadata).
# custom:
#   id: pss-baseline-apparmor
#   severity: medium
#   inputs: [kubernetes]
#   sets: [pod-security-baseline, pod-security-restricted]
#   remediation: >-
#     Set securityContext.appArmorProfile.type to RuntimeDefault (or Localhost
#     with localhostProfile) on the pod or container, or remove it. Remove
#     container.apparmor.security.beta.kubernetes.io/* annotations whose value
#     is unconfined; prefer the appArmorProfile field over the annotation.
package paved.kubernetes.pss_baseline_apparmor

import data.paved.lib.kubernetes

_annotation_prefix := "container.apparmor.security.beta.kubernetes.io/"

deny contains {"msg": msg} if {
	some s in kubernetes.security_contexts
	profile := s.securityContext.appArmorProfile
	profile != null
	type := object.get(s.object, ["securityContext", "appArmorProfile", "type"], "")
	not type in {"RuntimeDefault", "Localhost"}
	msg := sprintf("%s.appArmorProfile.type: %s; only RuntimeDefault or Localhost are allowed (or leave it unset)", [kubernetes.setter(s), json.marshal(type)])
}

deny contains {"msg": msg} if {
	some key, value in kubernetes.pod_annotations
	startswith(key, "container.apparmor.security.beta.kubernetes.io/")
	not _allowed_annotation(value)
	msg := sprintf("%s.annotations[%q] is %s for container %q; only runtime/default or localhost/<profile> are allowed (better: securityContext.appArmorProfile.type: RuntimeDefault)", [kubernetes.pod.metadata_path, key, json.marshal(value), substring(key, count(_annotation_prefix), -1)])
}

_allowed_annotation("")

_allowed_annotation("runtime/default")

_allowed_annotation(value) if {
	is_string(value)
	startswith(value, "localhost/")
}
