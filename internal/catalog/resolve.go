package catalog

import (
	"strings"

	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/slug"
)

// Owner is who a signal belongs to. Team is Unowned when nothing in the
// signal or the catalog names a team that exists.
type Owner struct {
	Team        string `json:"team"`
	Service     string `json:"service,omitempty"`
	Environment string `json:"environment,omitempty"`
	// Via says which signal decided the team, e.g. "label:team",
	// "namespace:checkout-prod", "tag:owner", "account:123456789012",
	// "repository", or "" when unowned.
	Via string `json:"via,omitempty"`
}

// Owned reports whether a team was found.
func (o Owner) Owned() bool { return o.Team != Unowned }

// Index answers ownership questions from memory. It is immutable once
// built; the Catalog swaps in a new one when the catalog changes, so
// readers never lock.
type Index struct {
	version     int64
	snap        *Snapshot
	teams       map[string]bool
	serviceTeam map[string]string
	envs        map[string]bool
	namespaces  map[string]placement
	accounts    map[string]placement
	repos       map[string]string // normalised repository URL → service

	teamKeys, serviceKeys, envKeys    []ownKey
	teamAlias, serviceAlias, envAlias map[string]string
}

// placement is what a namespace or account says about ownership. Service
// is "" when several services share it; Team is "" when several teams do.
type placement struct {
	team, service, env string
	via                string // "namespace:NAME" or "account:ID", built once
}

// NewIndex builds an index of snap under the ownership rules of own.
func NewIndex(snap Snapshot, own config.Ownership) *Index {
	ix := &Index{
		version:      snap.Version,
		snap:         &snap,
		teams:        make(map[string]bool, len(snap.Teams)),
		serviceTeam:  make(map[string]string, len(snap.Services)),
		envs:         make(map[string]bool, len(snap.Environments)),
		namespaces:   map[string]placement{},
		accounts:     map[string]placement{},
		repos:        map[string]string{},
		teamKeys:     ownKeys(own.TeamKeys),
		serviceKeys:  ownKeys(own.ServiceKeys),
		envKeys:      ownKeys(own.EnvironmentKeys),
		teamAlias:    normalizeKeys(own.Aliases.Team),
		serviceAlias: normalizeKeys(own.Aliases.Service),
		envAlias:     normalizeKeys(own.Aliases.Environment),
	}
	for _, t := range snap.Teams {
		ix.teams[t.Name] = true
	}
	for _, e := range snap.Environments {
		ix.envs[e.Name] = true
	}
	for _, s := range snap.Services {
		ix.serviceTeam[s.Name] = s.Team
		for _, ns := range s.Namespaces {
			ix.namespaces[ns.Name] = merge(ix.namespaces[ns.Name], placement{s.Team, s.Name, ns.Environment, "namespace:" + ns.Name})
		}
		for _, a := range s.CloudAccounts {
			ix.accounts[a.ID] = merge(ix.accounts[a.ID], placement{s.Team, s.Name, a.Environment, "account:" + a.ID})
		}
		if s.Repository != "" {
			ix.repos[s.Repository] = s.Name
		}
	}
	return ix
}

// merge combines two claims on one namespace or account: what they agree
// on is kept, what they disagree on becomes "" (known to be shared).
func merge(old, p placement) placement {
	if old == (placement{}) {
		return p
	}
	const shared = "\x00"
	if old.team != p.team {
		old.team = shared
	}
	if old.service != p.service {
		old.service = shared
	}
	if old.env != p.env {
		old.env = shared
	}
	return old
}

func (p placement) get() (team, service, env string) {
	clean := func(s string) string {
		if s == "\x00" {
			return ""
		}
		return s
	}
	return clean(p.team), clean(p.service), clean(p.env)
}

// Version is the catalog version the index was built from.
func (ix *Index) Version() int64 { return ix.version }

// TeamExists reports whether name is a team in the catalog.
func (ix *Index) TeamExists(name string) bool { return ix.teams[name] }

// ServiceTeam returns the team owning service, or "".
func (ix *Index) ServiceTeam(service string) string { return ix.serviceTeam[service] }

// CanonicalTeam normalises a raw team value and applies aliases; it
// returns "" when the result is not a team in the catalog.
func (ix *Index) CanonicalTeam(raw string) string {
	v := canonical(raw, ix.teamAlias)
	if ix.teams[v] {
		return v
	}
	return ""
}

// ResolveObject finds the owner of a Kubernetes object from its labels,
// then its namespace. A service named by label or namespace decides the
// team, since the catalog is the source of truth for who owns a service.
func (ix *Index) ResolveObject(labels map[string]string, namespace string) Owner {
	o := ix.fromKeys(labels, false)
	if o.Team == "" || o.Environment == "" {
		if p, ok := ix.namespaces[namespace]; ok {
			ix.fill(&o, p)
		}
	}
	return ix.finish(o)
}

