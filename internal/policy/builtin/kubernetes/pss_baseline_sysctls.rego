# METADATA
# title: "Pod Security baseline: sysctls"
# description: >-
#   Sysctls can disable security mechanisms or affect every pod on the node.
#   The Pod Security Standards baseline profile (Kubernetes 1.37) allows in
#   spec.securityContext.sysctls only the safe, namespaced set
#   kernel.shm_rmid_forced, net.ipv4.ip_local_port_range,
#   net.ipv4.ip_local_reserved_ports, net.ipv4.tcp_syncookies,
#   net.ipv4.ping_group_range, net.ipv4.ip_unprivileged_port_start,
#   net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout,
#   net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes,
#   net.ipv4.tcp_rmem, net.ipv4.tcp_wmem, net.ipv4.tcp_slow_start_after_idle
#   and net.ipv4.tcp_notsent_lowat. Applies to Pods and to every controller's
#   pod template.
# custom:
#   id: pss-baseline-sysctls
#   severity: medium
#   inputs: [kubernetes]
#   sets: [pod-security-baseline, pod-security-restricted]
#   remediation: >-
#     Remove the sysctl from the pod's securityContext.sysctls
#     (spec.template.spec.securityContext.sysctls in a controller). Node-wide
#     kernel tuning belongs to the platform team's node configuration.
package paved.kubernetes.pss_baseline_sysctls

import data.paved.lib.kubernetes

allowed := {
	"kernel.shm_rmid_forced",
	"net.ipv4.ip_local_port_range",
	"net.ipv4.tcp_syncookies",
	"net.ipv4.ping_group_range",
	"net.ipv4.ip_unprivileged_port_start",
	"net.ipv4.ip_local_reserved_ports",
	"net.ipv4.tcp_keepalive_time",
	"net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_keepalive_intvl",
	"net.ipv4.tcp_keepalive_probes",
	"net.ipv4.tcp_rmem",
	"net.ipv4.tcp_wmem",
	"net.ipv4.tcp_slow_start_after_idle",
	"net.ipv4.tcp_notsent_lowat",
}

# _sysctls runs only when the input sets what it checks, wherever the pod
# spec sits (see the performance note in lib/kubernetes.rego).
deny contains r if {
	_ = input.spec.securityContext.sysctls
	some r in _sysctls
}

deny contains r if {
	_ = input.spec.template.spec.securityContext.sysctls
	some r in _sysctls
}

deny contains r if {
	_ = input.spec.jobTemplate.spec.template.spec.securityContext.sysctls
	some r in _sysctls
}

_sysctls contains {"msg": msg} if {
	sysctls := kubernetes.pod_security_context.sysctls
	is_array(sysctls)
	some i, sysctl in sysctls
	is_object(sysctl)
	name := object.get(sysctl, "name", "")
	not allowed[name]
	msg := sprintf("%s.securityContext.sysctls[%d] sets %s, which is not in the safe set; allowed sysctls are %s", [kubernetes.pod.path, i, json.marshal(name), concat(", ", sort(allowed))])
}
