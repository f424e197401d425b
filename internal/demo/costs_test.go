package demo

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/cost"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
)

// costsNow is a Sunday late in a month: its month has four weeks of data.
var costsNow = time.Date(2026, 11, 29, 15, 52, 0, 0, time.UTC)

// loadDemoCosts loads the demo catalog and its bills at now.
func loadDemoCosts(t *testing.T, db *store.DB, now time.Time) (*cost.Service, *catalog.Catalog) {
	t.Helper()
	ctx := context.Background()
	c, err := catalog.New(ctx, db, config.Default().Ownership)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(ctx, c); err != nil {
		t.Fatal(err)
	}
	svc := cost.NewService(config.Default(), c, db)
	start := time.Now()
	if err := LoadCosts(ctx, svc, c, now); err != nil {
		t.Fatal(err)
	}
	t.Logf("LoadCosts took %v", time.Since(start))
	return svc, c
}

func TestCostBillIsDeterministic(t *testing.T) {
	db := storetest.SQLite(t)
	c, err := catalog.New(context.Background(), db, config.Default().Ownership)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	a, b := newCostPlan(c.Current(), costsNow), newCostPlan(c.Current(), costsNow.Add(3*time.Hour))
	if len(a.months()) != costMonths {
		t.Fatalf("the bill has %d months, want %d", len(a.months()), costMonths)
	}
	rows := 0
	for _, m := range a.months() {
		for _, ba := range billings {
			fa, fb := a.file(ba, m), b.file(ba, m)
			if !bytes.Equal(fa.data, fb.data) || fa.name != fb.name {
				t.Fatalf("%s differs between two runs on the same day", fa.name)
			}
			rows += bytes.Count(fa.data, []byte("\n")) - 1
		}
	}
	// Modest, so that serve --demo is quick: a few thousand resources' days.
	if rows < 30000 || rows > 250000 {
		t.Errorf("the bill has %d rows", rows)
	}
}

