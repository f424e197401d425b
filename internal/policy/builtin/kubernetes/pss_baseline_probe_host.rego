# METADATA
# title: "Pod Security baseline: probe and lifecycle hook hosts"
# description: >-
#   A probe or lifecycle hook with a host makes the kubelet send requests to
#   any address, from the node. The Pod Security Standards baseline profile
#   (Kubernetes 1.34+) allows the host field of livenessProbe,
#   readinessProbe and startupProbe (httpGet and tcpSocket) and of
#   lifecycle.postStart and lifecycle.preStop (httpGet and tcpSocket) only
#   unset or empty, on containers, init containers and ephemeral containers.
#   Applies to Pods and to every controller's pod template.
# custom:
#   id: pss-baseline-probe-host
#   severity: medium
#   inputs: [kubernetes]
#   sets: [pod-security-baseline, pod-security-restricted]
#   remediation: >-
#     Remove host from the container's probes (livenessProbe, readinessProbe,
#     startupProbe: httpGet.host, tcpSocket.host) and lifecycle hooks
#     (lifecycle.postStart, lifecycle.preStop): they then target the pod's own
#     IP. To send a Host header, use httpGet.httpHeaders instead.
package paved.kubernetes.pss_baseline_probe_host

import data.paved.lib.kubernetes

# _probes runs for a Pod or a CronJob, for a controller with more than
# one container or with init or ephemeral containers, and otherwise only
# when its one container sets what it checks (see the performance note in
# lib/kubernetes.rego).
deny contains r if {
	input.kind == "Pod"
	some r in _probes
}

deny contains r if {
	input.kind == "CronJob"
	some r in _probes
}

deny contains r if {
	_ = input.spec.template.spec.containers[1]
	some r in _probes
}

deny contains r if {
	_ = input.spec.template.spec.initContainers
	some r in _probes
}

deny contains r if {
	_ = input.spec.template.spec.ephemeralContainers
	some r in _probes
}

deny contains r if {
	_ = input.spec.template.spec.containers[0].livenessProbe.httpGet.host
	some r in _probes
}

deny contains r if {
	_ = input.spec.template.spec.containers[0].livenessProbe.tcpSocket.host
	some r in _probes
}

deny contains r if {
	_ = input.spec.template.spec.containers[0].readinessProbe.httpGet.host
	some r in _probes
}

deny contains r if {
	_ = input.spec.template.spec.containers[0].readinessProbe.tcpSocket.host
	some r in _probes
}

deny contains r if {
	_ = input.spec.template.spec.containers[0].startupProbe.httpGet.host
	some r in _probes
}

deny contains r if {
	_ = input.spec.template.spec.containers[0].startupProbe.tcpSocket.host
	some r in _probes
}

# _hooks runs for a Pod or a CronJob, for a controller with more than
# one container or with init or ephemeral containers, and otherwise only
# when its one container sets what it checks (see the performance note in
# lib/kubernetes.rego).
deny contains r if {
	input.kind == "Pod"
	some r in _hooks
}

deny contains r if {
	input.kind == "CronJob"
	some r in _hooks
}

deny contains r if {
	_ = input.spec.template.spec.containers[1]
	some r in _hooks
}

deny contains r if {
	_ = input.spec.template.spec.initContainers
	some r in _hooks
}

deny contains r if {
	_ = input.spec.template.spec.ephemeralContainers
	some r in _hooks
}

deny contains r if {
	_ = input.spec.template.spec.containers[0].lifecycle
	some r in _hooks
}

_probes contains {"msg": msg} if {
	some c in kubernetes.containers
	some probe in ["livenessProbe", "readinessProbe", "startupProbe"]
	some handler, action in c.container[probe]
	host := action.host
	handler in {"httpGet", "tcpSocket"}
	not host in {null, ""}
	msg := sprintf("%s sets %s.%s.host: %s; probes must target the pod itself (remove host)", [kubernetes.label(c), probe, handler, json.marshal(host)])
}

_hooks contains {"msg": msg} if {
	some c in kubernetes.containers
	some hook, hook_handlers in c.container.lifecycle
	hook in {"postStart", "preStop"}
	some handler, action in hook_handlers
	host := action.host
	handler in {"httpGet", "tcpSocket"}
	not host in {null, ""}
	msg := sprintf("%s sets lifecycle.%s.%s.host: %s; lifecycle hooks must target the pod itself (remove host)", [kubernetes.label(c), hook, handler, json.marshal(host)])
}
