# METADATA
# title: "Pod Security baseline: HostProcess"
# description: >-
#   Windows HostProcess containers run directly on the node with the node's
#   privileges, bypassing container isolation. The Pod Security Standards
#   baseline profile forbids securityContext.windowsOptions.hostProcess: true
#   on the pod and on every container, init container and ephemeral container.
#   Applies to Pods and to every controller's pod template.
# custom:
#   id: pss-baseline-host-process
#   severity: critical
#   inputs: [kubernetes]
#   sets: [pod-security-baseline, pod-security-restricted]
#   remediation: >-
#     Remove securityContext.windowsOptions.hostProcess (or set it to false) in
#     the pod's securityContext (spec.securityContext, or
#     spec.template.spec.securityContext in a controller) and in every
#     container's securityContext. Node-level Windows agents belong in a
#     namespace exempted by the platform team.
package paved.kubernetes.pss_baseline_host_process

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
	input.spec.template.spec.containers[0].securityContext.windowsOptions.hostProcess == true
	some r in _containers
}

deny contains r if {
	_ = input.spec.securityContext.windowsOptions
	some r in _pod_level
}

deny contains r if {
	_ = input.spec.template.spec.securityContext.windowsOptions
	some r in _pod_level
}

deny contains r if {
	_ = input.spec.jobTemplate.spec.template.spec.securityContext.windowsOptions
	some r in _pod_level
}

_pod_level contains {"msg": msg} if {
	kubernetes.pod_security_context.windowsOptions.hostProcess == true
	msg := sprintf("%s.windowsOptions.hostProcess: true; HostProcess containers are not allowed (remove it or set it to false)", [kubernetes.pod_setter])
}

_containers contains {"msg": msg} if {
	some c in kubernetes.containers
	c.securityContext.windowsOptions.hostProcess == true
	msg := sprintf("%s.windowsOptions.hostProcess: true; HostProcess containers are not allowed (remove it or set it to false)", [kubernetes.container_setter(c)])
}
