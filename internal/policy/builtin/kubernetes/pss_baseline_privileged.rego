# METADATA
# title: "Pod Security baseline: privileged containers"
# description: >-
#   A privileged container has every capability and full access to the node's
#   devices, which disables most container isolation. The Pod Security
#   Standards baseline profile allows securityContext.privileged only unset or
#   false, on containers, init containers and ephemeral containers. Applies to
#   Pods and to every controller's pod template.
# custom:
#   id: pss-baseline-privileged
#   severity: critical
#   inputs: [kubernetes]
#   sets: [pod-security-baseline, pod-security-restricted]
#   remediation: >-
#     Remove securityContext.privileged from the container (or set it to
#     false). If the container needs one specific privilege, add just that
#     capability under securityContext.capabilities.add, if the baseline list
#     allows it.
package paved.kubernetes.pss_baseline_privileged

import data.paved.lib.kubernetes

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

_containers contains {"msg": msg} if {
	some c in kubernetes.containers
	c.securityContext.privileged == true
	msg := sprintf("%s sets securityContext.privileged: true; privileged containers are not allowed (remove it or set it to false)", [kubernetes.label(c)])
}
