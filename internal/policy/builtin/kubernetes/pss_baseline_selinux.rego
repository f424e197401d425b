# METADATA
# title: "Pod Security baseline: SELinux"
# description: >-
#   Custom SELinux options can lift the confinement the container runtime
#   applies. The Pod Security Standards baseline profile allows
#   seLinuxOptions.type only unset or empty, container_t, container_init_t,
#   container_kvm_t or container_engine_t, and forbids setting
#   seLinuxOptions.user or seLinuxOptions.role, on the pod and on every
#   container, init container and ephemeral container. Applies to Pods and to
#   every controller's pod template.
# custom:
#   id: pss-baseline-selinux
#   severity: medium
#   inputs: [kubernetes]
#   sets: [pod-security-baseline, pod-security-restricted]
#   remediation: >-
#     In securityContext.seLinuxOptions of the pod and its containers, remove
#     user and role, and set type only to container_t, container_init_t,
#     container_kvm_t or container_engine_t (or remove it). seLinuxOptions.level
#     may stay.
package paved.kubernetes.pss_baseline_selinux

import data.paved.lib.kubernetes

allowed_types := {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}

deny contains {"msg": msg} if {
	some s in kubernetes.security_contexts
	options := s.securityContext.seLinuxOptions
	is_object(options)
	type := _value(options, "type")
	not allowed_types[type]
	msg := sprintf("%s.seLinuxOptions.type: %s; allowed types are container_t, container_init_t, container_kvm_t and container_engine_t (or leave it unset)", [kubernetes.setter(s), json.marshal(type)])
}

deny contains {"msg": msg} if {
	some s in kubernetes.security_contexts
	options := s.securityContext.seLinuxOptions
	is_object(options)
	some field in ["user", "role"]
	value := _value(options, field)
	value != ""
	msg := sprintf("%s.seLinuxOptions.%s: %s; a custom SELinux %s is not allowed (remove it)", [kubernetes.setter(s), field, json.marshal(value), field])
}

# _value is the option's value, "" when unset or null.
_value(options, field) := v if {
	v := options[field]
	v != null
} else := ""
