# METADATA
# title: "Pod Security baseline: host namespaces"
# description: >-
#   Sharing the node's network, process (PID) or IPC namespace lets a pod see
#   and reach what other pods and the node itself do. The Pod Security
#   Standards baseline profile allows spec.hostNetwork, spec.hostPID and
#   spec.hostIPC only unset or false. Applies to Pods and to every
#   controller's pod template.
# custom:
#   id: pss-baseline-host-namespaces
#   severity: high
#   inputs: [kubernetes]
#   sets: [pod-security-baseline, pod-security-restricted]
#   remediation: >-
#     Remove hostNetwork, hostPID and hostIPC from the pod spec (spec, or
#     spec.template.spec in a controller, spec.jobTemplate.spec.template.spec
#     in a CronJob) or set them to false. Reach the pod through a Service
#     instead of the node's network.
package paved.kubernetes.pss_baseline_host_namespaces

import data.paved.lib.kubernetes

# Each check is written once per place a pod spec can sit, its first
# expression a comparison on input that OPA's rule index evaluates before
# the body: a document that does not set the field skips the body entirely.
# The rest of the body is the check itself, so the union is unchanged.
deny contains _msg("hostNetwork", "network") if {
	input.spec.hostNetwork == true
	kubernetes.pod.spec.hostNetwork == true
}

deny contains _msg("hostNetwork", "network") if {
	input.spec.template.spec.hostNetwork == true
	kubernetes.pod.spec.hostNetwork == true
}

deny contains _msg("hostNetwork", "network") if {
	input.spec.jobTemplate.spec.template.spec.hostNetwork == true
	kubernetes.pod.spec.hostNetwork == true
}

deny contains _msg("hostPID", "process (PID)") if {
	input.spec.hostPID == true
	kubernetes.pod.spec.hostPID == true
}

deny contains _msg("hostPID", "process (PID)") if {
	input.spec.template.spec.hostPID == true
	kubernetes.pod.spec.hostPID == true
}

deny contains _msg("hostPID", "process (PID)") if {
	input.spec.jobTemplate.spec.template.spec.hostPID == true
	kubernetes.pod.spec.hostPID == true
}

deny contains _msg("hostIPC", "IPC") if {
	input.spec.hostIPC == true
	kubernetes.pod.spec.hostIPC == true
}

deny contains _msg("hostIPC", "IPC") if {
	input.spec.template.spec.hostIPC == true
	kubernetes.pod.spec.hostIPC == true
}

deny contains _msg("hostIPC", "IPC") if {
	input.spec.jobTemplate.spec.template.spec.hostIPC == true
	kubernetes.pod.spec.hostIPC == true
}

_msg(field, namespace) := {"msg": sprintf("%s.%s: true shares the node's %s namespace, which is not allowed (remove it or set it to false)", [kubernetes.pod.path, field, namespace])}
