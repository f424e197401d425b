# METADATA
# title: Workloads and Services must carry ownership labels
# description: >-
#   paved attributes every object to a team, a service and an environment by
#   its labels; without them a violation, a cost or an incident lands on
#   nobody. Pods, controllers (Deployment, StatefulSet, DaemonSet, ReplicaSet,
#   ReplicationController, Job, CronJob) and Services must carry a team label,
#   a service label and an environment label, each under one of the keys
#   paved.yaml's ownership section names (team_keys, service_keys,
#   environment_keys; keys compare case-insensitively, and the first key
#   present wins). On a controller the labels may sit on metadata.labels or
#   on the pod template's labels (metadata.labels is read first). When the
#   catalog is available (data.paved.catalog.available), the team
#   (normalised and mapped through ownership.aliases.team) must be a team in
#   the catalog; otherwise that check is skipped.
# custom:
#   id: ownership-labels
#   severity: high
#   inputs: [kubernetes]
#   remediation: >-
#     Add labels to metadata.labels (or spec.template.metadata.labels in a
#     controller), e.g. team: payments, service: checkout, environment: prod,
#     using the keys configured in paved.yaml (ownership.team_keys,
#     service_keys, environment_keys). The team must exist in the catalog:
#     list teams with paved team list, or onboard one with paved team onboard.
package paved.kubernetes.ownership_labels

import data.paved.lib.kubernetes
import data.paved.lib.ownership

_default_keys := {
	"team": ["team", "owner", "paved.dev/team"],
	"service": ["service", "paved.dev/service", "app.kubernetes.io/name", "app"],
	"environment": ["environment", "env", "paved.dev/environment"],
}

# keys[what] lists the label keys paved.yaml's ownership section names for
# team, service and environment (team_keys, service_keys, environment_keys),
# in order of preference, or paved's defaults when it leaves a list unset or
# empty.
keys := {what: ks |
	some what, defaults in _default_keys
	configured := object.get(kubernetes.config, ["ownership", concat("", [what, "_keys"])], [])
	ks := {true: configured, false: defaults}[_usable(configured)]
}

_usable(ks) := count(ks) > 0 if is_array(ks)

else := false

_applies if kubernetes.is_workload

_applies if input.kind == "Service"

# found[what] is the value of the first configured key present with a
# non-blank value, keys compared case-insensitively (the resolution
# ownership.first_present implements), on metadata.labels first and then on
# the pod template's labels (for a Pod the same labels again; a Service has
# none). When every label key is already in normalised form, the usual
# case, looking the normalised keys up directly gives what first_present
# would at a fraction of the cost; otherwise first_present decides.
#
# A few complete rules, each evaluated once per document: OPA's per-rule
# overhead dominates the cost of policies this small.
found := {what: v |
	some what, ks in keys
	v := [x |
		some labels in [_metadata_labels, kubernetes.pod_labels]
		some k in ks
		is_string(k)
		x := labels[lower(trim_space(k))]
		is_string(x)
		trim_space(x) != ""
	][0]
} if {
	every k, _ in _metadata_labels {
		k == lower(trim_space(k))
	}
	every k, _ in kubernetes.pod_labels {
		k == lower(trim_space(k))
	}
} else := {what: v |
	some what, ks in keys
	v := [x |
		some labels in [_metadata_labels, kubernetes.pod_labels]
		x := ownership.first_present({k: s | some k, s in labels; is_string(s)}, ks)
	][0]
}

_metadata_labels := l if {
	l := input.metadata.labels
	is_object(l)
} else := {}

deny contains {"msg": msg} if {
	_applies
	some what in ["team", "service", "environment"]
	not found[what]
	msg := sprintf("%s %q has no %s label; set one of %s in metadata.labels%s", [input.kind, _name, what, concat(", ", keys[what]), _template_hint])
}

deny contains {"msg": msg} if {
	_applies
	data.paved.catalog.available == true
	aliases := {k: v | some k, v in object.get(kubernetes.config, ["ownership", "aliases", "team"], {})}
	team := ownership.canonical(found.team, aliases)
	not data.paved.catalog.teams[team] == true
	msg := sprintf("team %q is not in the catalog; known teams are listed by paved team list", [team])
}

_name := n if {
	n := input.metadata.name
	is_string(n)
} else := ""

_template_hint := hint if {
	kubernetes.is_controller
	hint := concat("", [" or ", kubernetes.pod.metadata_path, ".labels"])
} else := ""
