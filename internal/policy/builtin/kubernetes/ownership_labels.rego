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

# keys[what] lists the label keys paved.yaml's ownership section names for
# team, service and environment (team_keys, service_keys, environment_keys),
# in order of preference, or paved's defaults when it leaves a list unset or
# empty.
#
# Performance: everything below is a complete rule per what (team, service,
# environment), each evaluated at most once per document; the deny bodies
# only read them. OPA's per-body and per-comprehension overhead dominates
# the cost of a policy this small, so the common case (label keys already
# in normalised form) is a direct lookup per configured key.
keys["team"] := _team_keys

keys["service"] := _service_keys

keys["environment"] := _environment_keys

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

_applies if kubernetes.is_workload

_applies if input.kind == "Service"

# found[what] is the value of the first configured key present with a
# non-blank value, keys compared case-insensitively (the resolution
# ownership.first_present implements), on metadata.labels first and then on
# the pod template's labels (for a Pod the same labels again; a Service has
# none). When a label set's keys are all in normalised form (lower-case
# label-key characters only, so no spaces), the usual case, looking the
# normalised keys up directly gives what first_present would at a fraction
# of the cost; otherwise first_present decides.
found["team"] := _team

found["service"] := _service

found["environment"] := _environment

# _team, _service and _environment are found's values, each looked up on
# metadata.labels, then on the pod's labels: directly when the label set is
# plain, through first_present otherwise. (Written out per value rather than
# as one function: a function call is not cached and costs far more than a
# complete rule.)
_team := v if {
	# The usual case: paved.yaml's first key (read from data directly: a
	# first element means a non-empty list, which is what _team_keys then
	# is), present on plain labels (so in normalised form itself).
	_metadata_plain
	v := input.metadata.labels[data.paved.config.ownership.team_keys[0]]
	is_string(v)
	trim_space(v) != ""
} else := v if {
	_metadata_plain
	labels := input.metadata.labels
	v := [x |
		some k in _team_keys
		is_string(k)
		x := labels[lower(trim_space(k))]
		is_string(x)
		trim_space(x) != ""
	][0]
} else := v if {
	not _metadata_plain
	v := ownership.first_present({k: s | some k, s in _metadata_labels; is_string(s)}, _team_keys)
} else := v if {
	_pod_plain
	labels := kubernetes.pod_labels
	v := [x |
		some k in _team_keys
		is_string(k)
		x := labels[lower(trim_space(k))]
		is_string(x)
		trim_space(x) != ""
	][0]
} else := v if {
	not _pod_plain
	v := ownership.first_present({k: s | some k, s in kubernetes.pod_labels; is_string(s)}, _team_keys)
}

_service := v if {
	# The usual case: paved.yaml's first key (read from data directly: a
	# first element means a non-empty list, which is what _service_keys then
	# is), present on plain labels (so in normalised form itself).
	_metadata_plain
	v := input.metadata.labels[data.paved.config.ownership.service_keys[0]]
	is_string(v)
	trim_space(v) != ""
} else := v if {
	_metadata_plain
	labels := input.metadata.labels
	v := [x |
		some k in _service_keys
		is_string(k)
		x := labels[lower(trim_space(k))]
		is_string(x)
		trim_space(x) != ""
	][0]
} else := v if {
	not _metadata_plain
	v := ownership.first_present({k: s | some k, s in _metadata_labels; is_string(s)}, _service_keys)
} else := v if {
	_pod_plain
	labels := kubernetes.pod_labels
	v := [x |
		some k in _service_keys
		is_string(k)
		x := labels[lower(trim_space(k))]
		is_string(x)
		trim_space(x) != ""
	][0]
} else := v if {
	not _pod_plain
	v := ownership.first_present({k: s | some k, s in kubernetes.pod_labels; is_string(s)}, _service_keys)
}

_environment := v if {
	# The usual case: paved.yaml's first key (read from data directly: a
	# first element means a non-empty list, which is what _environment_keys then
	# is), present on plain labels (so in normalised form itself).
	_metadata_plain
	v := input.metadata.labels[data.paved.config.ownership.environment_keys[0]]
	is_string(v)
	trim_space(v) != ""
} else := v if {
	_metadata_plain
	labels := input.metadata.labels
	v := [x |
		some k in _environment_keys
		is_string(k)
		x := labels[lower(trim_space(k))]
		is_string(x)
		trim_space(x) != ""
	][0]
} else := v if {
	not _metadata_plain
	v := ownership.first_present({k: s | some k, s in _metadata_labels; is_string(s)}, _environment_keys)
} else := v if {
	_pod_plain
	labels := kubernetes.pod_labels
	v := [x |
		some k in _environment_keys
		is_string(k)
		x := labels[lower(trim_space(k))]
		is_string(x)
		trim_space(x) != ""
	][0]
} else := v if {
	not _pod_plain
	v := ownership.first_present({k: s | some k, s in kubernetes.pod_labels; is_string(s)}, _environment_keys)
}

# A label set is plain when every key is made only of characters that
# lower() and trim_space() leave alone (^[a-z0-9./_-]*$).
_metadata_plain if {
	labels := input.metadata.labels
	is_object(labels)
	regex.match(`^[a-z0-9./_-]*$`, concat("", object.keys(labels)))
}

_pod_plain if regex.match(`^[a-z0-9./_-]*$`, concat("", object.keys(kubernetes.pod_labels)))

_metadata_labels := l if {
	l := input.metadata.labels
	is_object(l)
} else := {}

# The label checks run once per kind they apply to (workloads and
# Services), each gated on input.kind, which OPA's rule index resolves
# before evaluating a body: other kinds cost nothing; in the usual case
# they stop at _all_found. _missing has one body for the three labels.
deny contains r if {
	input.kind == "Pod"
	not _all_found
	some r in _missing
}

deny contains r if {
	input.kind == "Deployment"
	not _all_found
	some r in _missing
}

deny contains r if {
	input.kind == "StatefulSet"
	not _all_found
	some r in _missing
}

deny contains r if {
	input.kind == "DaemonSet"
	not _all_found
	some r in _missing
}

deny contains r if {
	input.kind == "ReplicaSet"
	not _all_found
	some r in _missing
}

deny contains r if {
	input.kind == "ReplicationController"
	not _all_found
	some r in _missing
}

deny contains r if {
	input.kind == "Job"
	not _all_found
	some r in _missing
}

deny contains r if {
	input.kind == "CronJob"
	not _all_found
	some r in _missing
}

deny contains r if {
	input.kind == "Service"
	not _all_found
	some r in _missing
}

_missing contains {"msg": msg} if {
	some what in ["team", "service", "environment"]
	not found[what]
	msg := _missing_msg(what, keys[what])
}

_all_found if {
	_team
	_service
	_environment
}

_missing_msg(what, ks) := sprintf("%s %q has no %s label; set one of %s in metadata.labels%s", [input.kind, _name, what, concat(", ", ks), _template_hint])

deny contains {"msg": msg} if {
	data.paved.catalog.available == true
	_applies
	aliases := {k: v | some k, v in object.get(kubernetes.config, ["ownership", "aliases", "team"], {})}
	team := ownership.canonical(_team, aliases)
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
