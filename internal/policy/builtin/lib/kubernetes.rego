# Kubernetes helpers shared by the built-in policies.
#
# One pod-level rule covers a bare Pod and every controller that templates a
# pod (Kyverno calls this autogen): `pod` is the pod a document describes,
# wherever it sits, and `containers` lists its containers once, so rules do
# not walk the object themselves. Results point at the input object (the
# Deployment, the CronJob...), which is what the developer wrote.
#
# Every helper tolerates missing or mistyped fields: a Service, a ConfigMap
# or a half-written manifest yields no pod and no containers, never an error
# (also under strict built-in errors).
package paved.lib.kubernetes

# The kinds below are checked with one rule per kind, `input.kind == "X"`,
# which OPA's rule index resolves with a single lookup, rather than with set
# membership, which would build the set on every evaluation.

# is_pod is true for a bare Pod.
is_pod if input.kind == "Pod"

# is_template_controller is true for the controllers whose pod template is
# spec.template: Deployment, StatefulSet, DaemonSet, ReplicaSet,
# ReplicationController and Job.
is_template_controller if input.kind == "Deployment"

is_template_controller if input.kind == "StatefulSet"

is_template_controller if input.kind == "DaemonSet"

is_template_controller if input.kind == "ReplicaSet"

is_template_controller if input.kind == "ReplicationController"

is_template_controller if input.kind == "Job"

# is_controller is true for a controller that templates a pod: the above and
# CronJob (spec.jobTemplate.spec.template).
is_controller if input.kind == "Deployment"

is_controller if input.kind == "StatefulSet"

is_controller if input.kind == "DaemonSet"

is_controller if input.kind == "ReplicaSet"

is_controller if input.kind == "ReplicationController"

is_controller if input.kind == "Job"

is_controller if input.kind == "CronJob"

# is_workload is true for a Pod or a controller that templates one.
is_workload if input.kind == "Pod"

is_workload if input.kind == "Deployment"

is_workload if input.kind == "StatefulSet"

is_workload if input.kind == "DaemonSet"

is_workload if input.kind == "ReplicaSet"

is_workload if input.kind == "ReplicationController"

is_workload if input.kind == "Job"

is_workload if input.kind == "CronJob"

# is_long_running is true for Deployments, StatefulSets and DaemonSets, the
# controllers that keep pods running (not run-to-completion Jobs).
is_long_running if input.kind == "Deployment"

is_long_running if input.kind == "StatefulSet"

is_long_running if input.kind == "DaemonSet"

# pod is the pod the input describes: {metadata, spec, path,
# metadata_path}, where path is where the pod spec sits in the input
# ("spec", "spec.template.spec", "spec.jobTemplate.spec.template.spec"),
# metadata is the pod's own metadata as written (the template's for a
# controller; may be null) and metadata_path where that sits. Undefined for
# anything else.
pod := {
	"metadata": object.get(input, "metadata", {}),
	"spec": input.spec,
	"path": "spec",
	"metadata_path": "metadata",
} if {
	input.kind == "Pod"
	is_object(input.spec)
}

# (The template controllers are listed one rule each, as is_template_controller
# lists them, so that the rule index picks the one body to evaluate.)
pod := {
	"metadata": object.get(input.spec.template, "metadata", {}),
	"spec": input.spec.template.spec,
	"path": "spec.template.spec",
	"metadata_path": "spec.template.metadata",
} if {
	input.kind == "Deployment"
	is_object(input.spec.template.spec)
}

pod := {
	"metadata": object.get(input.spec.template, "metadata", {}),
	"spec": input.spec.template.spec,
	"path": "spec.template.spec",
	"metadata_path": "spec.template.metadata",
} if {
	input.kind == "StatefulSet"
	is_object(input.spec.template.spec)
}

pod := {
	"metadata": object.get(input.spec.template, "metadata", {}),
	"spec": input.spec.template.spec,
	"path": "spec.template.spec",
	"metadata_path": "spec.template.metadata",
} if {
	input.kind == "DaemonSet"
	is_object(input.spec.template.spec)
}

pod := {
	"metadata": object.get(input.spec.template, "metadata", {}),
	"spec": input.spec.template.spec,
	"path": "spec.template.spec",
	"metadata_path": "spec.template.metadata",
} if {
	input.kind == "ReplicaSet"
	is_object(input.spec.template.spec)
}

pod := {
	"metadata": object.get(input.spec.template, "metadata", {}),
	"spec": input.spec.template.spec,
	"path": "spec.template.spec",
	"metadata_path": "spec.template.metadata",
} if {
	input.kind == "ReplicationController"
	is_object(input.spec.template.spec)
}

