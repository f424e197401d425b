package cost

import (
	"context"
	"database/sql"
	"slices"
	"sort"
	"strings"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
)

// Where a budget comes from.
const (
	BudgetFromConfig  = "config"
	BudgetFromAPI     = "api"
	BudgetFromOnboard = "onboard"
)

// Budget is a monthly budget of a team, or of one service or environment
// of it, in one currency. Spend is never converted: a team spending in
// two currencies needs a budget in each.
type Budget struct {
	Team        string  `json:"team"`
	Service     string  `json:"service,omitempty"`
	Environment string  `json:"environment,omitempty"`
	Currency    string  `json:"currency"`
	Amount      float64 `json:"amount"`
	// Source is config (paved.yaml), api or onboard.
	Source string `json:"source"`
}

// Scope names what part of the team the budget covers: "" for all of it,
// else service=NAME and/or environment=NAME.
func (b Budget) Scope() string {
	var parts []string
	if b.Service != "" {
		parts = append(parts, "service="+b.Service)
	}
	if b.Environment != "" {
		parts = append(parts, "environment="+b.Environment)
	}
	return strings.Join(parts, ",")
}

// covers reports whether a row of spend counts against the budget.
func (b Budget) covers(r spendRow) bool {
	return r.team == b.Team && r.currency == b.Currency &&
		(b.Service == "" || r.service == b.Service) && (b.Environment == "" || r.environment == b.Environment)
}

type budgetKey struct{ team, service, environment, currency string }

func (b Budget) key() budgetKey { return budgetKey{b.Team, b.Service, b.Environment, b.Currency} }

// Budget states.
const (
	BudgetOK     = "ok"
	BudgetAtRisk = "at-risk" // forecast to exceed it
	BudgetOver   = "over"
)

// BudgetStatus is a budget with the month's spend against it.
type BudgetStatus struct {
	Budget
	Month       string  `json:"month"`
	AsOf        string  `json:"as_of"`
	MonthToDate float64 `json:"month_to_date"`
	Forecast    float64 `json:"forecast"`
	// UsedPercent and ForecastPercent are of the budget's amount.
	UsedPercent     float64 `json:"used_percent"`
	ForecastPercent float64 `json:"forecast_percent"`
	Status          string  `json:"status"`
}

// configBudgets lists paved.yaml's budgets.
func configBudgets(c config.Cost) []Budget {
	var out []Budget
	for team, tb := range c.Budgets.Teams {
		cur := tb.CurrencyOrDefault()
		if tb.Amount > 0 {
			out = append(out, Budget{Team: team, Currency: cur, Amount: tb.Amount, Source: BudgetFromConfig})
		}
		for svc, sb := range tb.Services {
			out = append(out, Budget{Team: team, Service: svc, Currency: cur, Amount: sb.Amount, Source: BudgetFromConfig})
		}
		for env, eb := range tb.Environments {
			out = append(out, Budget{Team: team, Environment: env, Currency: cur, Amount: eb.Amount, Source: BudgetFromConfig})
		}
	}
	return out
}

// budgetList returns the budgets in force, one team's or all (""):
// paved.yaml's, and the stored ones paved.yaml does not override.
func (s *Service) budgetList(ctx context.Context, team string) ([]Budget, error) {
	byKey := map[budgetKey]Budget{}
	for _, b := range configBudgets(s.cfg.Cost) {
		if team == "" || b.Team == team {
			byKey[b.key()] = b
		}
	}
	q := `SELECT team, service, environment, currency, amount, source FROM cost_budgets`
	var args []any
	if team != "" {
		q += ` WHERE team = $1`
		args = append(args, team)
	}
	rows, err := s.store.db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var b Budget
		if err := rows.Scan(&b.Team, &b.Service, &b.Environment, &b.Currency, &b.Amount, &b.Source); err != nil {
			return nil, err
		}
		if _, inConfig := byKey[b.key()]; !inConfig {
			byKey[b.key()] = b
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Budget, 0, len(byKey))
	for _, b := range byKey {
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if x.Team != y.Team {
			return x.Team < y.Team
		}
		if x.Scope() != y.Scope() {
			return x.Scope() < y.Scope()
		}
		return x.Currency < y.Currency
	})
	return out, nil
}

// Budgets returns every budget with month's spend and forecast against it.
func (s *Service) Budgets(ctx context.Context, month string) ([]BudgetStatus, error) {
	return s.budgetStatuses(ctx, month, "")
}

// TeamBudgets returns one team's budgets with month's spend against them.
func (s *Service) TeamBudgets(ctx context.Context, team, month string) ([]BudgetStatus, error) {
	if _, err := s.catalog.Team(ctx, team); err != nil {
		return nil, err
	}
	return s.budgetStatuses(ctx, month, team)
}

