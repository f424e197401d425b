# METADATA
# title: Images must not run as root
# description: >-
#   A container whose process runs as root turns a compromise of the
#   application into root inside the container, one kernel bug away from
#   the node. The final stage of a Dockerfile (the image that ships) must
#   switch to a user other than root, 0 or 0:0 with USER; the last USER
#   instruction wins. A USER in an earlier build stage does not count,
#   unless the final stage is built FROM that stage (FROM build), whose
#   user it inherits. A USER given by a variable (USER $APP_UID) is not
#   checked. A base image that sets its own user is not seen: say USER
#   explicitly.
# custom:
#   id: dockerfile-non-root
#   severity: high
#   inputs: [dockerfile]
#   remediation: >-
#     Add a USER instruction with a non-root user or UID at the end of the
#     final stage, after the last RUN that needs root, for example USER
#     10001:10001 (create it with adduser, or use the base image's nonroot
#     user).
package paved.dockerfile.dockerfile_non_root

_froms := [c | some c in input; c.Cmd == "from"]

_final := max({to_number(c.Stage) | some c in _froms})

_final_from := c if {
	some c in _froms
	to_number(c.Stage) == _final
}

_final_image := _final_from.Value[0]

# _stage_names[stage] is the lower-cased name a stage gets with AS.
_stage_names[s] := lower(c.Value[2]) if {
	some c in _froms
	count(c.Value) >= 3
	lower(c.Value[1]) == "as"
	s := to_number(c.Stage)
}

# _parent[stage] is the earlier stage a stage is built FROM.
_parent[s] := max(ps) if {
	some c in _froms
	s := to_number(c.Stage)
	ps := {p | some p, n in _stage_names; n == lower(c.Value[0]); p < s}
	count(ps) > 0
}

_graph[s] := {p | p := _parent[s]} if {
	some c in _froms
	s := to_number(c.Stage)
}

# _chain holds the final stage and the stages it is built from.
_chain := graph.reachable(_graph, {_final})

_users := [c | some c in input; c.Cmd == "user"; to_number(c.Stage) in _chain; count(c.Value) > 0]

_last_user := _users[count(_users) - 1] if count(_users) > 0

_user := _last_user.Value[0]

_is_root(u) if regex.match(`^(root|0+)$`, lower(trim_space(split(u, ":")[0])))

deny contains _result(msg, _final_from) if {
	count(_froms) > 0
	not _user
	msg := sprintf("the final stage (FROM %s) has no USER instruction, so the container runs as root unless the base image says otherwise; add USER with a non-root user or UID, e.g. USER 10001:10001", [_final_image])
}

deny contains _result(msg, _last_user) if {
	not contains(_user, "$")
	_is_root(_user)
	msg := sprintf("the final stage (FROM %s) runs as root (USER %s); switch to a non-root user or UID, e.g. USER 10001:10001", [_final_image, _user])
}

# _result is a result pointing at instruction c's line when the input
# has one.
_result(msg, c) := {"msg": msg, "line": c.Line} if {
	is_number(c.Line)
	c.Line > 0
} else := {"msg": msg}
