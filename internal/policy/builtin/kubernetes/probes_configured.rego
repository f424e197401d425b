# METADATA
# title: Long-running containers must have readiness and liveness probes
# description: >-
#   Without a readiness probe a pod gets traffic before it can serve it, and
#   without a liveness probe a hung process is never restarted. Every
#   container (not init or ephemeral containers) of a Deployment, StatefulSet
#   or DaemonSet must set readinessProbe and livenessProbe. Jobs, CronJobs and
#   bare Pods are not checked: they run to completion or are not managed.
# custom:
#   id: probes-configured
#   severity: medium
#   inputs: [kubernetes]
#   remediation: >-
#     Add readinessProbe and livenessProbe to each container in
#     spec.template.spec.containers, e.g. httpGet on a /ready and a /live
#     endpoint (or tcpSocket, grpc or exec). Make liveness cheaper and more
#     tolerant than readiness (higher failureThreshold) so slow dependencies
#     do not cause restarts.
package paved.kubernetes.probes_configured

import data.paved.lib.kubernetes

deny contains {"msg": msg} if {
	kubernetes.is_long_running
	some c in kubernetes.containers
	c.type == "containers"
	some probe in ["readinessProbe", "livenessProbe"]
	object.get(c.container, probe, null) == null
	msg := sprintf("%s has no %s; add %s.%s (httpGet, tcpSocket, grpc or exec)", [kubernetes.label(c), probe, kubernetes.path(c), probe])
}
