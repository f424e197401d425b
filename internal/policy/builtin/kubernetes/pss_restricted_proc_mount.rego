# METADATA
# title: "Pod Security restricted: /proc mount type"
# description: >-
#   The Pod Security Standards restricted profile allows
#   securityContext.procMount only unset or Default on every container, init
#   container and ephemeral container, also in pods with their own user
#   namespace (spec.hostUsers: false), which the baseline profile exempts
#   (Kubernetes 1.35+). Applies to Pods and to every controller's pod
#   template.
# custom:
#   id: pss-restricted-proc-mount
#   severity: medium
#   inputs: [kubernetes]
#   sets: [pod-security-restricted]
#   remediation: >-
#     Remove securityContext.procMount from the container or set it to Default.
package paved.kubernetes.pss_restricted_proc_mount

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
	_ = input.spec.template.spec.containers[0].securityContext.procMount
	some r in _containers
}

_containers contains {"msg": msg} if {
	some c in kubernetes.containers
	proc_mount := c.securityContext.procMount
	not proc_mount in {null, "Default"}
	msg := sprintf("%s sets securityContext.procMount: %s; only Default is allowed", [kubernetes.label(c), json.marshal(proc_mount)])
}
