package cost

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/paved-dev/paved/internal/catalog/catalogtest"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
)

// The alerting tests' organisation: payments (checkout, ledger) and
// search (indexer).
const alertCatalog = `
teams:
  - name: payments
  - name: search
services:
  - {name: checkout, team: payments}
  - {name: ledger, team: payments}
  - {name: indexer, team: search}
`

// newAlertService returns a cost service on db with the default
// configuration, cost settings cc and the test organisation.
func newAlertService(t *testing.T, db *store.DB, cc config.Cost) *Service {
	t.Helper()
	cfg := config.Default()
	cfg.Cost = cc
	cat := catalogtest.Open(t, db, cfg, []byte(alertCatalog))
	return NewService(cfg, cat, db)
}

// spend is one seeded rollup row.
type spend struct {
	day, team, service, environment, serviceName, charge, currency string
	cost                                                           float64
}

// daily returns one spend row a day over from..to with f's cost, in
// USD in prod, as Amazon EC2 usage unless changed by the caller.
func daily(team, service, from, to string, f func(d time.Time) float64) []spend {
	var out []spend
	start, _ := time.Parse(dayLayout, from)
	end, _ := time.Parse(dayLayout, to)
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		out = append(out, spend{day: d.Format(dayLayout), team: team, service: service, environment: "prod",
			serviceName: "Amazon EC2", charge: "Usage", currency: "USD", cost: f(d)})
	}
	return out
}

func constant(v float64) func(time.Time) float64 { return func(time.Time) float64 { return v } }

