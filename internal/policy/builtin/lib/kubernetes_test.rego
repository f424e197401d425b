# Tests of the Kubernetes helpers, and the fixtures the policy tests share
# (import data.paved.lib.kubernetes_test as fx).
package paved.lib.kubernetes_test

import data.paved.lib.kubernetes

# ---- fixtures ----------------------------------------------------------------

owner_labels := {"team": "payments", "app": "web", "environment": "prod"}

# A container that passes every policy of the pack.
hardened_container(name) := {
	"name": name,
	"image": "ghcr.io/example-shop/web:1.4.2",
	"ports": [{"containerPort": 8080}],
	"securityContext": {
		"allowPrivilegeEscalation": false,
		"runAsNonRoot": true,
		"readOnlyRootFilesystem": true,
		"capabilities": {"drop": ["ALL"]},
		"seccompProfile": {"type": "RuntimeDefault"},
	},
	"resources": {
		"requests": {"cpu": "100m", "memory": "128Mi"},
		"limits": {"memory": "256Mi"},
	},
	"readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}},
	"livenessProbe": {"httpGet": {"path": "/live", "port": 8080}},
}

hardened_spec := {"containers": [hardened_container("app")]}

# container(patch) is the hardened container "app" with patch merged in
# (recursively: {"securityContext": {"privileged": true}} adds one field).
container(patch) := object.union(hardened_container("app"), patch)

# spec_with(containers) is a pod spec with those containers.
spec_with(cs) := {"containers": cs}

pod(spec) := pod_with({}, spec)

deployment(spec) := deployment_with({}, spec)

cronjob(spec) := cronjob_with({}, spec)

# pod_with, deployment_with and cronjob_with merge meta into the pod's
# metadata (the template's for controllers), e.g. annotations.
pod_with(meta, spec) := {
	"apiVersion": "v1",
	"kind": "Pod",
	"metadata": object.union({"name": "web", "namespace": "shop", "labels": owner_labels}, meta),
	"spec": spec,
}

deployment_with(meta, spec) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web", "namespace": "shop", "labels": owner_labels},
	"spec": {
		"replicas": 2,
		"selector": {"matchLabels": {"app": "web"}},
		"template": {"metadata": object.union({"labels": {"app": "web"}}, meta), "spec": spec},
	},
}

cronjob_with(meta, spec) := {
	"apiVersion": "batch/v1",
	"kind": "CronJob",
	"metadata": {"name": "web", "namespace": "shop", "labels": owner_labels},
	"spec": {
		"schedule": "0 * * * *",
		"jobTemplate": {"spec": {"template": {"metadata": object.union({"labels": {"app": "web"}}, meta), "spec": spec}}},
	},
}

controller(kind, spec) := {
	"apiVersion": "apps/v1",
	"kind": kind,
	"metadata": {"name": "web", "namespace": "shop", "labels": owner_labels},
	"spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": spec}},
}

# workloads(spec) is the same pod spec as a bare Pod, a Deployment and a
# CronJob: every pod-level test runs against all three.
workloads(spec) := [pod(spec), deployment(spec), cronjob(spec)]

workloads_with(meta, spec) := [pod_with(meta, spec), deployment_with(meta, spec), cronjob_with(meta, spec)]

service(type, annotations) := {
	"apiVersion": "v1",
	"kind": "Service",
	"metadata": {"name": "web", "namespace": "shop", "labels": owner_labels, "annotations": annotations},
	"spec": {"type": type, "selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]},
}

configmap := {
	"apiVersion": "v1",
	"kind": "ConfigMap",
	"metadata": {"name": "web", "namespace": "default"},
	"data": {"spec": "not a pod"},
}

config := {"allowed_registries": ["ghcr.io/example-shop/", "registry.internal/"]}

catalog := {"available": true, "teams": {"payments": true, "search": true}}

# ---- pod and containers --------------------------------------------------

test_pod_of_each_kind if {
	kubernetes.pod.path == "spec" with input as pod(hardened_spec)
	kubernetes.pod.path == "spec.template.spec" with input as deployment(hardened_spec)
	kubernetes.pod.path == "spec.jobTemplate.spec.template.spec" with input as cronjob(hardened_spec)
	kubernetes.pod.metadata_path == "spec.jobTemplate.spec.template.metadata" with input as cronjob(hardened_spec)
	every kind in ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"] {
		kubernetes.pod.spec == hardened_spec with input as controller(kind, hardened_spec)
	}
}

