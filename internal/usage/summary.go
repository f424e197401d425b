package usage

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/store"
)

// Summary windows, in weeks.
const (
	DefaultWeeks = 12
	MaxWeeks     = 104
)

// Summary is feature usage over the last weeks: weekly active teams and
// users per feature and for the platform as a whole, each feature's
// adoption across the catalog's teams, and the features nobody used.
type Summary struct {
	// Weeks are the Mondays (UTC) the weeks start on, oldest first; the
	// last is the current week, still running.
	Weeks []string `json:"weeks" doc:"the Monday (UTC, YYYY-MM-DD) of each week, oldest first; the last is the current week, still running"`
	// From is the first day of the window and Through the last (today).
	From    string `json:"from"`
	Through string `json:"through"`
	// CatalogTeams is how many teams the catalog has: adoption's
	// denominator.
	CatalogTeams int `json:"catalog_teams"`
	// Platform is the use of any feature.
	Platform Activity `json:"platform"`
	// Features are the features used in the window, the most widely
	// adopted first.
	Features []FeatureUsage `json:"features"`
	// Unused are the features paved knows of (its pages and commands,
	// usage.features in paved.yaml, features used before) that nobody
	// used in the window.
	Unused []UnusedFeature `json:"unused"`
}

// Activity is how much a feature (or the platform) was used in a window.
type Activity struct {
	// WeeklyActiveTeams, WeeklyActiveUsers and WeeklyEvents have one
	// value per week of Summary.Weeks.
	WeeklyActiveTeams []int   `json:"weekly_active_teams" doc:"teams with at least one event, per week"`
	WeeklyActiveUsers []int   `json:"weekly_active_users" doc:"distinct actors, per week"`
	WeeklyEvents      []int64 `json:"weekly_events" doc:"events, per week"`
	Events            int64   `json:"events" doc:"events in the window"`
	Teams             int     `json:"teams" doc:"distinct teams in the window, catalog or not"`
	Users             int     `json:"users" doc:"distinct actors in the window"`
	AdoptedTeams      int     `json:"adopted_teams" doc:"catalog teams that used it in the window"`
	Adoption          float64 `json:"adoption" doc:"adopted_teams / catalog_teams, 0 to 1 (0 with no teams)"`
}

// FeatureUsage is one feature's use in the window.
type FeatureUsage struct {
	Feature string `json:"feature"`
	Source  string `json:"source" doc:"where paved knows the feature from: ui, cli, config or events"`
	Activity
	// LastUsed is the latest event's time, in the window or after.
	LastUsed time.Time `json:"last_used"`
}

// UnusedFeature is a known feature nobody used in the window.
type UnusedFeature struct {
	Feature string `json:"feature"`
	Source  string `json:"source" doc:"ui, cli, config or events (used before the window)"`
	// LastUsed is when it was last used, before the window; nil for never.
	LastUsed *time.Time `json:"last_used,omitempty"`
}

// CheckWeeks validates a summary window.
func CheckWeeks(weeks int) error {
	if weeks < 1 || weeks > MaxWeeks {
		return api.Invalid("weeks", "%d is out of range; use 1 to %d", weeks, MaxWeeks)
	}
	return nil
}

