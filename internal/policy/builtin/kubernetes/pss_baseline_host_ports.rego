# METADATA
# title: "Pod Security baseline: host ports"
# description: >-
#   A hostPort binds a port on the node's own network interfaces, bypassing
#   network policy and limiting scheduling. The Pod Security Standards baseline
#   profile allows ports[*].hostPort only unset or 0, on containers, init
#   containers and ephemeral containers. Applies to Pods and to every
#   controller's pod template.
# custom:
#   id: pss-baseline-host-ports
#   severity: medium
#   inputs: [kubernetes]
#   sets: [pod-security-baseline, pod-security-restricted]
#   remediation: >-
#     Remove hostPort from the container's ports (keep containerPort) and
#     expose the port through a Service (ClusterIP, or an approved NodePort or
#     LoadBalancer).
package paved.kubernetes.pss_baseline_host_ports

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
	_ = input.spec.template.spec.containers[0].ports[0].hostPort
	some r in _containers
}

deny contains r if {
	_ = input.spec.template.spec.containers[0].ports[1]
	some r in _containers
}

_containers contains {"msg": msg} if {
	some c in kubernetes.containers
	ports := c.container.ports
	is_array(ports)
	some i, port in ports
	host_port := port.hostPort
	not host_port in {0, null}
	msg := sprintf("%s sets ports[%d].hostPort: %s; host ports are not allowed (remove hostPort and expose the port through a Service)", [kubernetes.label(c), i, json.marshal(host_port)])
}