func (s *Service) budgetStatuses(ctx context.Context, month, team string) ([]BudgetStatus, error) {
	if err := CheckMonth(month); err != nil {
		return nil, err
	}
	budgets, err := s.budgetList(ctx, team)
	if err != nil {
		return nil, err
	}
	out := []BudgetStatus{}
	if len(budgets) == 0 {
		return out, nil
	}
	w, err := s.store.loadSpend(ctx, month, team)
	if err != nil {
		return nil, err
	}
	for _, b := range budgets {
		f := project(month, w.asOf, w.covered, w.series(b.covers))
		st := BudgetStatus{Budget: b, Month: month, AsOf: f.AsOf, MonthToDate: f.MonthToDate, Forecast: f.Forecast,
			UsedPercent: 100 * f.MonthToDate / b.Amount, ForecastPercent: 100 * f.Forecast / b.Amount, Status: BudgetOK}
		switch {
		case f.MonthToDate >= b.Amount:
			st.Status = BudgetOver
		case f.Forecast >= b.Amount:
			st.Status = BudgetAtRisk
		}
		out = append(out, st)
	}
	return out, nil
}

// defaultCurrency is the currency of a budget set without one: the
// default budget's, else USD.
func (s *Service) defaultCurrency() string {
	if d := s.cfg.Cost.Budgets.Default; d != nil {
		return d.CurrencyOrDefault()
	}
	return config.DefaultCurrency
}

// checkBudget validates a budget set through the API or the CLI against
// the catalog and paved.yaml.
func (s *Service) checkBudget(ctx context.Context, b *Budget) error {
	if b.Currency == "" {
		b.Currency = s.defaultCurrency()
	}
	if _, err := s.catalog.Team(ctx, b.Team); err != nil {
		return err
	}
	if b.Service != "" {
		svc, err := s.catalog.Service(ctx, b.Service)
		if api.IsNotFound(err) {
			return api.Invalid("service", "service %q does not exist", b.Service)
		}
		if err != nil {
			return err
		}
		if svc.Team != b.Team {
			return api.Invalid("service", "service %q belongs to team %q, not %q", b.Service, svc.Team, b.Team)
		}
	}
	if b.Environment != "" {
		envs, err := s.catalog.Environments(ctx)
		if err != nil {
			return err
		}
		var names []string
		for _, e := range envs {
			names = append(names, e.Name)
		}
		if !slices.Contains(names, b.Environment) {
			return api.Invalid("environment", "%q is not an environment; valid: %s", b.Environment, strings.Join(names, ", "))
		}
	}
	if !config.ValidCurrency(b.Currency) {
		return api.Invalid("currency", "%q is not a currency; use a 3-letter upper-case ISO 4217 code such as USD or EUR", b.Currency)
	}
	if !(b.Amount > 0) {
		return api.Invalid("amount", "%v is not a budget; give an amount above 0", b.Amount)
	}
	for _, c := range configBudgets(s.cfg.Cost) {
		if c.key() == b.key() {
			return api.Conflict("the %s budget of team %s in %s is set in paved.yaml (cost.budgets.teams.%s); change it there", scopeName(*b), b.Team, b.Currency, b.Team)
		}
	}
	return nil
}

func scopeName(b Budget) string {
	if sc := b.Scope(); sc != "" {
		return sc
	}
	return "team-wide"
}

// SetBudget creates or replaces a budget through the API or the CLI. A
// budget that paved.yaml sets cannot be changed here.
func (s *Service) SetBudget(ctx context.Context, b Budget) (Budget, error) {
	if err := s.checkBudget(ctx, &b); err != nil {
		return Budget{}, err
	}
	b.Source = BudgetFromAPI
	err := s.store.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO cost_budgets (team, service, environment, currency, amount, source, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (team, service, environment, currency) DO UPDATE SET amount = excluded.amount, source = excluded.source`,
			b.Team, b.Service, b.Environment, b.Currency, b.Amount, b.Source, store.Now())
		return err
	})
	if err == nil {
		s.alerting.metrics.invalidate()
	}
	return b, err
}

// DeleteBudget removes a stored budget of a team's scope; with currency
// "" it removes the scope's budgets in every currency.
func (s *Service) DeleteBudget(ctx context.Context, team, service, environment, currency string) error {
	for _, c := range configBudgets(s.cfg.Cost) {
		if c.Team == team && c.Service == service && c.Environment == environment && (currency == "" || c.Currency == currency) {
			return api.Conflict("the %s budget of team %s is set in paved.yaml (cost.budgets.teams.%s); remove it there", scopeName(c), team, team)
		}
	}
	q := `DELETE FROM cost_budgets WHERE team = $1 AND service = $2 AND environment = $3`
	args := []any{team, service, environment}
	if currency != "" {
		q += ` AND currency = $4`
		args = append(args, currency)
	}
	var n int64
	err := s.store.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return err
	}
	if n == 0 {
		return api.NotFound("team %s has no stored %s budget%s", team, scopeName(Budget{Service: service, Environment: environment}), inCurrency(currency))
	}
	s.alerting.metrics.invalidate()
	return nil
}

func inCurrency(c string) string {
	if c == "" {
		return ""
	}
	return " in " + c
}
