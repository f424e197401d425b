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

# The pod-level securityContext and the containers' are checked
# separately; the pod-level check runs only when the input sets the field
# (see the performance note in lib/kubernetes.rego).
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
	_ = input.spec.template.spec.containers[0].securityContext.seLinuxOptions
	some r in _containers
}

deny contains r if {
	_ = input.spec.securityContext.seLinuxOptions
	some r in _pod_level
}

deny contains r if {
	_ = input.spec.template.spec.securityContext.seLinuxOptions
	some r in _pod_level
}

deny contains r if {
	_ = input.spec.jobTemplate.spec.template.spec.securityContext.seLinuxOptions
	some r in _pod_level
}

_pod_level contains {"msg": msg} if {
	options := kubernetes.pod_security_context.seLinuxOptions
	is_object(options)
	type := _value(options, "type")
	not allowed_types[type]
	msg := sprintf("%s.seLinuxOptions.type: %s; allowed types are container_t, container_init_t, container_kvm_t and container_engine_t (or leave it unset)", [kubernetes.pod_setter, json.marshal(type)])
}

_pod_level contains {"msg": msg} if {
	options := kubernetes.pod_security_context.seLinuxOptions
	is_object(options)
	some field in ["user", "role"]
	value := _value(options, field)
	value != ""
	msg := sprintf("%s.seLinuxOptions.%s: %s; a custom SELinux %s is not allowed (remove it)", [kubernetes.pod_setter, field, json.marshal(value), field])
}

_containers contains {"msg": msg} if {
	some c in kubernetes.containers
	options := c.securityContext.seLinuxOptions
	is_object(options)
	type := _value(options, "type")
	not allowed_types[type]
	msg := sprintf("%s.seLinuxOptions.type: %s; allowed types are container_t, container_init_t, container_kvm_t and container_engine_t (or leave it unset)", [kubernetes.container_setter(c), json.marshal(type)])
}

_containers contains {"msg": msg} if {
	some c in kubernetes.containers
	options := c.securityContext.seLinuxOptions
	is_object(options)
	some field in ["user", "role"]
	value := _value(options, field)
	value != ""
	msg := sprintf("%s.seLinuxOptions.%s: %s; a custom SELinux %s is not allowed (remove it)", [kubernetes.container_setter(c), field, json.marshal(value), field])
}

# _value is the option's value, "" when unset or null.
_value(options, field) := v if {
	v := options[field]
	v != null
} else := ""
