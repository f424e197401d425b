package dora

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/store"
)

// Query asks for one scope's report: the organisation when Team and
// Service are empty, else the team, else the service. A service's report
// counts all of its deliveries, whichever team they were stored under;
// Team then only names its owner.
type Query struct {
	Team    string
	Service string
	Window  Window
}

// Compute reads the deliveries q covers from db and reports on its scope.
// It does not check names against the catalog (Service.Report does): an
// unknown name is a report with no data.
func Compute(ctx context.Context, db *store.DB, q Query) (Report, error) {
	f := filter{team: q.Team, unowned: q.Team == catalog.Unowned}
	if q.Service != "" {
		f = filter{service: q.Service}
	}
	facts, err := load(ctx, db, q.Window, f)
	if err != nil {
		return Report{}, err
	}
	var spec scopeSpec
	switch {
	case q.Service != "":
		spec = scopeSpec{scope: Scope{Kind: ServiceScope, Name: q.Service, Team: q.Team}}
	case q.Team != "":
		spec = scopeSpec{scope: Scope{Kind: TeamScope, Name: q.Team}}
	default:
		spec = scopeSpec{scope: Scope{Kind: Organisation}}
	}
	// The filter already narrowed the facts to the scope.
	for i := range facts.units {
		spec.units = append(spec.units, int32(i))
		if spec.scope.Kind == ServiceScope && spec.scope.Team == "" {
			spec.scope.Team = teamName(facts.units[i].team)
		}
	}
	return compute(facts, q.Window, []scopeSpec{spec})[0], nil
}

// ComputeBreakdown reports on the organisation and on every team and
// service with deliveries in w, from one read of the store. teams and services
// (service → team), typically the catalog's, are listed too when they have
// no deliveries, with no data.
func ComputeBreakdown(ctx context.Context, db *store.DB, w Window, teams []string, services map[string]string) (Breakdown, error) {
	facts, err := load(ctx, db, w, filter{})
	if err != nil {
		return Breakdown{}, err
	}
	return breakdown(facts, w, teams, services), nil
}

