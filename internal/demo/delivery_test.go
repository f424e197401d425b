package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"syscall"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/delivery"
	"github.com/paved-dev/paved/internal/delivery/dora"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
)

// deliveryNow is a Wednesday afternoon before the real clock (ingest
// refuses deployments from the future).
var deliveryNow = time.Date(2026, 10, 14, 16, 20, 0, 0, time.UTC)

// demoCatalog loads the demo catalog into db.
func demoCatalog(t testing.TB, db *store.DB) *catalog.Catalog {
	t.Helper()
	ctx := context.Background()
	c, err := catalog.New(ctx, db, config.Default().Ownership)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(ctx, c); err != nil {
		t.Fatal(err)
	}
	return c
}

// loadDemoDelivery loads the demo catalog and its delivery history at now.
func loadDemoDelivery(t testing.TB, db *store.DB, now time.Time) (*delivery.Service, *catalog.Catalog) {
	t.Helper()
	c := demoCatalog(t, db)
	cfg := DeliveryConfig(config.Default())
	svc := delivery.NewService(cfg, c, db)
	t.Cleanup(svc.Close)
	start, cpu := time.Now(), cpuTime()
	if err := LoadDelivery(context.Background(), svc, cfg, c, now); err != nil {
		t.Fatal(err)
	}
	t.Logf("LoadDelivery took %v (%v of CPU)", time.Since(start), cpuTime()-cpu)
	return svc, c
}

// cpuTime is the process's CPU time so far, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// window is the days days up to and including now's day, as the DORA
// pages ask for them.
func window(t testing.TB, now time.Time, days int) dora.Window {
	t.Helper()
	to := now.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	w, err := dora.NewWindow(to.AddDate(0, 0, -days), to)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// wantBands are the DORA bands the demo plants, per team, on every
// banded metric.
var wantBands = map[string]dora.Band{
	"web-platform": dora.Elite,
	"payments":     dora.High, "identity": dora.High, "search": dora.High, "growth": dora.High,
	"platform": dora.High, "sre": dora.High, "security": dora.High,
	"catalog": dora.Medium, "data-platform": dora.Medium, "mobile": dora.Medium,
	"fulfilment": dora.Low,
}

// checkBands asserts every team's four banded metrics over the last 90
// days and the last year.
func checkBands(t *testing.T, db *store.DB, c *catalog.Catalog, now time.Time) {
	t.Helper()
	ds := dora.NewService(db, c)
	for _, days := range []int{90, 365} {
		for team, want := range wantBands {
			r, err := ds.Report(context.Background(), dora.Query{Team: team, Window: window(t, now, days)})
			if err != nil {
				t.Fatal(err)
			}
			m := r.Metrics
			got := map[string]dora.Band{
				"deployment frequency": m.DeploymentFrequency.Band, "lead time": m.LeadTime.Band,
				"change failure rate": m.ChangeFailureRate.Band, "recovery time": m.RecoveryTime.Band,
			}
			for metric, band := range got {
				if band != want {
					t.Errorf("now %s, %d days: %s's %s is %s, want %s (%+v)", now.Format(time.DateOnly), days, team, metric, band, want, m)
				}
			}
		}
	}
}

func TestDeliveryBands(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		_, c := loadDemoDelivery(t, db, deliveryNow)
		checkBands(t, db, c, deliveryNow)
	})
}

// TestDeliveryBandsAnyDay: the bands hold whatever day of the week the
// demo starts on (weekends move releases).
func TestDeliveryBandsAnyDay(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the history three more times")
	}
	for _, now := range []time.Time{
		time.Date(2026, 10, 18, 23, 5, 0, 0, time.UTC), // Sunday night
		time.Date(2026, 10, 19, 7, 45, 0, 0, time.UTC), // Monday morning
		time.Date(2026, 5, 2, 12, 0, 0, 0, time.UTC),   // a Saturday in spring
	} {
		t.Run(now.Weekday().String(), func(t *testing.T) {
			db := storetest.SQLite(t)
			_, c := loadDemoDelivery(t, db, now)
			checkBands(t, db, c, now)
		})
	}
}

// TestDeliveryIsDeterministic: two loads at the same now give the same
// DORA breakdown, on either engine.
func TestDeliveryIsDeterministic(t *testing.T) {
	breakdown := func(t *testing.T, db *store.DB) []byte {
		_, c := loadDemoDelivery(t, db, deliveryNow)
		var out bytes.Buffer
		for _, days := range []int{90, 365} {
			b, err := dora.NewService(db, c).Breakdown(context.Background(), window(t, deliveryNow, days))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.NewEncoder(&out).Encode(b); err != nil {
				t.Fatal(err)
			}
		}
		return out.Bytes()
	}
	first := breakdown(t, storetest.SQLite(t))
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		if again := breakdown(t, db); !bytes.Equal(first, again) {
			t.Fatalf("two loads at the same now differ:\n%s\n%s", first, again)
		}
	})
}

