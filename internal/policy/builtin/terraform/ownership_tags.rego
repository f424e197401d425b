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
# keys lists the configured keys per tag (paved check passes them from
# paved.yaml, defaults filled in), falling back to paved's defaults.
keys := {what: ks |
	some what, defaults in default_keys
	configured := object.get(_ownership, concat("_", [what, "keys"]), [])
	ks := _or_default(configured, defaults)
}

_or_default(configured, defaults) := configured if count(configured) > 0

else := defaults

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
# found holds the value of each ownership tag present, computed once per
# resource. When every tag key is already lower-case and trimmed (the usual
# case) the configured keys are looked up directly; otherwise
# first_present compares keys case-insensitively.
found := {what: v |
	some what in object.keys(default_keys)
	v := _lookup(keys[what])
}

_lookup(ks) := v if {
	_plain_keys
	v := [x |
		some k in ks
		x := input.tags[lower(trim_space(k))]
		is_string(x)
		trim_space(x) != ""
	][0]
} else := ownership.first_present(input.tags, ks)

_plain_keys if regex.match(`^[^A-Z\s]*$`, concat("|", object.keys(input.tags)))

tag(what) := found[what]

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