pod := {
	"metadata": object.get(input.spec.template, "metadata", {}),
	"spec": input.spec.template.spec,
	"path": "spec.template.spec",
	"metadata_path": "spec.template.metadata",
} if {
	input.kind == "Job"
	is_object(input.spec.template.spec)
}

pod := {
	"metadata": object.get(input.spec.jobTemplate.spec.template, "metadata", {}),
	"spec": input.spec.jobTemplate.spec.template.spec,
	"path": "spec.jobTemplate.spec.template.spec",
	"metadata_path": "spec.jobTemplate.spec.template.metadata",
} if {
	input.kind == "CronJob"
	is_object(input.spec.jobTemplate.spec.template.spec)
}

# config is data.paved.config (paved.yaml's settings as policies see them),
# {} when absent, read once per evaluation.
config := c if {
	c := data.paved.config
	is_object(c)
} else := {}

# pods is the set of pods the input describes (at most one per document),
# for rules written as `some pod in kubernetes.pods`.
pods contains p if p := pod

# pod_labels and pod_annotations are the pod's labels and annotations ({}
# when absent or not an object).
pod_labels := labels if {
	labels := pod.metadata.labels
	is_object(labels)
} else := {}

pod_annotations := annotations if {
	annotations := pod.metadata.annotations
	is_object(annotations)
} else := {}

# pod_security_context is the pod-level securityContext ({} when unset;
# undefined when the input describes no pod).
pod_security_context := sc if {
	sc := pod.spec.securityContext
	is_object(sc)
} else := {} if {
	is_object(pod)
}

# is_windows is true when the pod declares spec.os.name: windows (the only
# signal Pod Security Admission uses for its Windows exemptions).
is_windows if pod.spec.os.name == "windows"

# in_user_namespace is true when the pod runs in its own user namespace
# (spec.hostUsers: false).
in_user_namespace if pod.spec.hostUsers == false

# The container lists of a pod, in the order Pod Security Admission visits
# them, and how messages name a container of each list.
container_types := ["initContainers", "containers", "ephemeralContainers"]

container_kind_names := {
	"initContainers": "init container",
	"containers": "container",
	"ephemeralContainers": "ephemeral container",
}

# containers lists every container of the pod, across initContainers,
# containers and ephemeralContainers, computed once per document:
#   container        the container object as written (always an object)
#   type             initContainers, containers or ephemeralContainers
#   index            its index in that list
#   securityContext  its securityContext as written ({} when absent; may be
#                    null): read it with refs (c.securityContext.privileged),
#                    which are simply undefined when it is not an object, or
#                    with object.get(c.container, ["securityContext", f], d)
# Messages name an entry with label(entry) and locate it with path(entry);
# both are computed only when a rule reports something.
#
# Performance: every pod-level rule iterates this one cached array. Rules
# keep user-defined function calls out of the per-container path (OPA
# evaluates a call far more slowly than a ref or a built-in) and call
# functions only to build messages.
containers := cs if {
	spec := pod.spec
	cs := [entry |
		some type in ["initContainers", "containers", "ephemeralContainers"]
		list := spec[type]
		is_array(list)
		some i, c in list
		is_object(c)
		entry := {"container": c, "type": type, "index": i, "securityContext": object.get(c, "securityContext", {})}
	]
} else := []

# label names a container the way messages do: container "app",
# init container "migrate", ephemeral container "debug".
#
# (One function with the name inlined rather than label calling name: a
# function call is not cached, and label is on every container message.)
label(entry) := concat("", [container_kind_names[entry.type], " \"", n, "\""]) if {
	n := entry.container.name
	is_string(n)
	n != ""
} else := concat("", [container_kind_names[entry.type], " \"#", format_int(entry.index, 10), "\""])

# name is the container's name, or #<index> when it has none.
name(entry) := entry.container.name if {
	is_string(entry.container.name)
	entry.container.name != ""
} else := concat("", ["#", format_int(entry.index, 10)])

# path locates a container in the input, e.g.
# spec.template.spec.containers[0].
path(entry) := concat("", [pod.path, ".", entry.type, "[", format_int(entry.index, 10), "]"])

# inherited returns a securityContext field as it applies to a container:
# the container's own value, else the pod-level securityContext's (fields
# like runAsNonRoot, runAsUser, seccompProfile, seLinuxOptions). A null
# value counts as unset. Undefined when neither sets it.
inherited(entry, field) := v if {
	v := entry.securityContext[field]
	v != null
} else := v if {
	v := pod_security_context[field]
	v != null
}