test_pod_metadata_is_the_template_metadata if {
	kubernetes.pod_labels == {"app": "web"} with input as deployment(hardened_spec)
	kubernetes.pod_labels == owner_labels with input as pod(hardened_spec)
	kubernetes.pod_annotations == {"a": "b"} with input as cronjob_with({"annotations": {"a": "b"}}, hardened_spec)
}

test_pods_set if {
	count(kubernetes.pods) == 1 with input as deployment(hardened_spec)
	count(kubernetes.pods) == 0 with input as configmap
}

test_no_pod_for_other_kinds if {
	not kubernetes.pod with input as configmap
	not kubernetes.pod with input as service("ClusterIP", {})
	count(kubernetes.containers) == 0 with input as configmap
	count(kubernetes.containers) == 0 with input as service("LoadBalancer", {})
	not kubernetes.security_contexts with input as configmap
	not kubernetes.is_workload with input as configmap
}

test_malformed_inputs_give_no_pod_and_no_error if {
	not kubernetes.pod with input as {"kind": "Deployment", "spec": "x"}
	not kubernetes.pod with input as {"kind": "Deployment", "spec": {"template": {"spec": null}}}
	not kubernetes.pod with input as {"kind": "CronJob", "spec": {"jobTemplate": null}}
	not kubernetes.pod with input as {"kind": "Pod"}
	not kubernetes.pod with input as []
	count(kubernetes.containers) == 0 with input as pod({"containers": null})
	count(kubernetes.containers) == 0 with input as pod({"containers": "app"})
	count(kubernetes.containers) == 1 with input as pod({"containers": [null, 5, {"image": "x"}]})
	kubernetes.pod_security_context == {} with input as pod({"securityContext": null, "containers": []})
}

test_containers_cover_all_three_lists if {
	spec := {
		"initContainers": [{"name": "migrate"}],
		"containers": [{"name": "app", "securityContext": {"privileged": true}}, {"name": "sidecar"}],
		"ephemeralContainers": [{"name": "debug"}],
	}
	cs := kubernetes.containers with input as deployment(spec)
	count(cs) == 4
	{kubernetes.label(c) | some c in cs} == {`init container "migrate"`, `container "app"`, `container "sidecar"`, `ephemeral container "debug"`}
	paths := {kubernetes.path(c) | some c in cs} with input as deployment(spec)
	paths == {
		"spec.template.spec.initContainers[0]",
		"spec.template.spec.containers[0]",
		"spec.template.spec.containers[1]",
		"spec.template.spec.ephemeralContainers[0]",
	}
	some app in cs
	app.container.name == "app"
	app.securityContext == {"privileged": true}
	some sidecar in cs
	sidecar.container.name == "sidecar"
	sidecar.securityContext == {}
}

test_container_without_name_is_named_by_index if {
	cs := kubernetes.containers with input as pod({"containers": [{"name": "a"}, {"image": "x"}]})
	{kubernetes.name(c) | some c in cs} == {"a", "#1"}
}

test_inherited_prefers_the_container if {
	spec := {
		"securityContext": {"runAsNonRoot": true, "runAsUser": 1000},
		"containers": [
			{"name": "own", "securityContext": {"runAsNonRoot": false}},
			{"name": "inherits"},
			{"name": "null", "securityContext": {"runAsNonRoot": null}},
		],
	}
	values := {c.container.name: kubernetes.inherited(c, "runAsNonRoot") | some c in kubernetes.containers} with input as pod(spec)
	values == {"own": false, "inherits": true, "null": true}
	users := {c.container.name: kubernetes.inherited(c, "runAsUser") | some c in kubernetes.containers} with input as pod(spec)
	users == {"own": 1000, "inherits": 1000, "null": 1000}
}

test_inherited_undefined_when_unset if {
	cs := kubernetes.containers with input as pod({"containers": [{"name": "a"}]})
	count(cs) == 1
	every c in cs {
		not kubernetes.inherited(c, "runAsNonRoot") with input as pod({"containers": [{"name": "a"}]})
	}
}

test_security_contexts if {
	spec := {"securityContext": {"runAsUser": 0}, "containers": [{"name": "app"}]}
	scs := kubernetes.security_contexts with input as deployment(spec)
	setters := {kubernetes.setter(s) | some s in scs} with input as deployment(spec)
	setters == {"the pod sets spec.template.spec.securityContext", `container "app" sets securityContext`}
}

test_windows_and_user_namespace if {
	kubernetes.is_windows with input as pod({"os": {"name": "windows"}, "containers": []})
	not kubernetes.is_windows with input as pod({"os": {"name": "linux"}, "containers": []})
	kubernetes.in_user_namespace with input as deployment({"hostUsers": false, "containers": []})
	not kubernetes.in_user_namespace with input as deployment({"hostUsers": true, "containers": []})
	not kubernetes.in_user_namespace with input as deployment({"containers": []})
}

