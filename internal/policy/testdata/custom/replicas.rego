# METADATA
# title: Production deployments run at least two replicas
# description: One replica means every rollout and node drain is an outage.
# custom:
#   id: min-replicas
#   severity: medium
#   inputs: [kubernetes]
#   sets: [reliability]
#   remediation: Set spec.replicas to 2 or more.
package acme.min_replicas

deny contains {"msg": msg} if {
	input.kind == "Deployment"
	object.get(input.spec, "replicas", 1) < 2
	msg := sprintf("Deployment %s runs %d replica(s)", [input.metadata.name, object.get(input.spec, "replicas", 1)])
}
