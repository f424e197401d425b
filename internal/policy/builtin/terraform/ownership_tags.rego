# METADATA
# title: Cloud resources must carry ownership tags
# description: >-
#   paved attributes every cloud resource, and so every dollar it costs, to
#   a team, a service and an environment by its tags (labels on Google
#   Cloud). Every resource a plan creates or updates, or a .tf file
#   declares, that takes tags must carry a team tag, a service tag and an
#   environment tag, each under one of the keys paved.yaml's ownership
#   section names (team_keys, service_keys, environment_keys; keys compare
#   case-insensitively, and the first key present wins). The effective tags
#   count: AWS tags_all (with the provider's default_tags), Google
#   terraform_labels (with default_labels), or for .tf files the resource's
#   tags merged over the provider's defaults. Tags known only after apply
#   are not a violation. When the catalog is available, the team
#   (normalised and mapped through ownership.aliases.team) must be a team
#   in the catalog.
# custom:
#   id: ownership-tags
#   severity: high
#   inputs: [terraform]
#   remediation: >-
#     Add the tags to the resource, or once for every resource to the
#     provider (default_tags { tags = {...} } for aws, default_labels for
#     google), e.g. team = "payments", service = "checkout", environment =
#     "prod", using the keys configured in paved.yaml (ownership.team_keys,
#     service_keys, environment_keys). The team must exist in the catalog:
#     list teams with paved team list, or onboard one with paved team onboard.
package paved.terraform.ownership_tags

import data.paved.lib.ownership
import data.paved.lib.terraform as tf

default_keys := {
	"team": ["team", "owner", "paved.dev/team"],
	"service": ["service", "paved.dev/service", "app.kubernetes.io/name", "app"],
	"environment": ["environment", "env", "paved.dev/environment"],
}

# keys[what] is the configured key list for team, service and environment,
# or the default when paved.yaml leaves it unset or empty.
keys[what] := _keys(what) if some what in object.keys(default_keys)

_keys(what) := ks if {
	ks := [k | some k in _ownership[concat("_", [what, "keys"])]; is_string(k)]
	count(ks) > 0
} else := default_keys[what]

_ownership := o if {
	o := data.paved.config.ownership
	is_object(o)
} else := {}

_team_aliases := a if {
	a := _ownership.aliases.team
	is_object(a)
} else := {}

_catalog := c if {
	c := data.paved.catalog
	is_object(c)
} else := {}

_applies if {
	tf.changed(input)
	tf.taggable(input)
	not tf.tags_unknown(input)
}

# tag(what) is the value of the first configured key present in the
# effective tags.
tag(what) := ownership.first_present(input.tags, keys[what])

deny contains {"msg": msg, "resource": input.address} if {
	_applies
	some what in ["team", "service", "environment"]
	not tag(what)
	msg := sprintf("%s has no %s %s; set one of %s in its %s or in %s", [
		input.address, what, trim_suffix(tf.tag_word(input), "s"),
		concat(", ", keys[what]), tf.tag_word(input), tf.default_tags_word(input),
	])
}

deny contains {"msg": msg, "resource": input.address} if {
	_applies
	_catalog.available == true
	team := ownership.canonical(tag("team"), _team_aliases)
	not _catalog.teams[team] == true
	msg := sprintf("%s: team %q is not in the catalog; known teams are listed by paved team list", [input.address, team])
}
