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
#   on the pod template's labels. When the catalog is available, the team
#   (normalised and mapped through ownership.aliases.team) must be a team in
#   the catalog.
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

# The label keys paved.yaml's ownership section names for team, service
# and environment, in order of preference (paved's defaults when it leaves a
# list unset or empty), as written for messages and normalised (lower case,
# trimmed) for lookups. Few, complete rules: OPA computes each once per
# document.
keys := {"team": _team_keys, "service": _service_keys, "environment": _environment_keys}

_team_keys := ks if {
	ks := kubernetes.config.ownership.team_keys
	is_array(ks)
	count(ks) > 0
} else := ["team", "owner", "paved.dev/team"]

_service_keys := ks if {
	ks := kubernetes.config.ownership.service_keys
	is_array(ks)
	count(ks) > 0
} else := ["service", "paved.dev/service", "app.kubernetes.io/name", "app"]

_environment_keys := ks if {
	ks := kubernetes.config.ownership.environment_keys
	is_array(ks)
	count(ks) > 0
} else := ["environment", "env", "paved.dev/environment"]

_lookup := {what: [lower(trim_space(k)) | some k in ks; is_string(k)] | some what, ks in keys}

_applies if kubernetes.is_workload

_applies if input.kind == "Service"

# found[what] is the value of the first configured key present with a
# non-blank value, keys compared case-insensitively (the resolution
# ownership.first_present implements), on metadata.labels first and then on
# the pod template's labels (for a Pod the same labels again; a Service has
# none). When every label key is already in normalised form, the usual
# case, looking the normalised keys up directly gives what first_present
# would at a fraction of the cost; otherwise first_present decides.
found := {what: v |
	some what, lookup in _lookup
	v := [x |
		some labels in [_metadata_labels, kubernetes.pod_labels]
		some k in lookup
		x := labels[k]
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
