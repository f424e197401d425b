# Ownership helpers shared by the built-in policies: the same normalisation
# paved applies in Go (internal/slug.Normalize and the aliases of
# paved.yaml's ownership section), so CI and the catalog agree on names.
package paved.lib.ownership

# canonical returns value lower-cased, with every run of characters other
# than a-z and 0-9 folded into one '-', trimmed, then mapped through aliases.
canonical(value, aliases) := out if {
	slug := trim(regex.replace(lower(trim_space(value)), `[^a-z0-9]+`, "-"), "-")
	out := object.get(aliases, slug, slug)
}

# first_present returns the value of the first key in keys present in obj
# (keys compared case-insensitively, ignoring stray spaces) with a
# non-blank value, as the ownership resolution in Go does.
#
# Each key of obj and each wanted key is normalised once and the pairs are
# then compared as plain strings: normalising inside the pairwise
# comparison cost four built-in calls per pair, and a resource with ten
# tags against three keys made that the most expensive line of the pack.
first_present(obj, keys) := value if {
	present := [[lower(trim_space(ok)), v] |
		some ok, v in obj
		is_string(v)
		trim_space(v) != ""
	]
	values := [v |
		some k in keys
		wanted := lower(trim_space(k))
		some [normalised, v] in present
		normalised == wanted
	]
	count(values) > 0
	value := values[0]
}
