package paved.kubernetes.pss_baseline_sysctls_test

import data.paved.kubernetes.pss_baseline_sysctls as policy
import data.paved.lib.kubernetes_test as fx

test_hardened_workloads_pass if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_safe_sysctls_are_allowed if {
	sysctls := [{"name": n, "value": "1"} | some n in policy.allowed]
	spec := object.union(fx.hardened_spec, {"securityContext": {"sysctls": sysctls}})
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
	"net.ipv4.tcp_notsent_lowat" in policy.allowed
	"net.ipv4.tcp_rmem" in policy.allowed
}

test_unsafe_sysctls if {
	spec := object.union(fx.hardened_spec, {"securityContext": {"sysctls": [
		{"name": "net.ipv4.tcp_syncookies", "value": "1"},
		{"name": "kernel.msgmax", "value": "65536"},
		{"name": "net.core.somaxconn", "value": "1024"},
	]}})
	every w in fx.workloads(spec) {
		count(policy.deny) == 2 with input as w
	}
	some r in policy.deny with input as fx.cronjob(spec)
	startswith(r.msg, `spec.jobTemplate.spec.template.spec.securityContext.sysctls[1] sets "kernel.msgmax", which is not in the safe set; allowed sysctls are kernel.shm_rmid_forced,`)
}