func TestLoadCosts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc, _ := loadDemoCosts(t, db, costsNow)

		tr, err := svc.Trend(ctx, 12, "")
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"}; strings.Join(tr.Months, " ") != strings.Join(want, " ") {
			t.Fatalf("months %v, want %v", tr.Months, want)
		}
		for _, cv := range tr.Coverage {
			if cv.Currency != "USD" || cv.Effective <= 0 {
				t.Errorf("%s: %+v", cv.Month, cv)
			}
			// Shadow IT and the support fee leave some spend unowned.
			if cv.Share < 0.85 || cv.Share > 0.98 {
				t.Errorf("%s: coverage %.3f, want 0.85 to 0.98", cv.Month, cv.Share)
			}
		}

		// Three providers; credits come back negative; the support fee and
		// the ML sandbox are on the unallocated list.
		rep, err := svc.Report(ctx, "2026-11", "provider", "")
		if err != nil {
			t.Fatal(err)
		}
		providers := map[string]bool{}
		for _, r := range rep.Rows {
			providers[r.Key] = r.EffectiveCost > 0
		}
		for _, p := range []string{"AWS", "Microsoft", "Google Cloud"} {
			if !providers[p] {
				t.Errorf("no %s spend in %v", p, providers)
			}
		}
		credits := 0.0
		for _, m := range tr.Months {
			rep, err := svc.Report(ctx, m, "charge", "")
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rep.Rows {
				if r.Key == "Credit" {
					credits += r.EffectiveCost
				}
			}
		}
		if credits >= 0 {
			t.Errorf("credits add up to %.2f", credits)
		}
		un, err := svc.Unallocated(ctx, "2026-11", 100)
		if err != nil {
			t.Fatal(err)
		}
		found := map[string]bool{}
		for _, r := range un.Resources {
			found[r.Account] = true
			if r.ServiceName == supportServiceName {
				found["support"] = true
			}
		}
		if !found[shadowAccount] || !found["support"] {
			t.Errorf("the unallocated list lacks the ML sandbox or the support fee: %+v", un.Resources)
		}

		// Weekdays cost more than weekends.
		tm, err := svc.TeamMonth(ctx, "payments", "2026-11")
		if err != nil {
			t.Fatal(err)
		}
		var weekday, weekend []float64
		for _, d := range tm.Days {
			day, _ := time.Parse(time.DateOnly, d.Day)
			if day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
				weekend = append(weekend, d.EffectiveCost)
			} else {
				weekday = append(weekday, d.EffectiveCost)
			}
		}
		if avg(weekend) >= avg(weekday)*0.97 {
			t.Errorf("payments spends %.2f on a weekend day and %.2f on a weekday", avg(weekend), avg(weekday))
		}

		// Growth grows.
		gr, err := svc.Trend(ctx, 12, "growth")
		if err != nil {
			t.Fatal(err)
		}
		byMonth := map[string]float64{}
		for _, r := range gr.Rows {
			byMonth[r.Month] += r.EffectiveCost
		}
		if byMonth["2026-10"] < byMonth["2026-06"]*1.3 {
			t.Errorf("team growth spent %.2f in June and %.2f in October", byMonth["2026-06"], byMonth["2026-10"])
		}

		// Every team has a budget; some are comfortable, some are not.
		budgets, err := svc.Budgets(ctx, "2026-11")
		if err != nil {
			t.Fatal(err)
		}
		status := map[string]int{}
		teams := map[string]bool{}
		for _, b := range budgets {
			status[b.Status]++
			teams[b.Team] = true
		}
		if len(teams) != len(Catalog().Teams) || status[cost.BudgetOK] == 0 || status[cost.BudgetOver]+status[cost.BudgetAtRisk] < 2 {
			t.Errorf("budgets of %d teams, by status %v", len(teams), status)
		}

		// The planted spike is the one anomaly, and it raised an alert;
		// with no webhook configured, delivery failed and says why.
		alerts, err := svc.Alerts(ctx, "", "")
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		var anomalies []cost.Alert
		for _, a := range alerts {
			kinds[a.Kind]++
			if a.Kind == cost.AlertAnomaly {
				anomalies = append(anomalies, a)
			}
			if a.Status != cost.AlertUnrouted || !strings.Contains(a.LastError, "no webhook") {
				t.Errorf("alert %s: status %s, %q", a.DedupeKey, a.Status, a.LastError)
			}
		}
		if kinds[cost.AlertBudget] == 0 || kinds[cost.AlertForecast] == 0 {
			t.Errorf("alerts by kind: %v", kinds)
		}
		if len(anomalies) != 1 {
			for _, a := range anomalies {
				t.Log(a.Message)
			}
			t.Fatalf("%d anomaly alerts, want the planted one", len(anomalies))
		}
		a := anomalies[0]
		if a.Team != "search" || a.Day != "2026-11-19" || a.Details["service"] != "recommendations" || a.Details["direction"] != cost.Spike {
			t.Errorf("the anomaly is %s: %s", a.DedupeKey, a.Message)
		}
		if impact, _ := a.Details["impact"].(float64); impact < 200 || impact > 900 {
			t.Errorf("the spike is %.2f above normal, want a few hundred dollars", impact)
		}
	})
}

// TestLoadCostsEarlyInTheMonth: on the 1st the current month has no
// data yet, and ten days ago is in the month before.
func TestLoadCostsEarlyInTheMonth(t *testing.T) {
	for _, now := range []time.Time{
		time.Date(2027, 1, 1, 6, 0, 0, 0, time.UTC),
		time.Date(2027, 3, 3, 12, 0, 0, 0, time.UTC),
	} {
		t.Run(now.Format(time.DateOnly), func(t *testing.T) {
			svc, _ := loadDemoCosts(t, storetest.SQLite(t), now)
			ctx := context.Background()
			month, err := svc.LatestMonth(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if want := now.AddDate(0, 0, -1).Format("2006-01"); month != want {
				t.Errorf("latest month %s, want %s", month, want)
			}
			alerts, err := svc.Alerts(ctx, "search", "")
			if err != nil {
				t.Fatal(err)
			}
			spike := now.AddDate(0, 0, -spikeDaysAgo).Format(time.DateOnly)
			found := false
			for _, a := range alerts {
				found = found || (a.Kind == cost.AlertAnomaly && a.Day == spike)
			}
			if !found {
				t.Errorf("no anomaly alert for the spike on %s", spike)
			}
			budgets, err := svc.Budgets(ctx, now.Format("2006-01"))
			if err != nil || len(budgets) < len(Catalog().Teams) {
				t.Errorf("budgets: %d, %v", len(budgets), err)
			}
		})
	}
}

func avg(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}
