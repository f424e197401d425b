package cost

import (
	"context"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
)

func alertKeys(alerts []Alert) []string {
	var out []string
	for _, a := range alerts {
		out = append(out, a.DedupeKey)
	}
	sort.Strings(out)
	return out
}

// TestCheck runs the checks over a month and a half of spend: payments
// is on its way over budget, search has one spike. Every alert fires
// once; running the checks again fires nothing.
func TestCheck(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := newAlertService(t, db, config.Cost{Budgets: config.Budgets{
			Teams: map[string]config.TeamBudget{"payments": {Amount: 1000}},
		}})
		seed(t, db, daily("payments", "checkout", "2026-10-01", "2026-11-15", constant(20)))
		seed(t, db, daily("payments", "ledger", "2026-10-01", "2026-11-15", constant(30)))
		seed(t, db, daily("search", "indexer", "2026-10-01", "2026-11-15", func(d time.Time) float64 {
			if d.Format(dayLayout) == "2026-11-14" {
				return 1000
			}
			return 100 + float64(d.Day()%5)
		}))
		now := time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)

		res, err := svc.Check(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			// October is over: 31 × 50 = 1,550 of 1,000.
			"anomaly:search::USD:2026-11-14",
			"budget:payments::USD:2026-10:actual:100",
			// November to the 15th: 750 (75%): only the highest crossed fires.
			"budget:payments::USD:2026-11:actual:50",
			// ... on course for 1,500.
			"budget:payments::USD:2026-11:forecast:100",
		}
		if got := alertKeys(res.Alerts); !reflect.DeepEqual(got, want) {
			t.Fatalf("alerts = %v\nwant %v", got, want)
		}
		for _, a := range res.Alerts {
			if a.Status != AlertPending || a.Message == "" || a.ID == "" {
				t.Errorf("alert %+v", a)
			}
		}
		if len(res.Anomalies) != 2 {
			t.Errorf("anomalies = %+v, want search's and its indexer's", res.Anomalies)
		}

		stored, err := svc.Alerts(ctx, "search", "2026-11")
		if err != nil || len(stored) != 1 {
			t.Fatalf("search's alerts = %+v, %v", stored, err)
		}
		an := stored[0]
		if an.Kind != AlertAnomaly || an.Day != "2026-11-14" || an.Severity != SeverityWarning {
			t.Errorf("anomaly alert = %+v", an)
		}
		for _, s := range []string{"team search spent 1,000.00 USD on 2026-11-14", "above the expected", "driven by Amazon EC2 Usage", "services: indexer"} {
			if !strings.Contains(an.Message, s) {
				t.Errorf("message %q lacks %q", an.Message, s)
			}
		}
		if an.Details["expected"] == nil || an.Details["lower"] == nil || an.Details["upper"] == nil || an.Details["drivers"] == nil {
			t.Errorf("details lack the band or drivers: %v", an.Details)
		}
		var anomalyAlertIDs []string
		rows, err := db.R.Query(`SELECT alert_id FROM cost_anomalies ORDER BY service`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id string
			rows.Scan(&id)
			anomalyAlertIDs = append(anomalyAlertIDs, id)
		}
		rows.Close()
		if len(anomalyAlertIDs) != 2 || anomalyAlertIDs[0] != an.ID || anomalyAlertIDs[1] != an.ID {
			t.Errorf("anomalies point at alerts %v, want both at %s", anomalyAlertIDs, an.ID)
		}

		again, err := svc.Check(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(again.Alerts) != 0 || len(again.Anomalies) != 0 {
			t.Errorf("second check fired again: %v %+v", alertKeys(again.Alerts), again.Anomalies)
		}

		// The next day payments' checkout spends 300: November passes 100%
		// (the forecast alert has fired already) and the day is an anomaly
		// of the team and of checkout, reported in one alert. Search's
		// billing account has not reported the 16th yet, so search is not
		// judged on it (its zero would look like a dip).
		seed(t, db, daily("payments", "checkout", "2026-11-16", "2026-11-16", constant(300)))
		later, err := svc.Check(ctx, now.Add(24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		want = []string{"anomaly:payments::USD:2026-11-16", "budget:payments::USD:2026-11:actual:100"}
		if got := alertKeys(later.Alerts); !reflect.DeepEqual(got, want) {
			t.Errorf("alerts = %v\nwant %v", got, want)
		}
		all, err := svc.Alerts(ctx, "", "")
		if err != nil || len(all) != 6 {
			t.Errorf("all alerts = %d, %v", len(all), err)
		}
	})
}

func TestCheckNothingToDo(t *testing.T) {
	db := storetest.SQLite(t)
	svc := newAlertService(t, db, config.Cost{})
	res, err := svc.Check(context.Background(), time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	if err != nil || len(res.Alerts) != 0 || len(res.Anomalies) != 0 {
		t.Errorf("check of an empty store = %+v, %v", res, err)
	}
}

// TestBudgetAlertsOnce checks that only the highest threshold crossed
// fires, and that falling back under it after a credit does not fire a
// lower one.
func TestBudgetAlertsOnce(t *testing.T) {
	svc := &Service{cfg: config.Default()}
	now := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	b := Budget{Team: "payments", Currency: "USD", Amount: 100, Source: BudgetFromConfig}
	tests := []struct {
		name       string
		used, fcst float64
		current    bool
		fired      []string
		want       []string
	}{
		{"below every threshold", 10, 40, true, nil, nil},
		{"several crossed at once", 85, 90, true, nil, []string{"budget:payments::USD:2026-11:actual:80"}},
		{"forecast over", 60, 120, true, nil, []string{"budget:payments::USD:2026-11:actual:50", "budget:payments::USD:2026-11:forecast:100"}},
		{"no forecast for a finished month", 60, 120, false, nil, []string{"budget:payments::USD:2026-11:actual:50"}},
		{"no forecast alert once spend is there", 100, 130, true, nil, []string{"budget:payments::USD:2026-11:actual:100"}},
		{"after a credit, no lower threshold", 85, 90, true, []string{"budget:payments::USD:2026-11:actual:100"}, nil},
		{"fired already", 85, 90, true, []string{"budget:payments::USD:2026-11:actual:80"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fired := map[string]bool{}
			for _, k := range tt.fired {
				fired[k] = true
			}
			st := BudgetStatus{Budget: b, Month: "2026-11", MonthToDate: tt.used, Forecast: tt.fcst, UsedPercent: tt.used, ForecastPercent: tt.fcst}
			if got := alertKeys(svc.budgetAlerts(st, tt.current, fired, now)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("alerts = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFormatAmount(t *testing.T) {
	for in, want := range map[float64]string{0: "0.00", 12.345: "12.35", 1234.5: "1,234.50", -1234567.891: "-1,234,567.89", 999999.999: "1,000,000.00", -0.001: "0.00"} {
		if got := formatAmount(in); got != want {
			t.Errorf("formatAmount(%v) = %q, want %q", in, got, want)
		}
	}
}