# security_contexts lists the pod-level securityContext and every
# container's, for controls that apply to both alike (seLinuxOptions,
# seccompProfile, appArmorProfile, windowsOptions, runAsUser):
#   container        the containers entry, or null for the pod level
#   object           what holds the securityContext: the pod spec or the
#                    container (an object: object.get paths into it are safe)
#   securityContext  the securityContext (as containers holds it)
# setter(s) starts a message about one: "the pod sets
# spec.template.spec.securityContext" or `container "app" sets
# securityContext`.
security_contexts := array.concat(
	[{"container": null, "object": pod.spec, "securityContext": pod_security_context}],
	[{"container": c, "object": c.container, "securityContext": c.securityContext} | some c in containers],
)

setter(s) := concat("", ["the pod sets ", pod.path, ".securityContext"]) if s.container == null

setter(s) := concat("", [label(s.container), " sets securityContext"]) if s.container != null

# pod_setter and container_setter(entry) are setter's two cases, for rules
# that check the pod-level securityContext and the containers' separately
# (cheaper than walking security_contexts, which builds an object per
# container): "the pod sets spec.template.spec.securityContext",
# `container "app" sets securityContext`.
pod_setter := concat("", ["the pod sets ", pod.path, ".securityContext"])

container_setter(entry) := concat("", [label(entry), " sets securityContext"])

# Performance: a policy checking a pod-level field gates the check on the
# field being present in the input, written once per place a pod spec can
# sit, e.g.
#
#	deny contains r if {
#		_ = input.spec.template.spec.securityContext.seccompProfile
#		some r in _pod_level
#	}
#
# OPA's rule index resolves such an expression (a ground ref into input,
# unified with a variable: "defined, whatever the value") before it
# evaluates the body, so a document without the field skips the body
# entirely, at no cost. The gated rule (_pod_level) is the full check, so a
# gate can only drop what the check would not report.

# volumes lists the pod's volumes: {volume, index}; volume_name(v) and
# volume_path(v) name and locate one for messages.
volumes := [{"volume": v, "index": i} |
	list := pod.spec.volumes
	is_array(list)
	some i, v in list
	is_object(v)
]

volume_name(v) := v.volume.name if {
	is_string(v.volume.name)
	v.volume.name != ""
} else := concat("", ["#", format_int(v.index, 10)])

volume_path(v) := concat("", [pod.path, ".volumes[", format_int(v.index, 10), "]"])

# ---- images ----------------------------------------------------------------

# image_digest_pinned is true when the image reference ends in a digest
# (name@sha256:<hex>).
image_digest_pinned(image) if regex.match(`@[a-zA-Z0-9]+([+._-][a-zA-Z0-9]+)*:[0-9a-fA-F]{32,}$`, image)

# image_tag returns the tag of an image reference: what follows ':' in the
# last path segment, so "registry:5000/app" has no tag and
# "registry:5000/app:1.2" has tag "1.2". Undefined when untagged.
image_tag(image) := tag if {
	reference := split(image, "@")[0]
	segments := split(reference, "/")
	last := segments[count(segments) - 1]
	i := indexof(last, ":")
	i >= 0
	tag := substring(last, i + 1, -1)
}

# registry_host_pattern matches the first path segment of an image reference
# when it names a registry, following Docker's rule: it contains '.' or ':',
# is "localhost", or has upper-case letters. Otherwise the image is on
# Docker Hub.
registry_host_pattern := `[.:A-Z]|^localhost$`

# normalized_image returns an image reference with its registry spelled out
# the way Docker resolves it: "nginx" and "library/nginx" become
# "docker.io/library/nginx", "bitnami/redis" becomes "docker.io/bitnami/redis",
# "index.docker.io/nginx" becomes "docker.io/library/nginx"; references that
# name a registry keep it, lower-cased.
normalized_image(image) := _with_host(_canonical_registry(lower(host)), substring(image, i + 1, -1)) if {
	i := indexof(image, "/")
	i > 0
	host := substring(image, 0, i)
	regex.match(registry_host_pattern, host)
} else := _with_host("docker.io", image)

# image_registry returns the registry host an image reference resolves to.
image_registry(image) := split(normalized_image(image), "/")[0]

_canonical_registry(host) := object.get({"index.docker.io": "docker.io", "registry-1.docker.io": "docker.io"}, host, host)

_with_host(host, repository) := concat("", ["docker.io/library/", repository]) if {
	host == "docker.io"
	not contains(repository, "/")
} else := concat("/", [host, repository])