// seed writes rollup rows as an import would, each team in a billing
// account of its own.
func seed(t *testing.T, db *store.DB, rows []spend) {
	t.Helper()
	err := db.Tx(context.Background(), func(tx *sql.Tx) error {
		for _, r := range rows {
			if _, err := tx.Exec(`INSERT INTO cost_daily (provider, billing_account, period, day, month, team, service, environment, allocation,
				sub_account, service_name, service_category, charge_category, currency, billed_cost, effective_cost, list_cost, charges)
				VALUES ('AWS', $4 || '-account', $1, $2, $3, $4, $5, $6, $7, '111', $8, 'Compute', $9, $10, $11, $12, $13, 1)`,
				r.day[:7], r.day, r.day[:7], r.team, r.service, r.environment, ByTag, r.serviceName, r.charge, r.currency, r.cost, r.cost, r.cost); err != nil {
				return err
			}
		}
		// The page rollups an import writes alongside.
		for _, table := range []string{"cost_monthly", "cost_team_daily"} {
			if _, err := tx.Exec(`DELETE FROM ` + table); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(`INSERT INTO cost_team_daily SELECT provider, billing_account, period, month, day, team, currency,
			SUM(billed_cost), SUM(effective_cost), SUM(list_cost), SUM(CASE WHEN allocation = 'unallocated' THEN 0 ELSE effective_cost END)
			FROM cost_daily GROUP BY provider, billing_account, period, month, day, team, currency`); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO cost_monthly SELECT provider, billing_account, period, month, MAX(day), team, service, environment, allocation,
			sub_account, service_name, service_category, charge_category, currency, SUM(billed_cost), SUM(effective_cost), SUM(list_cost), SUM(charges)
			FROM cost_daily GROUP BY provider, billing_account, period, month, team, service, environment, allocation,
			sub_account, service_name, service_category, charge_category, currency`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestBudgets(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := newAlertService(t, db, config.Cost{Budgets: config.Budgets{
			Default: &config.Money{Amount: 500, Currency: "EUR"},
			Teams: map[string]config.TeamBudget{"payments": {Amount: 1000,
				Services: map[string]config.ScopedBudget{"checkout": {Amount: 300}}}},
		}})
		// November 2026 so far (to the 15th): checkout 20 a day, ledger 30.
		seed(t, db, daily("payments", "checkout", "2026-10-01", "2026-11-15", constant(20)))
		seed(t, db, daily("payments", "ledger", "2026-10-01", "2026-11-15", constant(30)))

		if _, err := svc.SetBudget(ctx, Budget{Team: "search", Amount: 200}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SetBudget(ctx, Budget{Team: "payments", Environment: "prod", Amount: 2000, Currency: "USD"}); err != nil {
			t.Fatal(err)
		}
		got, err := svc.Budgets(ctx, "2026-11")
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, b := range got {
			lines = append(lines, fmt.Sprintf("%s/%s %s %s %.0f mtd=%.0f fcst=%.0f %s", b.Team, b.Scope(), b.Currency, b.Source, b.Amount, b.MonthToDate, b.Forecast, b.Status))
		}
		want := []string{
			"payments/ USD config 1000 mtd=750 fcst=1500 at-risk",
			"payments/environment=prod USD api 2000 mtd=750 fcst=1500 ok",
			"payments/service=checkout USD config 300 mtd=300 fcst=600 over",
			// set without a currency: the default budget's
			"search/ EUR api 200 mtd=0 fcst=0 ok",
		}
		if strings.Join(lines, "\n") != strings.Join(want, "\n") {
			t.Errorf("budgets:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
		}

		team, err := svc.TeamBudgets(ctx, "search", "2026-11")
		if err != nil || len(team) != 1 || team[0].Team != "search" {
			t.Errorf("search's budgets = %+v, %v", team, err)
		}
		if _, err := svc.TeamBudgets(ctx, "ghosts", "2026-11"); !api.IsNotFound(err) {
			t.Errorf("unknown team: err = %v", err)
		}

		if err := svc.DeleteBudget(ctx, "search", "", "", ""); err != nil {
			t.Fatal(err)
		}
		if err := svc.DeleteBudget(ctx, "search", "", "", ""); !api.IsNotFound(err) {
			t.Errorf("deleting twice: err = %v", err)
		}
		if err := svc.DeleteBudget(ctx, "payments", "checkout", "", ""); err == nil || !strings.Contains(err.Error(), "set in paved.yaml") {
			t.Errorf("deleting a paved.yaml budget: err = %v", err)
		}
	})
}

func TestSetBudgetInvalid(t *testing.T) {
	db := storetest.SQLite(t)
	svc := newAlertService(t, db, config.Cost{Budgets: config.Budgets{Teams: map[string]config.TeamBudget{"payments": {Amount: 1000}}}})
	tests := []struct {
		name   string
		b      Budget
		field  string
		status int
		msg    string
	}{
		{"unknown team", Budget{Team: "ghosts", Amount: 1}, "", 404, `team "ghosts" does not exist`},
		{"unknown service", Budget{Team: "search", Service: "nope", Amount: 1}, "service", 422, `service "nope" does not exist`},
		{"someone else's service", Budget{Team: "search", Service: "checkout", Amount: 1}, "service", 422, `belongs to team "payments"`},
		{"unknown environment", Budget{Team: "search", Environment: "qa", Amount: 1}, "environment", 422, `"qa" is not an environment; valid: dev, staging, prod`},
		{"bad currency", Budget{Team: "search", Currency: "usd", Amount: 1}, "currency", 422, "3-letter upper-case ISO 4217"},
		{"zero amount", Budget{Team: "search"}, "amount", 422, "above 0"},
		{"set in paved.yaml", Budget{Team: "payments", Amount: 5}, "", 409, "is set in paved.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.SetBudget(context.Background(), tt.b)
			var ae *api.Error
			if !errors.As(err, &ae) || ae.Status != tt.status || ae.Field != tt.field || !strings.Contains(ae.Message, tt.msg) {
				t.Errorf("err = %#v, want %d on %q containing %q", err, tt.status, tt.field, tt.msg)
			}
		})
	}
}

func TestBudgetStep(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cc := config.Cost{Budgets: config.Budgets{
			Default: &config.Money{Amount: 750},
			Teams:   map[string]config.TeamBudget{"pinned": {Amount: 9000, Currency: "EUR"}},
		}}
		svc := newAlertService(t, db, cc)
		svc.catalog.AddOnboardStep(BudgetStep(cc))
		tests := []struct {
			team   string
			change catalog.Change
			detail string
		}{
			{"growth", catalog.Created, "750.00 USD a month (cost.budgets.default)"},
			{"growth", catalog.Unchanged, "750.00 USD a month"},
			{"pinned", catalog.Unchanged, "9,000.00 EUR a month, from paved.yaml"},
		}
		for _, tt := range tests {
			res, err := svc.catalog.Onboard(ctx, catalog.Team{Name: tt.team})
			if err != nil {
				t.Fatal(err)
			}
			a := res.Actions[len(res.Actions)-1]
			if a.What != "budget" || a.Change != tt.change || a.Detail != tt.detail {
				t.Errorf("onboard %s: %+v, want %s %q", tt.team, a, tt.change, tt.detail)
			}
		}
		got, err := svc.TeamBudgets(ctx, "growth", "2026-11")
		if err != nil || len(got) != 1 || got[0].Source != BudgetFromOnboard || got[0].Amount != 750 || got[0].Currency != "USD" {
			t.Errorf("growth's budgets = %+v, %v", got, err)
		}
		// The API may change what onboarding set.
		if b, err := svc.SetBudget(ctx, Budget{Team: "growth", Amount: 900}); err != nil || b.Source != BudgetFromAPI {
			t.Errorf("SetBudget = %+v, %v", b, err)
		}
	})
}
