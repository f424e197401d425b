package paved.kubernetes.image_tag_pinned_test

import data.paved.kubernetes.image_tag_pinned as policy
import data.paved.lib.kubernetes_test as fx

digest := "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

with_image(image) := fx.spec_with([fx.container({"image": image})])

test_hardened_workloads_pass if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as w
	}
}

test_pinned_images_pass if {
	every image in [
		"nginx:1.27.0",
		"registry:5000/app:1.2",
		"localhost:5000/team/app:2024-01-01",
		concat("@", ["nginx", digest]),
		concat("@", ["nginx:latest", digest]),
		concat("@", ["registry:5000/app", digest]),
	] {
		count(policy.deny) == 0 with input as fx.deployment(with_image(image))
	}
}

test_latest if {
	every w in fx.workloads(with_image("ghcr.io/example-shop/web:latest")) {
		policy.deny == {{"msg": `container "app" uses image "ghcr.io/example-shop/web:latest" with the mutable tag latest; pin a version tag or a digest (@sha256:...)`}} with input as w
	}
}

test_untagged if {
	every image in ["nginx", "ghcr.io/example-shop/web", "registry:5000/app", "app:"] {
		policy.deny == {{"msg": sprintf(`container "app" uses image %q without a tag, which means latest; pin a version tag or a digest (@sha256:...)`, [image])}} with input as fx.cronjob(with_image(image))
	}
}

test_init_and_ephemeral_containers if {
	spec := {
		"initContainers": [{"name": "migrate", "image": "flyway/flyway"}],
		"containers": [fx.hardened_container("app")],
		"ephemeralContainers": [{"name": "debug", "image": "busybox:latest"}],
	}
	every w in fx.workloads(spec) {
		count(policy.deny) == 2 with input as w
	}
}

test_a_digest_that_is_not_one_does_not_pin if {
	count(policy.deny) == 1 with input as fx.pod(with_image("nginx@sha256:abc"))
}

test_invalid_digest_after_a_tag if {
	policy.deny == {{"msg": `container "app" uses image "nginx:1.2@sha256:abc", whose digest is not a valid sha256 digest; pin a version tag or a digest (@sha256:<64 hex digits>)`}} with input as fx.pod(with_image("nginx:1.2@sha256:abc"))
}