func breakdown(f *facts, w Window, teams []string, services map[string]string) Breakdown {
	byTeam := map[string][]int32{}
	byService := map[string][]int32{}
	serviceTeam := map[string]string{}
	for _, t := range teams {
		byTeam[t] = nil
	}
	for s, t := range services {
		byService[s], serviceTeam[s] = nil, t
	}
	all := make([]int32, len(f.units))
	for i, u := range f.units {
		all[i] = int32(i)
		t := teamName(u.team)
		byTeam[t] = append(byTeam[t], int32(i))
		if u.service != "" {
			byService[u.service] = append(byService[u.service], int32(i))
			if _, ok := serviceTeam[u.service]; !ok {
				serviceTeam[u.service] = t
			}
		}
	}
	specs := []scopeSpec{{scope: Scope{Kind: Organisation}, units: all}}
	for _, t := range sortedKeys(byTeam) {
		specs = append(specs, scopeSpec{scope: Scope{Kind: TeamScope, Name: t}, units: byTeam[t]})
	}
	nTeams := len(byTeam)
	for _, s := range sortedKeys(byService) {
		specs = append(specs, scopeSpec{scope: Scope{Kind: ServiceScope, Name: s, Team: serviceTeam[s]}, units: byService[s]})
	}
	reports := compute(f, w, specs)
	return Breakdown{
		Window: w.info(), BandSource: BandSource,
		Organisation: reports[0],
		Teams:        reports[1 : 1+nTeams],
		Services:     reports[1+nTeams:],
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Service is DORA on one store, with team and service names checked
// against the catalog.
type Service struct {
	db  *store.DB
	cat *catalog.Catalog
	now func() time.Time

	// breakdowns are recent organisation-wide breakdowns by window and
	// catalog version: a large organisation's takes a second or so, and
	// the Delivery page asks for the same window again and again.
	mu         sync.Mutex
	breakdowns map[breakdownKey]cachedBreakdown
}

type breakdownKey struct {
	w       Window
	catalog int64
}

type cachedBreakdown struct {
	at time.Time
	b  Breakdown
}

// breakdownTTL is how long a breakdown is served from memory: DORA's
// metrics move by the day, not by the second.
const breakdownTTL = 30 * time.Second

// maxBreakdowns bounds the breakdowns kept (windows differ per page view
// only when someone picks dates).
const maxBreakdowns = 16

// NewService returns the DORA service on db and cat.
func NewService(db *store.DB, cat *catalog.Catalog) *Service {
	return &Service{db: db, cat: cat, now: time.Now, breakdowns: map[breakdownKey]cachedBreakdown{}}
}

// Report checks q's names against the catalog and computes its report.
// An unknown team or service is an *api.Error naming the known ones.
func (s *Service) Report(ctx context.Context, q Query) (Report, error) {
	snap := s.cat.Current()
	if q.Team != "" && q.Team != catalog.Unowned && !hasTeam(snap, q.Team) {
		return Report{}, api.Invalid("team", "team %q is not in the catalog; %s", q.Team, known(teamNames(snap), "teams", "paved team list"))
	}
	if q.Service != "" {
		owner, ok := serviceTeam(snap, q.Service)
		if !ok {
			return Report{}, api.Invalid("service", "service %q is not in the catalog; %s", q.Service, known(serviceNames(snap, q.Team), "services", "paved service list"))
		}
		if q.Team != "" && owner != q.Team {
			return Report{}, api.Invalid("service", "service %q belongs to team %q, not %q; drop --team or name one of %s's services", q.Service, owner, q.Team, q.Team)
		}
		q.Team = owner
	}
	return Compute(ctx, s.db, q)
}

// Breakdown reports on the organisation and on every team and service in
// the catalog or in the deliveries of w. The same window is computed at
// most once per breakdownTTL (and catalog change); the result is shared,
// so callers must not modify it.
func (s *Service) Breakdown(ctx context.Context, w Window) (Breakdown, error) {
	key := breakdownKey{w: w, catalog: s.cat.Index().Version()}
	now := s.now()
	s.mu.Lock()
	c, ok := s.breakdowns[key]
	s.mu.Unlock()
	if ok && now.Sub(c.at) < breakdownTTL {
		return c.b, nil
	}
	snap := s.cat.Current()
	services := make(map[string]string, len(snap.Services))
	for _, sv := range snap.Services {
		services[sv.Name] = sv.Team
	}
	b, err := ComputeBreakdown(ctx, s.db, w, teamNames(snap), services)
	if err != nil {
		return b, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.breakdowns {
		if now.Sub(v.at) >= breakdownTTL || len(s.breakdowns) >= maxBreakdowns {
			delete(s.breakdowns, k)
		}
	}
	s.breakdowns[key] = cachedBreakdown{at: now, b: b}
	return b, nil
}

// Window parses a window as the CLI and the API take it (see ParseWindow).
func (s *Service) Window(from, to string) (Window, error) { return ParseWindow(from, to, s.now()) }

func hasTeam(snap *catalog.Snapshot, name string) bool {
	for _, t := range snap.Teams {
		if t.Name == name {
			return true
		}
	}
	return false
}

func serviceTeam(snap *catalog.Snapshot, name string) (string, bool) {
	for _, sv := range snap.Services {
		if sv.Name == name {
			return sv.Team, true
		}
	}
	return "", false
}

func teamNames(snap *catalog.Snapshot) []string {
	names := make([]string, 0, len(snap.Teams))
	for _, t := range snap.Teams {
		names = append(names, t.Name)
	}
	sort.Strings(names)
	return names
}

// serviceNames lists the catalog's services, only team's when it is set.
func serviceNames(snap *catalog.Snapshot, team string) []string {
	var names []string
	for _, sv := range snap.Services {
		if team == "" || sv.Team == team {
			names = append(names, sv.Name)
		}
	}
	sort.Strings(names)
	return names
}

// maxListed bounds how many names an error lists before pointing at the
// command that lists them all.
const maxListed = 20

// known phrases the valid names for an error message.
func known(names []string, what, command string) string {
	switch {
	case len(names) == 0:
		return fmt.Sprintf("the catalog has no %s yet (paved catalog import adds them)", what)
	case len(names) <= maxListed:
		return fmt.Sprintf("known %s: %s", what, strings.Join(names, ", "))
	}
	return fmt.Sprintf("known %s include %s and %d more (%s lists them)", what, strings.Join(names[:maxListed], ", "), len(names)-maxListed, command)
}
