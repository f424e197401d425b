package survey

import (
	"cmp"
	"slices"
)

// OtherGroup names the group that small teams are folded into.
const OtherGroup = "other"

// grouping says which teams' results are shown on their own and which are
// folded together into "other".
type grouping struct {
	// publish is false when fewer than k people answered in all: then
	// nothing but counts is shown.
	publish bool
	// shown are the teams shown on their own, by name.
	shown []string
	// other are the teams folded together, by name; empty when every team
	// with answers is shown.
	other []string
}

// fold groups teams by their answer counts so that nobody's answers can be
// singled out, with k the fewest answers a group may show:
//
//   - every team with k or more answers is shown on its own, and the rest
//     fold into "other";
//   - if "other" then has fewer than k answers (one small team, say, or
//     two with two answers each), it is as exposed as a small team on its
//     own, and it could also be recovered by subtracting the teams shown
//     from the total; so the smallest shown teams fold into it too, one at
//     a time, until it reaches k.
//
// Every group shown, "other" included, then has k or more answers, and
// "other" always holds two teams or more when it holds a small one. Since
// the total is the sum of the groups shown, no subtraction of what is
// shown isolates fewer than k answers. Teams without answers are left
// out: they have nothing to hide.
func fold(counts map[string]int, k int) grouping {
	type team struct {
		name string
		n    int
	}
	var shown, other []team
	total, otherN := 0, 0
	for name, n := range counts {
		if n <= 0 {
			continue
		}
		total += n
		if n >= k {
			shown = append(shown, team{name, n})
		} else {
			other = append(other, team{name, n})
			otherN += n
		}
	}
	if total < k {
		return grouping{}
	}
	if len(other) > 0 && otherN < k {
		// Smallest first; ties by name so the result never depends on map
		// order.
		slices.SortFunc(shown, func(a, b team) int {
			return cmp.Or(cmp.Compare(a.n, b.n), cmp.Compare(a.name, b.name))
		})
		for otherN < k && len(shown) > 0 {
			other = append(other, shown[0])
			otherN += shown[0].n
			shown = shown[1:]
		}
	}
	g := grouping{publish: true}
	for _, t := range shown {
		g.shown = append(g.shown, t.name)
	}
	for _, t := range other {
		g.other = append(g.other, t.name)
	}
	slices.Sort(g.shown)
	slices.Sort(g.other)
	return g
}

// groupOf returns the group a team's answers are published under: the
// team itself, OtherGroup, or "" when nothing is published.
func (g grouping) groupOf(team string) string {
	switch {
	case !g.publish:
		return ""
	case slices.Contains(g.other, team):
		return OtherGroup
	}
	return team
}
