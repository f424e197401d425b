package paved.dockerfile.dockerfile_pinned_base_test

import data.paved.dockerfile.dockerfile_pinned_base as policy

i(stage, cmd, value) := {"Cmd": cmd, "SubCmd": "", "JSON": false, "Flags": [], "Value": value, "Stage": stage, "Original": ""}

from(image) := [i(0, "from", [image])]

msgs(doc) := m if {
	deny := policy.deny with input as doc
	m := {d.msg | some d in deny}
}

test_pinned_images_pass if {
	every image in [
		"alpine:3.19", "golang:1.22-alpine", "registry.example.com:5000/team/app:1.4.2",
		"node@sha256:0000000000000000000000000000000000000000000000000000000000000000",
		"node:latest@sha256:0000000000000000000000000000000000000000000000000000000000000000",
		"scratch", "SCRATCH",
	] {
		count(policy.deny) == 0 with input as from(image)
	}
}

test_unpinned if {
	msgs(from("alpine")) == {"FROM alpine has no tag, which means :latest; pin a version tag (alpine:<version>) or a digest (alpine@sha256:<digest>)"}
	msgs(from("alpine:latest")) == {"FROM alpine:latest uses the latest tag; pin a version tag (alpine:<version>) or a digest (alpine@sha256:<digest>)"}
	msgs(from("localhost:5000/app")) == {"FROM localhost:5000/app has no tag, which means :latest; pin a version tag (localhost:5000/app:<version>) or a digest (localhost:5000/app@sha256:<digest>)"}
}

test_stage_references_are_exempt if {
	doc := [
		i(0, "from", ["golang:1.22", "AS", "Build"]),
		i(1, "from", ["build"]),
		i(2, "from", ["later"]),
		i(3, "from", ["alpine:3.19", "as", "later"]),
	]
	msgs(doc) == {"FROM later has no tag, which means :latest; pin a version tag (later:<version>) or a digest (later@sha256:<digest>)"}
}

test_build_args if {
	args := [i(0, "arg", ["BASE=alpine:3.19"]), i(0, "arg", ["TAG=latest", "NOTAG"]), i(0, "arg", ["REG=\"ghcr.io/acme\""])]
	count(policy.deny) == 0 with input as array.concat(args, from("${BASE}"))
	count(policy.deny) == 0 with input as array.concat(args, from("$REG/app:1.0"))
	msgs(array.concat(args, from("node:${TAG}"))) == {"FROM node:${TAG} (node:latest) uses the latest tag; pin a version tag (node:<version>) or a digest (node@sha256:<digest>)"}
	count(policy.deny) == 0 with input as array.concat(args, from("node:${NOTAG}"))
	count(policy.deny) == 0 with input as array.concat(args, from("node:${NOTAG:-20}"))
	count(policy.deny) == 1 with input as array.concat(args, from("node${NOTAG:+:20}"))
	count(policy.deny) == 0 with input as array.concat(args, from("${UNDECLARED}"))
}

test_args_after_the_first_from_do_not_count if {
	doc := [i(0, "from", ["alpine:3.19"]), i(0, "arg", ["BASE=alpine"]), i(1, "from", ["${BASE}"])]
	count(policy.deny) == 0 with input as doc
}

test_the_last_declaration_wins if {
	doc := [i(0, "arg", ["BASE=alpine"]), i(0, "arg", ["BASE=alpine:3.19"]), i(0, "from", ["${BASE}"])]
	count(policy.deny) == 0 with input as doc
}

test_results_point_at_the_instruction if {
	some d in policy.deny with input as [i(0, "from", ["alpine:3.19"]), object.union(i(1, "from", ["node"]), {"Line": 7})]
	d.line == 7
}
