package web_test

import (
	"context"
	"html"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/auth"
	"github.com/paved-dev/paved/internal/cost"
	"github.com/paved-dev/paved/internal/demo"
)

// escaped is text as html/template writes it: html.EscapeString, and +
// as &#43;.
func escaped(s string) string {
	return strings.ReplaceAll(html.EscapeString(s), "+", "&#43;")
}

// wantPct formats a percentage (75.25) as the panel must show it, to one
// decimal.
func wantPct(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', 1, 64) + "%"
}

// TestTeamCostsOutlook renders the team panels of the demo's bills, with
// its budgets, forecasts and alerts, and checks every number against
// what cost.Service reports.
func TestTeamCostsOutlook(t *testing.T) {
	a, srv := openApp(t, false)
	ctx := context.Background()
	if _, err := demo.Load(ctx, a.Catalog); err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadCosts(ctx, a.Cost, a.Catalog, time.Date(2026, 11, 29, 15, 52, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	// A team without a budget shows its forecast alone.
	if err := a.Cost.DeleteBudget(ctx, "sre", "", "", ""); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv)
	b.signIn(a, auth.RoleViewer)
	const month = "2026-11"

	for _, tc := range []struct {
		team string
		// status of the team-wide budget; "" for none.
		status string
		// anomaly is set for the team with the demo's planted spike.
		anomaly bool
	}{
		{"search", cost.BudgetOK, true},
		{"data-platform", cost.BudgetOver, false},
		{"platform", cost.BudgetAtRisk, false},
		{"sre", "", false},
	} {
		t.Run(tc.team, func(t *testing.T) {
			r := b.get("/teams/" + tc.team)
			wantStatus(t, r, 200)
			wantNoInlineStyles(t, r)
			panel := section(t, r.Body, "costs")
			want := func(what, s string) {
				t.Helper()
				if !strings.Contains(panel, s) {
					t.Errorf("the panel lacks %s: %s", what, s)
				}
			}

			fl, err := a.Cost.Forecasts(ctx, month, tc.team)
			if err != nil || len(fl.Forecasts) != 1 {
				t.Fatalf("forecasts: %+v, %v", fl, err)
			}
			f := fl.Forecasts[0]
			want("the month to date", figureMoney(f.MonthToDate, f.Currency)+"\n    <span class=\"figure-label\">Spent through "+dayLabel(f.AsOf)+"</span>")
			want("the forecast", figureMoney(f.Forecast, f.Currency)+"\n    <span class=\"figure-label\">Forecast for Nov 2026</span>")
			want("the remaining days", "plus "+strconv.Itoa(f.RemainingDays)+" more days at the weekday and weekend run rates")

			budgets, err := a.Cost.TeamBudgets(ctx, tc.team, month)
			if err != nil {
				t.Fatal(err)
			}
			teamWide := 0
			for _, bs := range budgets {
				if bs.Scope() != "" {
					want("a scoped budget", wantMoney(bs.Amount, bs.Currency))
					want("its spend", wantMoney(bs.MonthToDate, bs.Currency)+`<span class="where">`+wantPct(bs.UsedPercent)+"</span>")
					want("its forecast", wantMoney(bs.Forecast, bs.Currency)+`<span class="where">`+wantPct(bs.ForecastPercent)+"</span>")
					continue
				}
				teamWide++
				if bs.Status != tc.status {
					t.Errorf("the demo's budget of %s is %s, want %s", tc.team, bs.Status, tc.status)
				}
				if bs.MonthToDate != f.MonthToDate || bs.Forecast != f.Forecast {
					t.Errorf("the budget's month (%v, %v) is not the forecast's (%v, %v)", bs.MonthToDate, bs.Forecast, f.MonthToDate, f.Forecast)
				}
				want("the budget", figureMoney(bs.Amount, bs.Currency)+"\n    <span class=\"figure-label\">Monthly budget</span>")
				want("the status", `budget-status-`+bs.Status+`">`)
				want("the share spent", wantPct(bs.UsedPercent)+" of the budget")
				want("the share forecast", wantPct(bs.ForecastPercent)+" of the budget")
				want("the budget bar", `<svg role="img" aria-label="`+wantPct(bs.UsedPercent)+" of the "+wantMoney(bs.Amount, bs.Currency)+` budget spent and forecast for Nov 2026"`)
				want("the thresholds", "alert thresholds at 50%, 80% and 100% of the budget")
			}
			if teamWide == 0 {
				want("the missing budget", "no USD budget")
				want("how to set one", "PUT /api/v1/teams/"+tc.team+"/budgets")
				if strings.Contains(panel, "budget spent and forecast") {
					t.Error("a budget bar is drawn without a budget")
				}
			}

			alerts, err := a.Cost.Alerts(ctx, tc.team, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(alerts) == 0 {
				t.Fatal("the demo raised no alerts for the team")
			}
			shown := 0
			for _, al := range alerts {
				if !strings.Contains(panel, escaped(al.Message)) {
					continue
				}
				shown++
				// No webhook is configured: every alert shows that it was
				// not sent and why.
				if al.Status != cost.AlertUnrouted {
					t.Errorf("alert %s is %s", al.DedupeKey, al.Status)
				}
			}
			if want := min(len(alerts), 8); shown != want {
				t.Errorf("%d of %d alerts shown, want %d", shown, len(alerts), want)
			}
			want("the delivery status", `<span class="badge delivery delivery-unrouted">unrouted</span>`)
			want("why delivery failed", escaped(alerts[0].LastError))

			anomalies := 0
			for _, al := range alerts {
				if al.Kind != cost.AlertAnomaly || al.Month != month {
					continue
				}
				anomalies++
				get := func(k string) float64 { v, _ := al.Details[k].(float64); return v }
				want("the anomaly's day", `<time datetime="`+al.Day+`">`+dayLabel(al.Day)+"</time>")
				want("the anomaly's service", `service <a href="/services/`+al.Details["service"].(string)+`">`)
				want("the actual spend", "<strong>"+wantMoney(get("actual"), "USD")+"</strong>")
				want("the impact", escaped("+"+wantMoney(get("impact"), "USD")))
				want("the expected spend", wantMoney(get("expected"), "USD"))
				want("the band", "range "+strings.TrimSuffix(wantMoney(get("lower"), "USD"), " USD")+" to "+strings.TrimSuffix(wantMoney(get("upper"), "USD"), " USD"))
				drivers, _ := al.Details["drivers"].([]any)
				if len(drivers) == 0 {
					t.Fatal("the anomaly has no drivers")
				}
				for _, d := range drivers {
					d := d.(map[string]any)
					want("a driver", escaped(d["service_name"].(string))+` <span class="muted">`+d["charge_category"].(string)+`</span> <strong>`+escaped("+"+wantMoney(d["change"].(float64), "USD"))+"</strong>")
				}
			}
			if tc.anomaly != (anomalies > 0) {
				t.Errorf("%d anomalies of %s in %s", anomalies, tc.team, month)
			}
			if anomalies == 0 {
				want("no anomalies", "No anomalies in Nov 2026")
			}
		})
	}
}

// TestTeamCostsOutlookWithoutBudgets: bills of a past month, in two
// currencies, with no budget or alert: the outlook is the forecast alone.
func TestTeamCostsOutlookWithoutBudgets(t *testing.T) {
	a, srv := openApp(t, false)
	ctx := context.Background()
	if _, err := demo.Load(ctx, a.Catalog); err != nil {
		t.Fatal(err)
	}
	seedCosts(t, a)
	b := newBrowser(t, srv)
	b.signIn(a, auth.RoleViewer)
	r := b.get("/teams/payments")
	wantStatus(t, r, 200)
	panel := section(t, r.Body, "costs")
	fl, err := a.Cost.Forecasts(ctx, costMonth, "payments")
	if err != nil || len(fl.Forecasts) == 0 {
		t.Fatalf("forecasts: %+v, %v", fl, err)
	}
	wants := []string{"No anomalies in Sep 2024", "No budget, forecast or anomaly alerts yet.", "The month is billed in full"}
	for _, f := range fl.Forecasts {
		if f.RemainingDays != 0 || f.Forecast != f.MonthToDate {
			t.Errorf("a billed month's forecast: %+v", f)
		}
		wants = append(wants, figureMoney(f.Forecast, f.Currency)+"\n    <span class=\"figure-label\">Forecast for Sep 2024</span>", "no "+f.Currency+" budget")
		if len(fl.Forecasts) > 1 {
			wants = append(wants, "<h3>Budget and forecast, Sep 2024, "+f.Currency+"</h3>")
		}
	}
	for _, w := range wants {
		if !strings.Contains(panel, w) {
			t.Errorf("the panel lacks %s", w)
		}
	}
	if strings.Contains(panel, "budget-bar") {
		t.Error("a budget bar is drawn without a budget")
	}
}

// dayLabel is a YYYY-MM-DD day as the panel shows it: "Nov 19".
func dayLabel(day string) string {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return d.Format("Jan 2")
}