test_volumes if {
	w := cronjob({"containers": [], "volumes": [{"name": "tmp", "emptyDir": {}}, null, {"emptyDir": {}}]})
	vs := kubernetes.volumes with input as w
	vs == [{"volume": {"name": "tmp", "emptyDir": {}}, "index": 0}, {"volume": {"emptyDir": {}}, "index": 2}]
	names := [kubernetes.volume_name(v) | some v in vs]
	names == ["tmp", "#2"]
	paths := [kubernetes.volume_path(v) | some v in vs] with input as w
	paths == ["spec.jobTemplate.spec.template.spec.volumes[0]", "spec.jobTemplate.spec.template.spec.volumes[2]"]
}

test_kinds if {
	kubernetes.is_workload with input as pod(hardened_spec)
	kubernetes.is_controller with input as cronjob(hardened_spec)
	not kubernetes.is_controller with input as pod(hardened_spec)
	kubernetes.is_long_running with input as controller("StatefulSet", hardened_spec)
	not kubernetes.is_long_running with input as controller("Job", hardened_spec)
}

# ---- images ------------------------------------------------------------------

digest := "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

test_image_tag if {
	kubernetes.image_tag("nginx:1.27") == "1.27"
	kubernetes.image_tag("ghcr.io/example-shop/web:latest") == "latest"
	kubernetes.image_tag("registry:5000/app:1.2") == "1.2"
	not kubernetes.image_tag("registry:5000/app")
	not kubernetes.image_tag("nginx")
	kubernetes.image_tag(concat("@", ["nginx:1.2", digest])) == "1.2"
	not kubernetes.image_tag(concat("@", ["nginx", digest]))
}

test_image_digest_pinned if {
	kubernetes.image_digest_pinned(concat("@", ["nginx", digest]))
	kubernetes.image_digest_pinned(concat("@", ["registry:5000/app:1.2", digest]))
	not kubernetes.image_digest_pinned("nginx:1.2")
	not kubernetes.image_digest_pinned("nginx@sha256:abc")
}

test_normalized_image if {
	kubernetes.normalized_image("nginx") == "docker.io/library/nginx"
	kubernetes.normalized_image("nginx:1.27") == "docker.io/library/nginx:1.27"
	kubernetes.normalized_image("library/nginx") == "docker.io/library/nginx"
	kubernetes.normalized_image("bitnami/redis:7") == "docker.io/bitnami/redis:7"
	kubernetes.normalized_image("docker.io/nginx") == "docker.io/library/nginx"
	kubernetes.normalized_image("index.docker.io/library/nginx") == "docker.io/library/nginx"
	kubernetes.normalized_image("registry:5000/app:1.2") == "registry:5000/app:1.2"
	kubernetes.normalized_image("localhost/app") == "localhost/app"
	kubernetes.normalized_image("GHCR.io/example-shop/web:1") == "ghcr.io/example-shop/web:1"
	kubernetes.normalized_image("ghcr.io/example-shop/web:1") == "ghcr.io/example-shop/web:1"
	kubernetes.image_registry("example-shop/web") == "docker.io"
	kubernetes.image_registry("registry.internal/web") == "registry.internal"
}

# ---- the pack as a whole ------------------------------------------------------

# Every kubernetes policy's deny results for the current input.
all_denies contains [name, r] if {
	some name
	some r in data.paved.kubernetes[name].deny
}

test_hardened_workloads_pass_every_policy if {
	every w in workloads(hardened_spec) {
		count(all_denies) == 0 with input as w with data.paved.config as config with data.paved.catalog as catalog
	}
	every kind in ["StatefulSet", "DaemonSet", "ReplicaSet", "Job"] {
		count(all_denies) == 0 with input as controller(kind, hardened_spec)
			with data.paved.config as config
			with data.paved.catalog as catalog
	}
}

test_every_result_has_a_message if {
	bad := container({"image": "nginx", "securityContext": {"privileged": true, "runAsUser": 0}})
	results := all_denies with input as deployment(spec_with([bad])) with data.paved.config as config
	count(results) > 5
	every r in results {
		is_string(r[1].msg)
		r[1].msg != ""
	}
}

test_other_kinds_give_no_pod_results if {
	count(all_denies) == 0 with input as service("ClusterIP", {})
	count(all_denies) == 0 with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "shop"}}
	names := {name | some [name, _] in all_denies} with input as {"kind": "Deployment", "metadata": null, "spec": null}
	names == {"ownership_labels"}
}
