package main

deny contains msg if {
	input.kind == "Deployment"
	not input.spec.template.spec.securityContext.runAsNonRoot
	msg := sprintf("Containers must not run as root in Deployment %s", [input.metadata.name])
}

warn contains msg if {
	input.kind == "Service"
	input.spec.type == "LoadBalancer"
	msg := sprintf("Service %s is a LoadBalancer: it costs money", [input.metadata.name])
}