// ResolveCloud finds the owner of a cloud charge or resource from its tags,
// then its account (AWS account, Azure subscription, GCP project).
func (ix *Index) ResolveCloud(tags map[string]string, account string) Owner {
	o := ix.fromKeys(tags, true)
	if o.Team == "" || o.Environment == "" {
		if p, ok := ix.accounts[account]; ok {
			ix.fill(&o, p)
		}
	}
	return ix.finish(o)
}

// ResolveRepository finds the service built from a repository URL in any
// of its spellings (https, ssh, with .git or browsing suffixes).
func (ix *Index) ResolveRepository(url string) Owner {
	if svc, ok := ix.repos[NormalizeRepository(url)]; ok {
		return Owner{Team: ix.serviceTeam[svc], Service: svc, Via: "repository"}
	}
	return Owner{Team: Unowned}
}

// fromKeys reads team, service and environment from labels or tags.
func (ix *Index) fromKeys(m map[string]string, tags bool) Owner {
	var o Owner
	if len(m) == 0 {
		return o
	}
	canon := canonicalKeys(m)
	if v, key := lookup(m, ix.serviceKeys, canon); key != nil {
		if svc := canonical(v, ix.serviceAlias); ix.serviceTeam[svc] != "" {
			o.Service, o.Team, o.Via = svc, ix.serviceTeam[svc], key.via(tags)
		}
	}
	if o.Team == "" {
		if v, key := lookup(m, ix.teamKeys, canon); key != nil {
			if team := canonical(v, ix.teamAlias); ix.teams[team] {
				o.Team, o.Via = team, key.via(tags)
			}
		}
	}
	if v, key := lookup(m, ix.envKeys, canon); key != nil {
		if env := canonical(v, ix.envAlias); ix.envs[env] {
			o.Environment = env
		}
	}
	return o
}

// fill completes o from a namespace or account placement without
// overriding what labels or tags already decided.
func (ix *Index) fill(o *Owner, p placement) {
	team, service, env := p.get()
	if o.Team == "" && team != "" {
		o.Team, o.Service, o.Via = team, service, p.via
	}
	if o.Environment == "" && (o.Team == team || team == "") {
		o.Environment = env
	}
}

func (ix *Index) finish(o Owner) Owner {
	if o.Team == "" {
		return Owner{Team: Unowned, Environment: o.Environment}
	}
	return o
}

// lookup returns the value of the first of keys present in m, matching
// keys case-insensitively and ignoring stray spaces around them. Exact
// matches are tried first because they are the common case and cost no
// scan; the scan runs only when m has a key that is not already lower-case
// and trimmed (canonical says whether it does).
func lookup(m map[string]string, keys []ownKey, canonical bool) (string, *ownKey) {
	for i := range keys {
		k := keys[i].name
		if v, ok := m[k]; ok && strings.TrimSpace(v) != "" {
			return v, &keys[i]
		}
		if canonical {
			continue
		}
		for mk, v := range m {
			if len(mk) >= len(k) && strings.EqualFold(strings.TrimSpace(mk), k) && strings.TrimSpace(v) != "" {
				return v, &keys[i]
			}
		}
	}
	return "", nil
}

// ownKey is a configured ownership key with its Owner.Via strings built
// once, so that resolution does not allocate them per call.
type ownKey struct {
	name, label, tag string
}

func (k *ownKey) via(tags bool) string {
	if tags {
		return k.tag
	}
	return k.label
}

func ownKeys(keys []string) []ownKey {
	out := make([]ownKey, len(keys))
	for i, k := range keys {
		k = strings.ToLower(strings.TrimSpace(k))
		out[i] = ownKey{name: k, label: "label:" + k, tag: "tag:" + k}
	}
	return out
}

// canonicalKeys reports whether every key of m is lower-case without
// surrounding spaces, as Kubernetes label keys nearly always are.
func canonicalKeys(m map[string]string) bool {
	for k := range m {
		if k == "" || k[0] == ' ' || k[len(k)-1] == ' ' {
			return false
		}
		for i := 0; i < len(k); i++ {
			if c := k[i]; c >= 'A' && c <= 'Z' || c == '\t' {
				return false
			}
		}
	}
	return true
}

func canonical(raw string, aliases map[string]string) string {
	v := slug.Normalize(raw)
	if a, ok := aliases[v]; ok {
		return a
	}
	return v
}

func normalizeKeys(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[slug.Normalize(k)] = v
	}
	return out
}
