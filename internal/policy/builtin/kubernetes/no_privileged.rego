# METADATA
# title: Containers must not be privileged
# description: >-
#   Privileged containers, containers that explicitly allow privilege
#   escalation and containers that add the SYS_ADMIN capability (or ALL) can
#   take over the node. No container, init container or ephemeral container
#   may set securityContext.privileged: true or
#   securityContext.allowPrivilegeEscalation: true, or add SYS_ADMIN or ALL in
#   securityContext.capabilities.add (with or without a CAP_ prefix, in any
#   case). Applies to Pods and to every controller's pod template.
# custom:
#   id: no-privileged
#   severity: critical
#   inputs: [kubernetes]
#   remediation: >-
#     In the container's securityContext remove privileged: true (or set it to
#     false), set allowPrivilegeEscalation: false, and remove SYS_ADMIN and ALL
#     from capabilities.add; add only the narrow capability the workload needs
#     (for example NET_BIND_SERVICE).
package paved.kubernetes.no_privileged

import data.paved.lib.kubernetes

_forbidden_capabilities := {"SYS_ADMIN", "ALL"}

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
	input.spec.template.spec.containers[0].securityContext.privileged == true
	some r in _containers
}

deny contains r if {
	input.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation == true
	some r in _containers
}

deny contains r if {
	_ = input.spec.template.spec.containers[0].securityContext.capabilities.add
	some r in _containers
}

_containers contains {"msg": msg} if {
	some c in kubernetes.containers
	c.securityContext.privileged == true
	msg := sprintf("%s sets securityContext.privileged: true; remove it or set it to false", [kubernetes.label(c)])
}

_containers contains {"msg": msg} if {
	some c in kubernetes.containers
	c.securityContext.allowPrivilegeEscalation == true
	msg := sprintf("%s sets securityContext.allowPrivilegeEscalation: true; set it to false", [kubernetes.label(c)])
}

_containers contains {"msg": msg} if {
	some c in kubernetes.containers
	some capability in c.securityContext.capabilities.add
	is_string(capability)
	_forbidden_capabilities[_normalize(capability)]
	msg := sprintf("%s adds capability %q in securityContext.capabilities.add; remove it and add only the narrow capability the workload needs", [kubernetes.label(c), capability])
}

_normalize(capability) := trim_prefix(upper(trim_space(capability)), "CAP_")
