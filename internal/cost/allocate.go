package cost

import (
	"fmt"
	"path"
	"reflect"
	"strings"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/cost/focus"
)

// How a charge's owner was found, as cost_daily.allocation records it.
const (
	ByTag         = "tag"
	ByAccount     = "account"
	ByRule        = "rule"
	SharedPrefix  = "shared:"
	Unallocated   = "unallocated"
	unallocatedTo = "unallocated" // the team column of unallocated spend
)

// Owner is who a charge is allocated to.
type Owner struct {
	Team, Service, Environment string
	// Allocation is ByTag, ByAccount, ByRule or Unallocated; Rule names
	// the allocation rule that matched.
	Allocation string
	Rule       string
}

// allocator decides the owner of each charge. Resolution by tags and
// account goes through the catalog's ownership index (the same keys and
// aliases as Kubernetes labels) and is cached per tag set and account:
// a bill repeats a few thousand combinations across a million rows.
type allocator struct {
	index  *catalog.Index
	rules  []rule
	shared []sharedRule
	cache  map[ownerKey]cachedOwner
}

// cachedOwner keeps the tag map it was resolved from alive, so that its
// address (the cache key) cannot be reused by another map.
type cachedOwner struct {
	tags  map[string]string
	owner catalog.Owner
}

type ownerKey struct {
	tags    uintptr // the reader shares one map per distinct Tags string
	account string
}

type rule struct {
	config.AllocationRule
	match []matcher
}

type sharedRule struct {
	config.SharedRule
	match []matcher
}

type matcher struct {
	column, pattern string
	literal         bool
}

func compileMatch(m map[string]string) []matcher {
	out := make([]matcher, 0, len(m))
	for col, pat := range m {
		out = append(out, matcher{column: col, pattern: pat, literal: !strings.ContainsAny(pat, `*?[\`)})
	}
	return out
}

func matches(ms []matcher, row *focus.Row) bool {
	for _, m := range ms {
		v := row.Column(m.column)
		if m.literal {
			if v != m.pattern {
				return false
			}
			continue
		}
		if ok, _ := path.Match(m.pattern, v); !ok {
			return false
		}
	}
	return true
}

// newAllocator checks the rules against the catalog: a rule naming a
// team that does not exist would allocate spend to nobody.
func newAllocator(index *catalog.Index, cfg config.Cost) (*allocator, error) {
	a := &allocator{index: index, cache: map[ownerKey]cachedOwner{}}
	for i, r := range cfg.Allocation {
		if !index.TeamExists(r.Team) {
			return nil, fmt.Errorf("paved.yaml cost.allocation[%d] (%s): team %q is not in the catalog", i, r.Name, r.Team)
		}
		a.rules = append(a.rules, rule{AllocationRule: r, match: compileMatch(r.Match)})
	}
	for i, r := range cfg.Shared {
		for _, t := range r.Teams {
			if !index.TeamExists(t) {
				return nil, fmt.Errorf("paved.yaml cost.shared[%d] (%s): team %q is not in the catalog", i, r.Name, t)
			}
		}
		for t := range r.Percentages {
			if !index.TeamExists(t) {
				return nil, fmt.Errorf("paved.yaml cost.shared[%d] (%s): team %q is not in the catalog", i, r.Name, t)
			}
		}
		a.shared = append(a.shared, sharedRule{SharedRule: r, match: compileMatch(r.Match)})
	}
	return a, nil
}

// sharedRuleFor returns the shared rule a charge falls under, if any:
// shared costs are split before anything else looks at them.
func (a *allocator) sharedRuleFor(row *focus.Row) *sharedRule {
	for i := range a.shared {
		if matches(a.shared[i].match, row) {
			return &a.shared[i]
		}
	}
	return nil
}

// owner resolves a charge: its tags, then the catalog's owner of its
// sub-account (account, subscription, project), then the allocation
// rules; else unallocated.
func (a *allocator) owner(row *focus.Row) Owner {
	key := ownerKey{account: row.SubAccountID}
	if row.Tags != nil {
		key.tags = reflect.ValueOf(row.Tags).Pointer()
	}
	c, ok := a.cache[key]
	if !ok {
		c = cachedOwner{tags: row.Tags, owner: a.index.ResolveCloud(row.Tags, row.SubAccountID)}
		a.cache[key] = c
	}
	o := c.owner
	if o.Owned() {
		how := ByTag
		if strings.HasPrefix(o.Via, "account:") {
			how = ByAccount
		}
		return Owner{Team: o.Team, Service: o.Service, Environment: o.Environment, Allocation: how}
	}
	for i := range a.rules {
		r := &a.rules[i]
		if matches(r.match, row) {
			env := r.Environment
			if env == "" {
				env = o.Environment
			}
			return Owner{Team: r.Team, Service: r.Service, Environment: env, Allocation: ByRule, Rule: r.Name}
		}
	}
	return Owner{Team: unallocatedTo, Environment: o.Environment, Allocation: Unallocated}
}
