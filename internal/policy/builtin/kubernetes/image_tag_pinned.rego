# METADATA
# title: Images must be pinned to a version
# description: >-
#   An image without a tag, or tagged latest, changes under the workload
#   without a change to its manifest, so a rollback cannot restore it and
#   two replicas may run different code. Every container, init container and
#   ephemeral container image must carry a tag other than latest or a digest
#   (name@sha256:...; a digest pins the image whatever its tag). The tag is
#   what follows ':' in the image's last path segment, so a registry port as
#   in registry:5000/app is not a tag. Applies to Pods and to every
#   controller's pod template.
# custom:
#   id: image-tag-pinned
#   severity: high
#   inputs: [kubernetes]
#   remediation: >-
#     Set the container's image to an immutable version tag
#     (ghcr.io/example-shop/web:1.4.2) or, better, a digest
#     (ghcr.io/example-shop/web@sha256:...), and have CI update it on release.
package paved.kubernetes.image_tag_pinned

import data.paved.lib.kubernetes

# The pattern matches a pinned reference: a tag (what follows ':' in the
# last path segment, with no digest) or a valid digest. The second rule then
# rules out the tag latest.
deny contains {"msg": msg} if {
	some c in kubernetes.containers
	image := c.container.image
	is_string(image)
	image != ""
	not regex.match(`^[^@]*:[a-zA-Z0-9_][a-zA-Z0-9_.-]*$|@[a-zA-Z0-9]+([+._-][a-zA-Z0-9]+)*:[0-9a-fA-F]{32,}$`, image)
	msg := _msg(kubernetes.label(c), image)
}

deny contains {"msg": msg} if {
	some c in kubernetes.containers
	image := c.container.image
	is_string(image)
	endswith(image, ":latest")
	msg := sprintf("%s uses image %q with the mutable tag latest; pin a version tag or a digest (@sha256:...)", [kubernetes.label(c), image])
}

_msg(label, image) := sprintf("%s uses image %q without a tag, which means latest; pin a version tag or a digest (@sha256:...)", [label, image]) if {
	not _tagged(image)
} else := sprintf("%s uses image %q, whose digest is not a valid sha256 digest; pin a version tag or a digest (@sha256:<64 hex digits>)", [label, image])

_tagged(image) if kubernetes.image_tag(image) != ""
