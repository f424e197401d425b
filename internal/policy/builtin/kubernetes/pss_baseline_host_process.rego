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

deny contains {"msg": msg} if {
	some s in kubernetes.security_contexts
	s.securityContext.windowsOptions.hostProcess == true
	msg := sprintf("%s.windowsOptions.hostProcess: true; HostProcess containers are not allowed (remove it or set it to false)", [kubernetes.setter(s)])
}
