package paved.dockerfile.dockerfile_healthcheck_test

import data.paved.dockerfile.dockerfile_healthcheck as policy

i(stage, cmd, value) := {"Cmd": cmd, "SubCmd": "", "JSON": false, "Flags": [], "Value": value, "Stage": stage, "Original": ""}

test_healthcheck_passes if {
	count(policy.deny) == 0 with input as [i(0, "from", ["alpine:3.19"]), i(0, "healthcheck", ["CMD", "/app", "healthcheck"])]
}

test_missing if {
	policy.deny == {{"msg": "the final stage (FROM alpine:3.19) has no HEALTHCHECK; add one, e.g. HEALTHCHECK CMD [\"/app\", \"healthcheck\"]"}} with input as [i(0, "from", ["alpine:3.19"])]
}

test_none if {
	policy.deny == {{"msg": "the final stage (FROM alpine:3.19) disables health checks with HEALTHCHECK NONE; give it a HEALTHCHECK CMD"}} with input as [
		i(0, "from", ["alpine:3.19"]),
		i(0, "healthcheck", ["CMD", "true"]),
		i(0, "healthcheck", ["none"]),
	]
}

test_earlier_stages if {
	hc := [i(0, "from", ["alpine:3.19", "as", "base"]), i(0, "healthcheck", ["CMD", "true"])]
	count(policy.deny) == 1 with input as array.concat(hc, [i(1, "from", ["alpine:3.19"])])
	count(policy.deny) == 0 with input as array.concat(hc, [i(1, "from", ["base"])])
}

test_results_point_at_the_instruction if {
	doc := [object.union(i(0, "from", ["alpine:3.19"]), {"Line": 3}), object.union(i(0, "healthcheck", ["NONE"]), {"Line": 9})]
	some d in policy.deny with input as doc
	d.line == 9
	some e in policy.deny with input as [doc[0]]
	e.line == 3
}
