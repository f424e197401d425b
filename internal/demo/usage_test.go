package demo

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
	"github.com/paved-dev/paved/internal/usage"
)

func TestDemoUsageEvents(t *testing.T) {
	snap := demoCatalog(t, storetest.SQLite(t)).Current()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	a, b := demoUsageEvents(snap, now), demoUsageEvents(snap, now)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two draws at the same now differ")
	}
	// Modest, so that serve --demo is quick.
	if len(a) < 2000 || len(a) > 8000 {
		t.Errorf("%d events", len(a))
	}
	first := now.AddDate(0, 0, -7*usageWeeks)
	for _, ev := range a {
		at, err := time.Parse(time.RFC3339, ev.Time)
		if err != nil || at.After(now) || at.Before(first) {
			t.Fatalf("event %+v is outside the year before now", ev)
		}
		if ev.Feature == "environments.preview" && at.After(now.AddDate(0, 0, -7*29)) {
			t.Fatalf("preview environments used %v, after they were dropped", at)
		}
	}
}

func TestLoadUsage(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := demoCatalog(t, db)
		svc, err := usage.NewService(config.Default(), c, db, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer svc.Close(ctx)
		// The summary reads the real clock.
		now := time.Now()
		start, cpu := time.Now(), cpuTime()
		if err := LoadUsage(ctx, svc, c, now); err != nil {
			t.Fatal(err)
		}
		t.Logf("LoadUsage took %v (%v of CPU)", time.Since(start), cpuTime()-cpu)
		sum, err := svc.Summary(ctx, usage.DefaultWeeks)
		if err != nil {
			t.Fatal(err)
		}
		// Loading again counts nothing twice.
		if err := LoadUsage(ctx, svc, c, now); err != nil {
			t.Fatal(err)
		}
		again, err := svc.Summary(ctx, usage.DefaultWeeks)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(sum.Platform, again.Platform) {
			t.Errorf("a second load changed the summary:\n%+v\n%+v", sum.Platform, again.Platform)
		}

		used := map[string]usage.FeatureUsage{}
		for _, f := range sum.Features {
			used[f.Feature] = f
		}
		for _, f := range []string{"catalog.search", "golden-path.create", "techdocs.view", "costs.view", "scorecards.view"} {
			if used[f].Events == 0 || used[f].Users == 0 {
				t.Errorf("%s was not used in the last %d weeks: %+v", f, usage.DefaultWeeks, used[f])
			}
		}
		if a := used["catalog.search"].Adoption; a != 1 {
			t.Errorf("catalog search adoption %.2f, want every team", a)
		}
		if a := used["scorecards.view"].Adoption; a < 0.3 || a > 0.7 {
			t.Errorf("scorecards adoption %.2f, want the newest feature part-way", a)
		}
		var preview *usage.UnusedFeature
		for i, f := range sum.Unused {
			if f.Feature == "environments.preview" {
				preview = &sum.Unused[i]
			}
		}
		if preview == nil || preview.LastUsed == nil || preview.LastUsed.After(now.AddDate(0, 0, -7*29)) {
			t.Errorf("preview environments should be listed as unused since they were dropped: %+v", preview)
		}

		// Adoption grows: more teams a week use the golden path now than
		// in the quarter after it launched.
		year, err := svc.Summary(ctx, usageWeeks)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range year.Features {
			if f.Feature != "golden-path.create" && f.Feature != "costs.view" {
				continue
			}
			early, late := mean(f.WeeklyActiveTeams, 0, 26), mean(f.WeeklyActiveTeams, usageWeeks-13, usageWeeks)
			if late < early+2 {
				t.Errorf("%s: %.1f teams a week in the first half, %.1f in the last quarter; want growth", f.Feature, early, late)
			}
		}
		// Actors are stored hashed.
		var raw int
		if err := db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM usage_events WHERE actor LIKE '%@%'`).Scan(&raw); err != nil || raw != 0 {
			t.Errorf("%d events keep a raw actor (%v)", raw, err)
		}
	})
}

func mean(v []int, from, to int) float64 {
	sum := 0
	for _, x := range v[from:to] {
		sum += x
	}
	return float64(sum) / float64(to-from)
}
