# METADATA
# title: Services exposed outside the cluster need an approval
# description: >-
#   A Service of type NodePort or LoadBalancer is reachable from outside the
#   cluster, often from the internet. It must name who approved that
#   exposure in the annotation paved.dev/exposure-approved-by (a non-empty
#   value), so every external entry point has an owner who reviewed it.
#   Services of type ClusterIP or ExternalName are not checked.
# custom:
#   id: service-exposure-approved
#   severity: high
#   inputs: [kubernetes]
#   remediation: >-
#     Either keep the Service internal (type ClusterIP, exposed through the
#     platform's Ingress or Gateway), or have the platform or security team
#     review the exposure and set metadata.annotations
#     paved.dev/exposure-approved-by to the approver's name or ticket.
package paved.kubernetes.service_exposure_approved

annotation := "paved.dev/exposure-approved-by"

deny contains {"msg": msg} if {
	input.kind == "Service"
	type := input.spec.type
	type in {"NodePort", "LoadBalancer"}
	not _approved
	msg := sprintf("Service %q has type %s, which exposes it outside the cluster, but no approval: a platform or security team reviewer must set metadata.annotations[%q] to their name (or use type ClusterIP behind an Ingress or Gateway)", [object.get(input.metadata, "name", ""), type, annotation])
}

_approved if {
	value := input.metadata.annotations[annotation]
	is_string(value)
	trim_space(value) != ""
}
