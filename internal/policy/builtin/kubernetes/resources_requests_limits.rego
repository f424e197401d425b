# METADATA
# title: Containers must set resource requests and a memory limit
# description: >-
#   Without requests the scheduler packs pods blindly, and without a memory
#   limit one container can exhaust its node's memory. Every container and
#   init container (not ephemeral containers, which cannot have resources)
#   must set resources.requests.cpu, resources.requests.memory and
#   resources.limits.memory. resources.limits.cpu is optional on purpose: CPU
#   limits throttle without protecting the node, and common practice leaves
#   them off. A limit alone also counts as the request (Kubernetes defaults a
#   missing request to the limit), and pod-level resources (spec.resources)
#   cover every container. Applies to Pods and to every controller's pod
#   template.
# custom:
#   id: resources-requests-limits
#   severity: medium
#   inputs: [kubernetes]
#   remediation: >-
#     In each container (spec.template.spec.containers[*] in a controller) set
#     resources.requests.cpu (e.g. 100m), resources.requests.memory (e.g.
#     128Mi) and resources.limits.memory (e.g. 256Mi), sized from the
#     service's observed usage. resources.limits.cpu is optional.
package paved.kubernetes.resources_requests_limits

import data.paved.lib.kubernetes

# Each required field, where it sits, and the limit Kubernetes defaults a
# missing request to.
_fields := [
	["resources.requests.cpu", ["resources", "requests", "cpu"], ["resources", "limits", "cpu"]],
	["resources.requests.memory", ["resources", "requests", "memory"], ["resources", "limits", "memory"]],
	["resources.limits.memory", ["resources", "limits", "memory"], ["resources", "limits", "memory"]],
]

deny contains {"msg": msg} if {
	some c in kubernetes.containers
	c.type != "ephemeralContainers"
	missing := [name |
		some [name, path, limit] in _fields
		object.get(c.container, path, null) in {null, ""}
		object.get(c.container, limit, null) in {null, ""}
		not _pod_level[name]
	]
	count(missing) > 0
	msg := sprintf("%s does not set %s; set resources.requests.cpu, resources.requests.memory and resources.limits.memory (resources.limits.cpu is optional)", [kubernetes.label(c), concat(", ", missing)])
}

# Pod-level resources (spec.resources) cover every container.
_pod_level := {name |
	some [name, path, limit] in _fields
	some p in [path, limit]
	not object.get(kubernetes.pod.spec, p, null) in {null, ""}
}
