# The conftest side of bench/policy.sh: 13 rules equivalent to paved's
# built-in Kubernetes checks, written the way conftest users write them
# (package main, deny rules over the raw manifest).
package main

workload_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}

pod_spec := input.spec.template.spec if workload_kinds[input.kind]

pod_spec := input.spec.jobTemplate.spec.template.spec if input.kind == "CronJob"

pod_spec := input.spec if input.kind == "Pod"

containers contains c if some c in pod_spec.containers

containers contains c if some c in pod_spec.initContainers

deny contains msg if {
	some c in containers
	not c.securityContext.runAsNonRoot
	not pod_spec.securityContext.runAsNonRoot
	msg := sprintf("%s %s: container %s must set runAsNonRoot", [input.kind, input.metadata.name, c.name])
}

deny contains msg if {
	some c in containers
	c.securityContext.privileged
	msg := sprintf("%s %s: container %s is privileged", [input.kind, input.metadata.name, c.name])
}

deny contains msg if {
	some c in containers
	not c.securityContext.allowPrivilegeEscalation == false
	msg := sprintf("%s %s: container %s must set allowPrivilegeEscalation: false", [input.kind, input.metadata.name, c.name])
}

deny contains msg if {
	some c in containers
	not c.resources.requests.cpu
	msg := sprintf("%s %s: container %s has no CPU request", [input.kind, input.metadata.name, c.name])
}

deny contains msg if {
	some c in containers
	not c.resources.limits.memory
	msg := sprintf("%s %s: container %s has no memory limit", [input.kind, input.metadata.name, c.name])
}

deny contains msg if {
	some c in containers
	endswith(c.image, ":latest")
	msg := sprintf("%s %s: container %s uses the latest tag", [input.kind, input.metadata.name, c.name])
}

deny contains msg if {
	some c in containers
	not startswith(c.image, "ghcr.io/example-shop/")
	msg := sprintf("%s %s: image %s is not from an allowed registry", [input.kind, input.metadata.name, c.image])
}

deny contains msg if {
	input.kind in {"Deployment", "StatefulSet", "DaemonSet"}
	some c in pod_spec.containers
	not c.readinessProbe
	msg := sprintf("%s %s: container %s has no readiness probe", [input.kind, input.metadata.name, c.name])
}

deny contains msg if {
	some c in containers
	not c.securityContext.readOnlyRootFilesystem
	msg := sprintf("%s %s: container %s must have a read-only root filesystem", [input.kind, input.metadata.name, c.name])
}

deny contains msg if {
	input.kind == "Service"
	input.spec.type in {"NodePort", "LoadBalancer"}
	not input.metadata.annotations["paved.dev/exposure-approved-by"]
	msg := sprintf("Service %s of type %s needs approval", [input.metadata.name, input.spec.type])
}

deny contains msg if {
	input.metadata.namespace == "default"
	msg := sprintf("%s %s is in the default namespace", [input.kind, input.metadata.name])
}

deny contains msg if {
	input.kind != "ConfigMap"
	some key in ["team", "service", "environment"]
	not input.metadata.labels[key]
	msg := sprintf("%s %s has no %s label", [input.kind, input.metadata.name, key])
}

deny contains msg if {
	pod_spec.hostNetwork
	msg := sprintf("%s %s uses the host network", [input.kind, input.metadata.name])
}
