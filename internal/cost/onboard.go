package cost

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
)

// BudgetStep is the onboarding default of cost.budgets.default: a new
// team gets the default monthly budget, stored with source "onboard" so
// that the API can change it later. A team that already has a team-wide
// budget (in paved.yaml, or stored) keeps it, so re-running onboarding
// changes nothing. With no default configured the step does nothing.
func BudgetStep(cfg config.Cost) catalog.OnboardStep {
	return func(ctx context.Context, tx *sql.Tx, team catalog.Team) (catalog.OnboardAction, error) {
		a := catalog.OnboardAction{What: "budget", Name: team.Name, Change: catalog.Unchanged}
		def := cfg.Budgets.Default
		if tb, ok := cfg.Budgets.Teams[team.Name]; ok && tb.Amount > 0 {
			a.Detail = fmt.Sprintf("%s %s a month, from paved.yaml", formatAmount(tb.Amount), tb.CurrencyOrDefault())
			return a, nil
		}
		var amount float64
		var currency string
		err := tx.QueryRowContext(ctx, `SELECT amount, currency FROM cost_budgets WHERE team = $1 AND service = '' AND environment = '' ORDER BY currency LIMIT 1`,
			team.Name).Scan(&amount, &currency)
		switch {
		case err == nil:
			a.Detail = fmt.Sprintf("%s %s a month", formatAmount(amount), currency)
			return a, nil
		case !errors.Is(err, sql.ErrNoRows):
			return a, err
		case def == nil:
			a.Detail = "no default budget in paved.yaml (cost.budgets.default)"
			return a, nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO cost_budgets (team, service, environment, currency, amount, source, created_at)
			VALUES ($1, '', '', $2, $3, $4, $5)`, team.Name, def.CurrencyOrDefault(), def.Amount, BudgetFromOnboard, store.Now()); err != nil {
			return a, err
		}
		a.Change, a.Detail = catalog.Created, fmt.Sprintf("%s %s a month (cost.budgets.default)", formatAmount(def.Amount), def.CurrencyOrDefault())
		return a, nil
	}
}
