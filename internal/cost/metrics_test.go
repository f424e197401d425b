package cost

import (
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

func scrape(t *testing.T, reg *prometheus.Registry) string {
	t.Helper()
	rec := httptest.NewRecorder()
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func TestCollector(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		svc := newAlertService(t, db, config.Cost{Budgets: config.Budgets{Teams: map[string]config.TeamBudget{
			"payments": {Amount: 1000, Services: map[string]config.ScopedBudget{"checkout": {Amount: 10}}},
			"search":   {Amount: 300, Currency: "EUR"},
		}}})
		today := time.Now().UTC().Format(dayLayout)
		seed(t, db, daily("payments", "checkout", today, today, constant(12.5)))
		seed(t, db, daily("platform", "", today, today, constant(7)))
		reg := prometheus.NewRegistry()
		reg.MustRegister(svc.Collector())
		out := scrape(t, reg)
		for _, want := range []string{
			`paved_cost_month_to_date{currency="USD",team="payments"} 12.5`,
			`paved_cost_month_to_date{currency="USD",team="platform"} 7`,
			`paved_cost_month_to_date{currency="EUR",team="search"} 0`,
			`paved_cost_budget{currency="USD",team="payments"} 1000`,
			`paved_cost_budget{currency="EUR",team="search"} 300`,
		} {
			if !strings.Contains(out, want) {
				t.Errorf("scrape lacks %s:\n%s", want, out)
			}
		}
		if strings.Contains(out, "} 10\n") {
			t.Errorf("a service's budget is exported as the team's:\n%s", out)
		}

		// Within 30 s the figures are reused; a budget change refreshes them.
		seed(t, db, daily("payments", "checkout", today, today, constant(100)))
		if out := scrape(t, reg); !strings.Contains(out, `team="payments"} 12.5`) {
			t.Errorf("the cache was not used:\n%s", out)
		}
		if _, err := svc.SetBudget(context.Background(), Budget{Team: "search", Amount: 50, Currency: "USD"}); err != nil {
			t.Fatal(err)
		}
		out = scrape(t, reg)
		if !strings.Contains(out, `paved_cost_month_to_date{currency="USD",team="payments"} 112.5`) || !strings.Contains(out, `paved_cost_budget{currency="USD",team="search"} 50`) {
			t.Errorf("not refreshed after a budget change:\n%s", out)
		}
		if _, _, err := svc.metricValues(context.Background(), time.Now().Add(metricsTTL)); err != nil {
			t.Errorf("refresh after the TTL: %v", err)
		}
	})
}
