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
	_ = input.spec.template.spec.containers[0].securityContext.appArmorProfile
	some r in _containers
}

deny contains r if {
	_ = input.spec.securityContext.appArmorProfile
	some r in _pod_level
}

deny contains r if {
	_ = input.spec.template.spec.securityContext.appArmorProfile
	some r in _pod_level
}

deny contains r if {
	_ = input.spec.jobTemplate.spec.template.spec.securityContext.appArmorProfile
	some r in _pod_level
}

_pod_level contains {"msg": msg} if {
	profile := kubernetes.pod_security_context.appArmorProfile
	profile != null
	type := object.get(kubernetes.pod.spec, ["securityContext", "appArmorProfile", "type"], "")
	not type in {"RuntimeDefault", "Localhost"}
	msg := sprintf("%s.appArmorProfile.type: %s; only RuntimeDefault or Localhost are allowed (or leave it unset)", [kubernetes.pod_setter, json.marshal(type)])
}

_containers contains {"msg": msg} if {
	some c in kubernetes.containers
	profile := c.securityContext.appArmorProfile
	profile != null
	type := object.get(c.container, ["securityContext", "appArmorProfile", "type"], "")
	not type in {"RuntimeDefault", "Localhost"}
	msg := sprintf("%s.appArmorProfile.type: %s; only RuntimeDefault or Localhost are allowed (or leave it unset)", [kubernetes.container_setter(c), json.marshal(type)])
}

# The annotation check runs only when the pod has annotations.
deny contains r if {
	_ = input.metadata.annotations
	some r in _annotations
}

deny contains r if {
	_ = input.spec.template.metadata.annotations
	some r in _annotations
}

deny contains r if {
	_ = input.spec.jobTemplate.spec.template.metadata.annotations
	some r in _annotations
}

_annotations contains {"msg": msg} if {
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
