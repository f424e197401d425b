package paved.kubernetes.allowed_registries_test

import data.paved.kubernetes.allowed_registries as policy
import data.paved.lib.kubernetes_test as fx

with_image(image) := fx.spec_with([fx.container({"image": image})])

test_hardened_workloads_pass if {
	every w in fx.workloads(fx.hardened_spec) {
		count(policy.deny) == 0 with input as w with data.paved.config as fx.config
	}
}

test_silent_without_configuration if {
	spec := with_image("nginx:1.27")
	every w in fx.workloads(spec) {
		count(policy.deny) == 0 with input as w
		count(policy.deny) == 0 with input as w with data.paved.config as {}
		count(policy.deny) == 0 with input as w with data.paved.config as {"allowed_registries": []}
		count(policy.deny) == 0 with input as w with data.paved.config as {"allowed_registries": [" "]}
		count(policy.deny) == 0 with input as w with data.paved.config as {"allowed_registries": null}
	}
}

test_docker_hub_short_names_are_normalised if {
	every w in fx.workloads(with_image("nginx:1.27")) {
		policy.deny == {{"msg": `container "app" uses image "nginx:1.27" (docker.io/library/nginx:1.27), which is not from an allowed registry; allowed: ghcr.io/example-shop/, registry.internal/`}} with input as w with data.paved.config as fx.config
	}
	hub := {"allowed_registries": ["docker.io/library/"]}
	count(policy.deny) == 0 with input as fx.pod(with_image("nginx:1.27")) with data.paved.config as hub
	count(policy.deny) == 0 with input as fx.pod(with_image("library/nginx:1.27")) with data.paved.config as hub
	count(policy.deny) == 0 with input as fx.pod(with_image("docker.io/nginx:1.27")) with data.paved.config as hub
	count(policy.deny) == 1 with input as fx.pod(with_image("bitnami/redis:7")) with data.paved.config as hub
	count(policy.deny) == 0 with input as fx.pod(with_image("bitnami/redis:7")) with data.paved.config as {"allowed_registries": ["docker.io/"]}
}

test_other_registries if {
	spec := {
		"initContainers": [{"name": "migrate", "image": "quay.io/example/migrate:1"}],
		"containers": [fx.container({"image": "registry.internal/web:2"})],
		"ephemeralContainers": [{"name": "debug", "image": "ghcr.io/other/debug:1"}],
	}
	every w in fx.workloads(spec) {
		count(policy.deny) == 2 with input as w with data.paved.config as fx.config
	}
	msgs := {r.msg | some r in policy.deny} with input as fx.cronjob(spec) with data.paved.config as fx.config
	`init container "migrate" uses image "quay.io/example/migrate:1", which is not from an allowed registry; allowed: ghcr.io/example-shop/, registry.internal/` in msgs
}

test_prefix_without_slash_matches_a_whole_segment if {
	cfg := {"allowed_registries": ["registry.internal", "ghcr.io/example-shop"]}
	count(policy.deny) == 0 with input as fx.pod(with_image("registry.internal/web:1")) with data.paved.config as cfg
	count(policy.deny) == 0 with input as fx.pod(with_image("ghcr.io/example-shop/web:1")) with data.paved.config as cfg
	count(policy.deny) == 1 with input as fx.pod(with_image("registry.internal.evil.com/web:1")) with data.paved.config as cfg
	count(policy.deny) == 1 with input as fx.pod(with_image("ghcr.io/example-shop-evil/web:1")) with data.paved.config as cfg
}

test_registry_with_port_and_case if {
	cfg := {"allowed_registries": ["Registry.Internal:5000/"]}
	count(policy.deny) == 0 with input as fx.deployment(with_image("registry.internal:5000/web:1")) with data.paved.config as cfg
	count(policy.deny) == 1 with input as fx.deployment(with_image("registry.internal/web:1")) with data.paved.config as cfg
}
