package demo

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/usage"
)

// The demo's platform usage: a year of weekly use of the internal
// developer portal's features by the demo teams' engineers, posted to
// usage ingest as the portal's backend would post them (batches of
// POST /api/v1/usage bodies, parsed and ingested by the usage package's
// own functions, actors hashed there). Each feature launches on its
// week and teams take it up one after another, so adoption grows over
// the year; preview environments were tried by two teams last winter and
// dropped, so the summary lists them as unused.

// demoFeature is one portal feature and how it is taken up.
type demoFeature struct {
	name, action string
	// launched is how many weeks before now the feature shipped; ended,
	// when set, is when its last user stopped.
	launched, ended int
	// teams is the share of teams that ever take it up, spread over
	// uptake weeks after launch.
	teams  float64
	uptake int
	// users is the share of a team's engineers who use it in a week
	// once the team has taken it up; perUser their events in that week.
	users, perUser float64
	// only limits it to these teams.
	only []string
}

var demoFeatures = []demoFeature{
	{name: "catalog.search", action: "search", launched: 52, teams: 1, uptake: 20, users: 0.35, perUser: 1.5},
	{name: "golden-path.create", action: "create", launched: 46, teams: 0.8, uptake: 36, users: 0.08, perUser: 1},
	{name: "techdocs.view", action: "view", launched: 40, teams: 0.9, uptake: 24, users: 0.25, perUser: 1.2},
	{name: "costs.view", action: "view", launched: 26, teams: 0.9, uptake: 18, users: 0.15, perUser: 1.5},
	{name: "scorecards.view", action: "view", launched: 18, teams: 0.6, uptake: 14, users: 0.12, perUser: 1.2},
	{name: "environments.preview", action: "create", launched: 42, ended: 30, users: 0.2, perUser: 1.5,
		only: []string{"catalog", "growth"}},
}

// usageWeeks is how far back the usage goes.
const usageWeeks = 52

// usageBatch is how many events one ingest call carries (the API's
// limit, usage.MaxBatch).
const usageBatch = usage.MaxBatch

// demoUsageEvents draws the year of events up to now, oldest first.
func demoUsageEvents(snap *catalog.Snapshot, now time.Time) []usage.EventInput {
	now = now.UTC()
	var teams []string
	people := map[string][]string{}
	for _, t := range snap.Teams {
		teams = append(teams, t.Name)
		people[t.Name] = engineers(t)
	}
	sort.Strings(teams)
	thisWeek := usage.WeekStart(now)
	var out []usage.EventInput
	for fi, f := range demoFeatures {
		r := rand.New(rand.NewPCG(Seed, uint64(300+fi)))
		// The week each team takes the feature up, weeks before now; 0 is
		// never.
		adopt := map[string]int{}
		order := r.Perm(len(teams))
		takers := int(math.Round(f.teams * float64(len(teams))))
		for rank, i := range order {
			team := teams[i]
			switch {
			case len(f.only) > 0:
				for _, o := range f.only {
					if o == team {
						adopt[team] = f.launched - r.IntN(3)
					}
				}
			case rank < takers:
				adopt[team] = f.launched - 1 - rank*f.uptake/max(takers, 1) - r.IntN(3)
			}
		}
		for back := usageWeeks - 1; back >= 0; back-- {
			week := thisWeek.AddDate(0, 0, -7*back)
			for _, team := range teams {
				since := adopt[team] - back // weeks the team has used it
				if adopt[team] <= 0 || since < 0 || (f.ended > 0 && back < f.ended) {
					continue
				}
				// Use ramps up over the weeks after a team takes it up.
				ramp := math.Min(1, 0.3+0.1*float64(since))
				pool := people[team]
				active := poisson(r, f.users*ramp*float64(len(pool)))
				for _, u := range r.Perm(len(pool))[:min(active, len(pool))] {
					for n := max(poisson(r, f.perUser), 1); n > 0; n-- {
						at := week.Add(time.Duration(r.IntN(5))*24*time.Hour + 8*time.Hour + time.Duration(r.Int64N(int64(10*time.Hour))))
						if at.After(now) {
							continue
						}
						out = append(out, usage.EventInput{ID: usageEventID(f.name, pool[u], at), Feature: f.name, Action: f.action,
							Team: team, Actor: pool[u] + "@example.com", Time: at.Format(time.RFC3339)})
					}
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time < out[j].Time })
	return out
}

// engineers names a team's engineers: its catalog members, then as many
// more as its headcount says.
func engineers(t catalog.Team) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range t.Members {
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	for i := 1; len(out) < headcount(t.Name); i++ {
		out = append(out, fmt.Sprintf("dev%d.%s", i, t.Name))
	}
	return out
}

// usageEventID makes an event's id, so that loading twice counts once.
func usageEventID(feature, who string, at time.Time) string {
	sum := sha1.Sum([]byte(feature + "|" + who + "|" + at.Format(time.RFC3339)))
	return "demo-" + hex.EncodeToString(sum[:12])
}

// LoadUsage posts the demo's year of portal usage up to now to svc, in
// batches as the portal would send them.
func LoadUsage(ctx context.Context, svc *usage.Service, cat *catalog.Catalog, now time.Time) error {
	events := demoUsageEvents(cat.Current(), now)
	for start := 0; start < len(events); start += usageBatch {
		body, err := json.Marshal(usage.Batch{Events: events[start:min(start+usageBatch, len(events))]})
		if err != nil {
			return err
		}
		parsed, err := usage.ParseEvents(body, now)
		if err != nil {
			return fmt.Errorf("demo usage: %w", err)
		}
		if _, err := svc.Ingest(ctx, parsed); err != nil {
			return fmt.Errorf("demo usage: %w", err)
		}
	}
	return nil
}