// Summary computes the usage of the last weeks weeks, the current one
// included. It reads only rollups kept counted as events arrive, so its
// cost grows with weeks × features and with features × (teams + users),
// not with events.
func (s *Service) Summary(ctx context.Context, weeks int) (Summary, error) {
	if err := CheckWeeks(weeks); err != nil {
		return Summary{}, err
	}
	now := s.now().UTC()
	cur := WeekStart(now)
	sum := Summary{From: cur.AddDate(0, 0, -7*(weeks-1)).Format(time.DateOnly), Through: now.Format(time.DateOnly)}
	index := make(map[string]int, weeks)
	for i := range weeks {
		w := cur.AddDate(0, 0, -7*(weeks-1-i)).Format(time.DateOnly)
		sum.Weeks = append(sum.Weeks, w)
		index[w] = i
	}
	first, last := sum.Weeks[0], sum.Weeks[weeks-1]

	weekly, err := s.store.weekly(ctx, first, last)
	if err != nil {
		return sum, fmt.Errorf("reading weekly usage: %w", err)
	}
	teams, err := s.store.featureTeams(ctx, first)
	if err != nil {
		return sum, fmt.Errorf("reading feature adoption: %w", err)
	}
	users, err := s.store.featureActors(ctx, first)
	if err != nil {
		return sum, fmt.Errorf("reading feature users: %w", err)
	}
	seen, err := s.store.seen(ctx)
	if err != nil {
		return sum, fmt.Errorf("reading the features used: %w", err)
	}

	catalogTeams := map[string]bool{}
	if s.cat != nil {
		for _, t := range s.cat.Current().Teams {
			catalogTeams[t.Name] = true
		}
	}
	sum.CatalogTeams = len(catalogTeams)

	// Feature "" is the platform as a whole.
	act := map[string]*Activity{}
	activity := func(f string) *Activity {
		a, ok := act[f]
		if !ok {
			a = &Activity{WeeklyActiveTeams: make([]int, weeks), WeeklyActiveUsers: make([]int, weeks), WeeklyEvents: make([]int64, weeks)}
			act[f] = a
		}
		return a
	}
	activity("")
	for k, c := range weekly {
		a, i := activity(k.feature), index[k.week]
		a.WeeklyActiveTeams[i], a.WeeklyActiveUsers[i], a.WeeklyEvents[i] = int(c.teams), int(c.users), c.events
		a.Events += c.events
	}
	for f, a := range act {
		a.Users = users[f]
		a.Teams = len(teams[f])
		for _, t := range teams[f] {
			if catalogTeams[t] {
				a.AdoptedTeams++
			}
		}
		if sum.CatalogTeams > 0 {
			a.Adoption = float64(a.AdoptedTeams) / float64(sum.CatalogTeams)
		}
	}
	sum.Platform = *act[""]

	known := s.knownFeatures()
	source := func(f string) string {
		if src, ok := known[f]; ok {
			return src
		}
		return SourceEvents
	}
	for f, a := range act {
		if f == "" {
			continue
		}
		sum.Features = append(sum.Features, FeatureUsage{Feature: f, Source: source(f), Activity: *a, LastUsed: store.Time(seen[f].last)})
	}
	slices.SortFunc(sum.Features, func(a, b FeatureUsage) int {
		return cmp.Or(cmp.Compare(b.AdoptedTeams, a.AdoptedTeams), cmp.Compare(b.Teams, a.Teams), cmp.Compare(b.Users, a.Users),
			cmp.Compare(b.Events, a.Events), strings.Compare(a.Feature, b.Feature))
	})

	for f := range seen {
		if _, ok := known[f]; !ok {
			known[f] = SourceEvents
		}
	}
	sum.Unused = []UnusedFeature{}
	for f, src := range known {
		if _, used := act[f]; used {
			continue
		}
		u := UnusedFeature{Feature: f, Source: src}
		if sp, ok := seen[f]; ok {
			t := store.Time(sp.last)
			u.LastUsed = &t
		}
		sum.Unused = append(sum.Unused, u)
	}
	// Those used once and since abandoned first, longest ago first; then
	// the ones never used, by name.
	slices.SortFunc(sum.Unused, func(a, b UnusedFeature) int {
		switch {
		case a.LastUsed != nil && b.LastUsed != nil:
			return cmp.Or(a.LastUsed.Compare(*b.LastUsed), strings.Compare(a.Feature, b.Feature))
		case a.LastUsed != nil:
			return -1
		case b.LastUsed != nil:
			return 1
		}
		return strings.Compare(a.Feature, b.Feature)
	})
	if sum.Features == nil {
		sum.Features = []FeatureUsage{}
	}
	return sum, nil
}
