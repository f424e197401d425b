# METADATA
# title: Base images must be pinned
# description: >-
#   FROM image with no tag, or with :latest, builds on whatever the
#   registry serves that day: builds stop being reproducible and a
#   compromised or broken upstream release flows straight in. Every FROM
#   must name a tag other than latest, or a digest (@sha256:...). FROM
#   scratch and FROM an earlier stage (FROM build) are exempt. An image
#   given by a build argument (FROM ${BASE}) is checked with the default of
#   the ARG declared before the first FROM; with no default it is not
#   checked, as it is set at build time.
# custom:
#   id: dockerfile-pinned-base
#   severity: high
#   inputs: [dockerfile]
#   remediation: >-
#     Pin the base image to a version tag (FROM node:20.11-alpine) or, for
#     reproducible builds, a digest (FROM node:20.11-alpine@sha256:...);
#     let a bot such as Renovate or Dependabot propose updates.
package paved.dockerfile.dockerfile_pinned_base

_froms := [[i, c] | some i, c in input; c.Cmd == "from"]

_first_from := min({i | some [i, _] in _froms})

# _args[name] is the default of a build argument declared before the
# first FROM (the last declaration wins).
_arg_defs := [[name, val] |
	some i, c in input
	c.Cmd == "arg"
	i < _first_from
	some kv in c.Value
	parts := split(kv, "=")
	count(parts) > 1
	name := parts[0]
	val := trim(concat("=", array.slice(parts, 1, count(parts))), `"'`)
]

_args[name] := val if {
	some [name, _] in _arg_defs
	vals := [v | some [n, v] in _arg_defs; n == name]
	val := vals[count(vals) - 1]
}

_var_re := `\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)`

# resolve(s) substitutes the build arguments in s; undefined when one has
# no default.
resolve(s) := out if {
	matches := regex.find_all_string_submatch_n(_var_re, s, -1)
	repl := {m[0]: v | some m in matches; v := _subst(m)}
	count(repl) == count({m[0] | some m in matches})
	out := strings.replace_n(repl, s)
}

_subst(m) := _args[m[4]] if m[4] != ""

_subst(m) := _args[m[1]] if {
	m[1] != ""
	m[2] == ""
}

_subst(m) := v if {
	m[1] != ""
	m[2] == "-"
	v := _nonempty_arg(m[1], m[3])
}

_subst(m) := v if {
	m[1] != ""
	m[2] == "+"
	v := _alt(m[1], m[3])
}

_nonempty_arg(name, word) := v if {
	v := _args[name]
	v != ""
} else := word

_alt(name, word) := word if {
	_args[name] != ""
} else := ""

_stage_names[s] := lower(c.Value[2]) if {
	some [_, c] in _froms
	count(c.Value) >= 3
	lower(c.Value[1]) == "as"
	s := to_number(c.Stage)
}

_exempt(image, _) if lower(image) == "scratch"

_exempt(image, c) if {
	some s, n in _stage_names
	n == lower(image)
	s < to_number(c.Stage)
}

# _tag is the tag of an image reference: after the last ':' of its last
# path segment (a ':' before a '/' is a registry port).
_tag(image) := t if {
	parts := split(image, "/")
	last := parts[count(parts) - 1]
	contains(last, ":")
	t := split(last, ":")[1]
}

_problem(image) := "has no tag, which means :latest" if {
	not contains(image, "@")
	not _tag(image)
}

_problem(image) := "uses the latest tag" if {
	not contains(image, "@")
	_tag(image) == "latest"
}

_shown(raw, image) := raw if raw == image

else := sprintf("%s (%s)", [raw, image])

_repo(image) := trim_suffix(image, concat(":", ["", _tag(image)])) if _tag(image)

else := image

deny contains _result(msg, c) if {
	some [_, c] in _froms
	raw := c.Value[0]
	image := resolve(raw)
	not _exempt(image, c)
	problem := _problem(image)
	msg := sprintf("FROM %s %s; pin a version tag (%s:<version>) or a digest (%s@sha256:<digest>)", [_shown(raw, image), problem, _repo(image), _repo(image)])
}

# _result is a result pointing at instruction c's line when the input
# has one.
_result(msg, c) := {"msg": msg, "line": c.Line} if {
	is_number(c.Line)
	c.Line > 0
} else := {"msg": msg}
