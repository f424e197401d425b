# METADATA
# title: Images must come from an allowed registry
# description: >-
#   Images from registries the platform does not mirror or scan bypass the
#   supply-chain checks. Every container, init container and ephemeral
#   container image must start with one of the prefixes in paved.yaml's
#   policy_settings.allowed_registries (data.paved.config.allowed_registries).
#   Images are compared in the form Docker resolves them: nginx and
#   library/nginx are docker.io/library/nginx, bitnami/redis is
#   docker.io/bitnami/redis, so allow Docker Hub as docker.io/ or
#   docker.io/library/. A prefix without a trailing '/' matches a whole path
#   segment only. When no registries are configured the policy is silent.
#   Applies to Pods and to every controller's pod template.
# custom:
#   id: allowed-registries
#   severity: high
#   inputs: [kubernetes]
#   remediation: >-
#     Change the container's image to one from an allowed registry (push or
#     mirror it there, e.g. ghcr.io/example-shop/<name>:<version>), or ask the
#     platform team to add the registry to policy_settings.allowed_registries
#     in paved.yaml.
package paved.kubernetes.allowed_registries

import data.paved.lib.kubernetes

# The configured prefixes, lower-cased, blanks dropped.
prefixes := [lower(trim_space(p)) |
	some p in kubernetes.config.allowed_registries
	is_string(p)
	trim_space(p) != ""
]

# The first expression lets OPA's rule index skip the check when paved.yaml
# names no registries (count(prefixes) > 0 needs the list).
deny contains {"msg": msg} if {
	_ = data.paved.config.allowed_registries
	some c in kubernetes.containers
	image := c.container.image
	is_string(image)
	image != ""
	not strings.any_prefix_match(image, _host_prefixes)
	count(prefixes) > 0
	normalized := lower(kubernetes.normalized_image(image))
	not _allowed(normalized)
	msg := sprintf("%s uses image %q%s, which is not from an allowed registry; allowed: %s", [kubernetes.label(c), image, _resolved(image, normalized), concat(", ", prefixes)])
}

# Fast path, computed once per document: an image that starts with a prefix
# naming its registry (and ending in '/') is allowed as written, without
# normalisation. _host_prefixes are those prefixes (as in prefixes).
_host_prefixes := [prefix |
	some p in kubernetes.config.allowed_registries
	is_string(p)
	prefix := lower(trim_space(p))
	endswith(prefix, "/")
	regex.match(`^[^/]*[.:]|^localhost/`, prefix)
]

_allowed(image) if {
	some prefix in prefixes
	_matches(image, prefix)
}

_matches(image, prefix) if {
	endswith(prefix, "/")
	startswith(image, prefix)
}

_matches(image, prefix) if {
	not endswith(prefix, "/")
	startswith(image, prefix)
	substring(image, count(prefix), 1) in {"", "/", ":", "@"}
}

_resolved(image, normalized) := "" if lower(image) == normalized

else := sprintf(" (%s)", [normalized])
