# METADATA
# title: "Pod Security baseline: capabilities"
# description: >-
#   Adding Linux capabilities beyond the container runtime's default set (for
#   example NET_ADMIN, SYS_ADMIN, NET_RAW) widens what a compromised container
#   can do to the node. The Pod Security Standards baseline profile allows
#   securityContext.capabilities.add to hold only AUDIT_WRITE, CHOWN,
#   DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP,
#   SETGID, SETPCAP, SETUID and SYS_CHROOT, on containers, init containers and
#   ephemeral containers. Applies to Pods and to every controller's pod
#   template.
# custom:
#   id: pss-baseline-capabilities
#   severity: high
#   inputs: [kubernetes]
#   sets: [pod-security-baseline, pod-security-restricted]
#   remediation: >-
#     Remove the capability from the container's
#     securityContext.capabilities.add. Only AUDIT_WRITE, CHOWN, DAC_OVERRIDE,
#     FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP,
#     SETUID and SYS_CHROOT may be added.
package paved.kubernetes.pss_baseline_capabilities

import data.paved.lib.kubernetes

allowed := {
	"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
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
	_ = input.spec.template.spec.containers[0].securityContext.capabilities.add
	some r in _containers
}

_containers contains {"msg": msg} if {
	some c in kubernetes.containers
	some capability in c.securityContext.capabilities.add
	not allowed[capability]
	msg := sprintf("%s adds capability %s in securityContext.capabilities.add; baseline allows adding only %s", [kubernetes.label(c), json.marshal(capability), concat(", ", sort(allowed))])
}
