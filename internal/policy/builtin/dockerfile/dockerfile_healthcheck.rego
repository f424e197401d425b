# METADATA
# title: Images should declare a HEALTHCHECK
# description: >-
#   Without a health check, Docker and Compose (and anything that reads
#   the image's config) cannot tell a hung container from a healthy one.
#   The final stage of a Dockerfile must have a HEALTHCHECK that is not
#   HEALTHCHECK NONE; the last one wins, and one in the stage the final
#   stage is built FROM counts. Kubernetes ignores HEALTHCHECK: there,
#   liveness and readiness probes do this job (see probes-configured).
# custom:
#   id: dockerfile-healthcheck
#   severity: low
#   inputs: [dockerfile]
#   remediation: >-
#     Add HEALTHCHECK CMD with a command that fails when the service is
#     unhealthy, e.g. HEALTHCHECK --interval=30s --timeout=3s CMD
#     ["/app", "healthcheck"] or CMD curl -fsS http://localhost:8080/healthz.
package paved.dockerfile.dockerfile_healthcheck

_froms := [c | some c in input; c.Cmd == "from"]

_final := max({to_number(c.Stage) | some c in _froms})

_final_from := c if {
	some c in _froms
	to_number(c.Stage) == _final
}

_final_image := _final_from.Value[0]

_stage_names[s] := lower(c.Value[2]) if {
	some c in _froms
	count(c.Value) >= 3
	lower(c.Value[1]) == "as"
	s := to_number(c.Stage)
}

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

_chain := graph.reachable(_graph, {_final})

_checks := [c | some c in input; c.Cmd == "healthcheck"; to_number(c.Stage) in _chain]

_check := _checks[count(_checks) - 1] if count(_checks) > 0

deny contains _result(msg, _final_from) if {
	count(_froms) > 0
	not _check
	msg := sprintf("the final stage (FROM %s) has no HEALTHCHECK; add one, e.g. HEALTHCHECK CMD [\"/app\", \"healthcheck\"]", [_final_image])
}

deny contains _result(msg, _check) if {
	upper(_check.Value[0]) == "NONE"
	msg := sprintf("the final stage (FROM %s) disables health checks with HEALTHCHECK NONE; give it a HEALTHCHECK CMD", [_final_image])
}

# _result is a result pointing at instruction c's line when the input
# has one.
_result(msg, c) := {"msg": msg, "line": c.Line} if {
	is_number(c.Line)
	c.Line > 0
} else := {"msg": msg}
