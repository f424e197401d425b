package paved.kubernetes.pss_baseline_apparmor_test

import data.paved.kubernetes.pss_baseline_apparmor as policy
import data.paved.lib.kubernetes_test as fx

test_hardened_workloads_pass if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_allowed_profile_types if {
	spec := {
		"securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}},
		"containers": [fx.container({"securityContext": {"appArmorProfile": {"type": "Localhost", "localhostProfile": "k8s-web"}}})],
	}
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_unconfined_at_pod_level if {
	spec := object.union(fx.hardened_spec, {"securityContext": {"appArmorProfile": {"type": "Unconfined"}}})
	every w in fx.workloads(spec) {
		count(policy.deny) == 1 with input as w
	}
	policy.deny == {{"msg": `the pod sets spec.template.spec.securityContext.appArmorProfile.type: "Unconfined"; only RuntimeDefault or Localhost are allowed (or leave it unset)`}} with input as fx.deployment(spec)
}

test_unconfined_in_any_container if {
	bad := {"securityContext": {"appArmorProfile": {"type": "Unconfined"}}}
	spec := {
		"initContainers": [object.union({"name": "init"}, bad)],
		"containers": [fx.container(bad)],
		"ephemeralContainers": [object.union({"name": "debug"}, bad)],
	}
	every w in fx.workloads(spec) {
		count(policy.deny) == 3 with input as w
	}
}

test_profile_without_type_is_denied if {
	# As in Pod Security Admission: a profile object without a type has type "".
	spec := fx.spec_with([fx.container({"securityContext": {"appArmorProfile": {}}})])
	count(policy.deny) == 1 with input as fx.pod(spec)
}

test_unconfined_annotation_on_the_pod_template if {
	meta := {"annotations": {"container.apparmor.security.beta.kubernetes.io/app": "unconfined"}}
	every w in fx.workloads_with(meta, fx.hardened_spec) {
		count(policy.deny) == 1 with input as w
	}
	policy.deny == {{"msg": `spec.jobTemplate.spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"] is "unconfined" for container "app"; only runtime/default or localhost/<profile> are allowed (better: securityContext.appArmorProfile.type: RuntimeDefault)`}} with input as fx.cronjob_with(meta, fx.hardened_spec)
}

test_allowed_annotations if {
	meta := {"annotations": {
		"container.apparmor.security.beta.kubernetes.io/a": "runtime/default",
		"container.apparmor.security.beta.kubernetes.io/b": "localhost/k8s-web",
		"container.apparmor.security.beta.kubernetes.io/c": "",
		"other.example.com/x": "unconfined",
	}}
	every w in fx.workloads_with(meta, fx.hardened_spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_controller_metadata_annotations_are_not_the_pod_s if {
	d := fx.deployment(fx.hardened_spec)
	w := object.union(d, {"metadata": {"annotations": {"container.apparmor.security.beta.kubernetes.io/app": "unconfined"}}})
	count(policy.deny) == 0 with input as w
}
