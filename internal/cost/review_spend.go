package cost

import (
	"cmp"
	"context"
	"database/sql"
	"math"
	"slices"
	"strings"
)

// The money side of the monthly review: spend against the month before
// and the budgets, what moved, and the budgets most in need of a look.

// reviewSpend fills the spend per currency, the budgets taken together
// and, while the month runs, the forecast.
func (s *Service) reviewSpend(ctx context.Context, rev *Review, cutoff string, budgets []BudgetStatus) error {
	q := `SELECT month, currency, SUM(effective_cost), SUM(CASE WHEN day <= $3 THEN effective_cost ELSE 0 END)
		FROM cost_team_daily WHERE month IN ($1, $2)`
	args := []any{rev.Month, rev.Previous, cutoff}
	if rev.Team != "" {
		q += ` AND team = $4`
		args = append(args, rev.Team)
	}
	rows, err := s.store.db.R.QueryContext(ctx, q+` GROUP BY month, currency`, args...)
	if err != nil {
		return err
	}
	byCurrency := map[string]*ReviewSpend{}
	get := func(c string) *ReviewSpend {
		if byCurrency[c] == nil {
			byCurrency[c] = &ReviewSpend{Currency: c}
		}
		return byCurrency[c]
	}
	for rows.Next() {
		var m, c string
		var total, toCutoff float64
		if err := rows.Scan(&m, &c, &total, &toCutoff); err != nil {
			rows.Close()
			return err
		}
		sp := get(c)
		if m == rev.Month {
			sp.Spend = total
		} else {
			sp.Previous, sp.PreviousMonth = toCutoff, total
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	if rev.Current {
		fl, err := s.Forecasts(ctx, rev.Month, rev.Team)
		if err != nil {
			return err
		}
		for _, f := range fl.Forecasts {
			sp := get(f.Currency)
			if sp.Forecast == nil {
				sp.Forecast = new(float64)
			}
			*sp.Forecast += f.Forecast
		}
	}

	for _, b := range budgets {
		if b.Scope() != "" {
			continue
		}
		sp := get(b.Currency)
		if sp.Budget == nil {
			sp.Budget = &ReviewBudget{}
		}
		rb := sp.Budget
		rb.Amount += b.Amount
		rb.Spend += b.MonthToDate
		rb.Forecast += b.Forecast
		rb.Budgets++
		switch b.Status {
		case BudgetOver:
			rb.Over++
		case BudgetAtRisk:
			rb.AtRisk++
		}
	}

	for _, sp := range byCurrency {
		sp.Change = sp.Spend - sp.Previous
		sp.ChangePct = changeShare(sp.Change, sp.Previous)
		if rb := sp.Budget; rb != nil {
			rb.UsedPercent, rb.ForecastPercent = 100*rb.Spend/rb.Amount, 100*rb.Forecast/rb.Amount
		}
		rev.Spend = append(rev.Spend, *sp)
	}
	slices.SortFunc(rev.Spend, func(a, b ReviewSpend) int {
		return cmp.Or(cmp.Compare(b.Spend, a.Spend), cmp.Compare(b.PreviousMonth, a.PreviousMonth), strings.Compare(a.Currency, b.Currency))
	})
	return nil
}

// changeShare is change as a share of before, nil when before is nothing.
func changeShare(change, before float64) *float64 {
	if before == 0 {
		return nil
	}
	p := change / math.Abs(before)
	return &p
}

// reviewMovers compares the month with the month before (to the same
// cutoff as the spend): teams and the services behind their change in the
// organisation's review, services and the cloud service names behind
// theirs in a team's. Unallocated spend is not a team; the coverage and
// unallocated sections cover it.
func (s *Service) reviewMovers(ctx context.Context, rev *Review, cutoff string) error {
	var one int
	err := s.store.db.R.QueryRowContext(ctx, `SELECT 1 FROM cost_monthly WHERE month = $1 LIMIT 1`, rev.Previous).Scan(&one)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	rev.HasPrevious = true

	q := `SELECT month, team, service, service_name, currency, SUM(effective_cost) FROM cost_daily
		WHERE (month = $1 OR (month = $2 AND day <= $3))`
	args := []any{rev.Month, rev.Previous, cutoff}
	if rev.Team != "" {
		q += ` AND team = $4`
		args = append(args, rev.Team)
	}
	rows, err := s.store.db.R.QueryContext(ctx, q+` GROUP BY month, team, service, service_name, currency`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	type key struct{ mover, currency string }
	movers := map[key]*ReviewMover{}
	parts := map[key]map[string]*Contributor{}
	for rows.Next() {
		var month, team, service, serviceName, currency string
		var v float64
		if err := rows.Scan(&month, &team, &service, &serviceName, &currency, &v); err != nil {
			return err
		}
		if team == unallocatedTo {
			continue
		}
		mover, part := team, service
		if rev.Team != "" {
			mover, part = service, serviceName
		}
		k := key{cmp.Or(mover, "(none)"), currency}
		m := movers[k]
		if m == nil {
			m = &ReviewMover{Name: k.mover, Currency: currency, Behind: []Contributor{}}
			movers[k] = m
			parts[k] = map[string]*Contributor{}
		}
		part = cmp.Or(part, "(none)")
		c := parts[k][part]
		if c == nil {
			c = &Contributor{Name: part}
			parts[k][part] = c
		}
		if month == rev.Month {
			m.Current += v
			c.Current += v
		} else {
			m.Previous += v
			c.Previous += v
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for k, m := range movers {
		m.Change = m.Current - m.Previous
		if math.Abs(m.Change) < 0.005 {
			continue // no change to explain
		}
		m.ChangePct = changeShare(m.Change, m.Previous)
		for _, c := range parts[k] {
			c.Change = c.Current - c.Previous
			if c.Change*m.Change > 0 && math.Abs(c.Change) >= 0.005 {
				m.Behind = append(m.Behind, *c)
			}
		}
		slices.SortFunc(m.Behind, func(a, b Contributor) int {
			return cmp.Or(cmp.Compare(math.Abs(b.Change), math.Abs(a.Change)), strings.Compare(a.Name, b.Name))
		})
		m.Behind = m.Behind[:min(len(m.Behind), reviewContributors)]
		rev.Movers = append(rev.Movers, *m)
	}
	slices.SortFunc(rev.Movers, func(a, b ReviewMover) int {
		return cmp.Or(cmp.Compare(math.Abs(b.Change), math.Abs(a.Change)), strings.Compare(a.Name, b.Name), strings.Compare(a.Currency, b.Currency))
	})
	rev.MoversTotal = len(rev.Movers)
	rev.Movers = rev.Movers[:min(len(rev.Movers), reviewMoversShown)]
	return nil
}

// pressingFirst orders budgets for a review, over first, then at risk,
// then by the share used: the team-wide ones of every team for the
// organisation, every scope of the team for a team.
func pressingFirst(budgets []BudgetStatus, team string) []BudgetStatus {
	out := []BudgetStatus{}
	for _, b := range budgets {
		if team != "" || b.Scope() == "" {
			out = append(out, b)
		}
	}
	rank := map[string]int{BudgetOver: 0, BudgetAtRisk: 1, BudgetOK: 2}
	slices.SortStableFunc(out, func(a, b BudgetStatus) int {
		return cmp.Or(cmp.Compare(rank[a.Status], rank[b.Status]), cmp.Compare(b.UsedPercent, a.UsedPercent))
	})
	return out
}