func TestDeliveryPlanIsDeterministic(t *testing.T) {
	snap := demoCatalog(t, storetest.SQLite(t)).Current()
	a, b := newDeliveryPlan(snap, deliveryNow), newDeliveryPlan(snap, deliveryNow.Add(time.Minute))
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two plans a minute apart differ")
	}
	deploys, prod, weekend := 0, 0, 0
	for _, s := range a.services {
		for i, m := range s.messages {
			if i > 0 && m.at.Before(s.messages[i-1].at) {
				t.Fatalf("%s: message %d at %v is before the one before it", s.repository, i, m.at)
			}
			if m.at.After(deliveryNow) {
				t.Fatalf("%s: message at %v is after now", s.repository, m.at)
			}
			if m.deploy == nil {
				continue
			}
			deploys++
			if m.deploy.environment == "production" {
				prod++
				if wd := m.at.Weekday(); wd == time.Saturday || wd == time.Sunday {
					weekend++
				}
			}
		}
	}
	// Modest, so that serve --demo is quick: a few thousand deployments.
	if deploys < 1000 || deploys > 2500 {
		t.Errorf("the plan has %d deployments", deploys)
	}
	if weekend == 0 || weekend*25 > prod {
		t.Errorf("%d of %d production deployments are at weekends; want a few", weekend, prod)
	}
}

// TestDeliveryStory checks what the history is meant to show, as the
// delivery API lists it.
func TestDeliveryStory(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc, _ := loadDemoDelivery(t, db, deliveryNow)
		all := delivery.Filter{Limit: delivery.MaxLimit}
		deps, err := svc.Deployments(ctx, all)
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, d := range deps {
			count["source "+d.Source]++
			count["environment "+d.Environment]++
			switch {
			case d.Rollback:
				count["rollback"]++
			case d.Fixes != "":
				count["fix"]++
			case d.Status == delivery.StatusFailure:
				count["failed"]++
			}
			if d.Changes > 1 {
				count["multi-change"]++
			}
			if d.Team == "" {
				count["unowned"]++
			}
		}
		for _, what := range []string{"source github", "source cdevents", "source cli", "environment staging", "environment prod",
			"rollback", "fix", "failed", "multi-change", "unowned"} {
			if count[what] == 0 {
				t.Errorf("no deployments with %s: %v", what, count)
			}
		}

		changes, err := svc.Changes(ctx, all)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, c := range changes {
			kinds[c.Kind]++
			if c.Kind == delivery.KindPullRequest && !c.FirstCommitAt.Before(c.MergedAt) {
				t.Errorf("pull request %s: first commit %v is not before its merge %v", c.ID, c.FirstCommitAt, c.MergedAt)
			}
		}
		if kinds[delivery.KindPullRequest] < 100 || kinds[delivery.KindCommit] < 100 {
			t.Errorf("changes by kind: %v", kinds)
		}

		incidents, err := svc.Incidents(ctx, all)
		if err != nil {
			t.Fatal(err)
		}
		links := map[string]int{}
		for _, in := range incidents {
			links[in.Link]++
			if in.Link == "" && in.Team != "fulfilment" {
				t.Errorf("unplanned unlinked incident %+v", in)
			}
		}
		if links[delivery.LinkExplicit] < 5 || links[delivery.LinkWindow] < 5 || links[""] != 1 {
			t.Errorf("incidents by link: %v, want several explicit and by window, one unlinked", links)
		}

		unowned, err := svc.Unowned(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(unowned) != 1 || unowned[0].Repository != unownedRepository {
			t.Errorf("unowned = %+v, want the ML sandbox alone", unowned)
		}
	})
}

func BenchmarkDeliveryPlan(b *testing.B) {
	snap := demoCatalog(b, storetest.SQLite(b)).Current()
	for b.Loop() {
		newDeliveryPlan(snap, deliveryNow)
	}
}

// BenchmarkLoadDelivery measures the whole load into SQLite, the cost
// serve --demo pays.
func BenchmarkLoadDelivery(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		db := storetest.SQLite(b)
		c := demoCatalog(b, db)
		cfg := DeliveryConfig(config.Default())
		svc := delivery.NewService(cfg, c, db)
		b.StartTimer()
		if err := LoadDelivery(context.Background(), svc, cfg, c, deliveryNow); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		svc.Close()
		b.StartTimer()
	}
}
