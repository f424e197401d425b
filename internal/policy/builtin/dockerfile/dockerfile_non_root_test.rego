package paved.dockerfile.dockerfile_non_root_test

import data.paved.dockerfile.dockerfile_non_root as policy

i(stage, cmd, value) := {"Cmd": cmd, "SubCmd": "", "JSON": false, "Flags": [], "Value": value, "Stage": stage, "Original": ""}

build := [
	i(0, "from", ["golang:1.22", "AS", "build"]),
	i(0, "run", ["go build -o /app ."]),
	i(0, "user", ["1000"]),
]

test_non_root_final_stage_passes if {
	count(policy.deny) == 0 with input as array.concat(build, [
		i(1, "from", ["gcr.io/distroless/static:nonroot"]),
		i(1, "user", ["root"]),
		i(1, "run", ["setup"]),
		i(1, "user", ["65532:65532"]),
	])
}

test_missing_user if {
	policy.deny == {{"msg": "the final stage (FROM alpine:3.19) has no USER instruction, so the container runs as root unless the base image says otherwise; add USER with a non-root user or UID, e.g. USER 10001:10001"}} with input as [i(0, "from", ["alpine:3.19"]), i(0, "cmd", ["sh"])]
}

test_user_in_an_earlier_stage_does_not_count if {
	count(policy.deny) == 1 with input as array.concat(build, [i(1, "from", ["alpine:3.19"])])
}

test_final_stage_inherits_from_the_stage_it_builds_on if {
	count(policy.deny) == 0 with input as array.concat(build, [i(1, "from", ["BUILD"])])
	count(policy.deny) == 1 with input as array.concat(build, [i(1, "from", ["build"]), i(1, "user", ["0"])])
}

test_root_users if {
	every u in ["root", "0", "0:0", "root:root", "ROOT", "00"] {
		some d in policy.deny with input as [i(0, "from", ["alpine:3.19"]), i(0, "user", [u])]
		d.msg == sprintf("the final stage (FROM alpine:3.19) runs as root (USER %s); switch to a non-root user or UID, e.g. USER 10001:10001", [u])
	}
	every u in ["app", "10001", "1000:0", "nobody", "$APP_UID", "${UID:-0}"] {
		count(policy.deny) == 0 with input as [i(0, "from", ["alpine:3.19"]), i(0, "user", [u])]
	}
}

test_onbuild_user_does_not_count if {
	onbuild := {"Cmd": "onbuild", "SubCmd": "USER", "JSON": false, "Flags": [], "Value": ["app"], "Stage": 0, "Original": "ONBUILD USER app"}
	count(policy.deny) == 1 with input as [i(0, "from", ["alpine:3.19"]), onbuild]
}

test_no_from_no_finding if {
	count(policy.deny) == 0 with input as [i(0, "arg", ["A=1"])]
}

test_results_point_at_the_instruction if {
	doc := [
		object.union(i(0, "from", ["alpine:3.19"]), {"Line": 2}),
		object.union(i(0, "user", ["root"]), {"Line": 5}),
	]
	policy.deny == {{"line": 5, "msg": "the final stage (FROM alpine:3.19) runs as root (USER root); switch to a non-root user or UID, e.g. USER 10001:10001"}} with input as doc
	some d in policy.deny with input as [doc[0]]
	d.line == 2
}
