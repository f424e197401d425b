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

deny contains _msg("hostNetwork", "network") if kubernetes.pod.spec.hostNetwork == true

deny contains _msg("hostPID", "process (PID)") if kubernetes.pod.spec.hostPID == true

deny contains _msg("hostIPC", "IPC") if kubernetes.pod.spec.hostIPC == true

_msg(field, namespace) := {"msg": sprintf("%s.%s: true shares the node's %s namespace, which is not allowed (remove it or set it to false)", [kubernetes.pod.path, field, namespace])}
