package cost

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/api"
)

// DefaultTrendMonths is how many months a trend covers unless asked;
// MaxTrendMonths bounds what one request may ask for.
const (
	DefaultTrendMonths = 12
	MaxTrendMonths     = 120
)

// Trend is spend per month, team and currency over the latest months that
// have data, each month's allocation coverage, and the teams whose spend
// moved most: what the Costs page draws.
type Trend struct {
	// Months are the months with data, oldest first.
	Months []string `json:"months"`
	Team   string   `json:"team,omitempty"`
	// Rows are one month, team and currency each (the team "unallocated"
	// is the spend nobody owns), each month largest first.
	Rows []TrendRow `json:"rows"`
	// Coverage is each month's allocated share per currency, over every
	// team: narrowing the trend to one team does not change it, since a
	// team's own spend is allocated by definition.
	Coverage []TrendCoverage `json:"coverage"`
	// MoversMonth and MoversPrevious are the months Movers compares: the
	// latest month and the calendar month before it. Both are empty, and
	// Movers too, when the month before has no data (a first import
	// would make every team look new).
	MoversMonth    string `json:"movers_month,omitempty"`
	MoversPrevious string `json:"movers_previous,omitempty"`
	// MoversThrough is the last billed day of MoversMonth when it is not
	// complete: the previous month is then counted up to the same day.
	MoversThrough string  `json:"movers_through,omitempty"`
	Movers        []Mover `json:"movers"`
	// PreviousToDate is, while the latest month is still being billed,
	// the month before's EffectiveCost per currency up to the same day
	// (unallocated spend included): what the month to date compares with.
	PreviousToDate map[string]float64 `json:"previous_to_date,omitempty"`
}

// TrendRow is a team's spend in one month and currency.
type TrendRow struct {
	Month         string  `json:"month"`
	Team          string  `json:"team"`
	Currency      string  `json:"currency"`
	BilledCost    float64 `json:"billed_cost"`
	EffectiveCost float64 `json:"effective_cost"`
	ListCost      float64 `json:"list_cost"`
}

// TrendCoverage is one month's allocation coverage in one currency.
type TrendCoverage struct {
	Month string `json:"month"`
	CoverageRow
}

// Mover is a team whose EffectiveCost changed from one month to the next.
type Mover struct {
	Team     string  `json:"team"`
	Currency string  `json:"currency"`
	Previous float64 `json:"previous_cost"`
	Current  float64 `json:"current_cost"`
	Change   float64 `json:"change"`
	// ChangePct is Change as a share of Previous (0.25 is +25%); null
	// when the team spent nothing the month before.
	ChangePct *float64 `json:"change_pct"`
}

// LatestMonth returns the newest month with cost data, or "" before the
// first import: the month reports default to.
func (s *Service) LatestMonth(ctx context.Context) (string, error) {
	var m *string
	if err := s.store.db.R.QueryRowContext(ctx, `SELECT MAX(month) FROM cost_monthly`).Scan(&m); err != nil || m == nil {
		return "", err
	}
	return *m, nil
}

// Trend reports the latest months (at most months of them) that have
// data, optionally for one team.
func (s *Service) Trend(ctx context.Context, months int, team string) (Trend, error) {
	if months < 1 || months > MaxTrendMonths {
		return Trend{}, api.Invalid("months", "%d is not a number of months paved reports; use 1 to %d", months, MaxTrendMonths)
	}
	tr := Trend{Team: team, Months: []string{}, Rows: []TrendRow{}, Coverage: []TrendCoverage{}, Movers: []Mover{}}
	rows, err := s.store.db.R.QueryContext(ctx, `SELECT DISTINCT month FROM cost_monthly ORDER BY month DESC LIMIT $1`, months)
	if err != nil {
		return tr, err
	}
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			rows.Close()
			return tr, err
		}
		tr.Months = append(tr.Months, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(tr.Months) == 0 {
		return tr, err
	}
	slices.Reverse(tr.Months)

	// Every team, so that coverage is the organisation's; the team filter
	// applies to the rows afterwards.
	rows, err = s.store.db.R.QueryContext(ctx, `SELECT month, team, currency, SUM(billed_cost), SUM(effective_cost), SUM(list_cost), SUM(allocated_cost)
		FROM cost_team_daily WHERE month >= $1 GROUP BY month, team, currency ORDER BY month, SUM(effective_cost) DESC, team, currency`, tr.Months[0])
	if err != nil {
		return tr, err
	}
	defer rows.Close()
	type monthCurrency struct{ month, currency string }
	cov := map[monthCurrency]*TrendCoverage{}
	for rows.Next() {
		var r TrendRow
		var allocated float64
		if err := rows.Scan(&r.Month, &r.Team, &r.Currency, &r.BilledCost, &r.EffectiveCost, &r.ListCost, &allocated); err != nil {
			return tr, err
		}
		k := monthCurrency{r.Month, r.Currency}
		c := cov[k]
		if c == nil {
			c = &TrendCoverage{Month: r.Month, CoverageRow: CoverageRow{Currency: r.Currency}}
			cov[k] = c
		}
		c.Effective += r.EffectiveCost
		c.Allocated += allocated
		if team == "" || r.Team == team {
			tr.Rows = append(tr.Rows, r)
		}
	}
	if err := rows.Err(); err != nil {
		return tr, err
	}
	for _, c := range cov {
		c.finish()
		tr.Coverage = append(tr.Coverage, *c)
	}
	slices.SortFunc(tr.Coverage, func(a, b TrendCoverage) int {
		return cmp.Or(strings.Compare(a.Month, b.Month), strings.Compare(a.Currency, b.Currency))
	})
	prevTotals, through, err := s.previousToDate(ctx, tr.Months[len(tr.Months)-1])
	if err != nil {
		return tr, err
	}
	tr.MoversThrough = through
	if prevTotals != nil {
		tr.PreviousToDate = map[string]float64{}
		for k, v := range prevTotals {
			if team == "" || k[0] == team {
				tr.PreviousToDate[k[1]] += v
			}
		}
	}
	tr.movers(prevTotals)
	return tr, nil
}

// previousToDate returns, while month is still being billed, each team's
// EffectiveCost in the month before it up to the same day of the month,
// and that day: a partly billed month compared with a whole one would
// show every team spending less. A complete month returns nil (compare
// whole months).
func (s *Service) previousToDate(ctx context.Context, month string) (map[[2]string]float64, string, error) {
	var last string
	if err := s.store.db.R.QueryRowContext(ctx, `SELECT MAX(day) FROM cost_team_daily WHERE month = $1`, month).Scan(&last); err != nil {
		return nil, "", err
	}
	lastDay, err := time.Parse("2006-01-02", last)
	if err != nil || lastDay.AddDate(0, 0, 1).Month() != lastDay.Month() {
		return nil, "", nil
	}
	prev := PreviousMonth(month)
	cutoff := fmt.Sprintf("%s-%02d", prev, min(lastDay.Day(), daysIn(prev)))
	rows, err := s.store.db.R.QueryContext(ctx, `SELECT team, currency, SUM(effective_cost) FROM cost_team_daily
		WHERE month = $1 AND day <= $2 GROUP BY team, currency`, prev, cutoff)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	out := map[[2]string]float64{}
	for rows.Next() {
		var team, currency string
		var v float64
		if err := rows.Scan(&team, &currency, &v); err != nil {
			return nil, "", err
		}
		out[[2]string{team, currency}] = v
	}
	return out, last, rows.Err()
}

func daysIn(month string) int {
	t, _ := time.Parse("2006-01", month)
	return t.AddDate(0, 1, -1).Day()
}

// movers compares the latest month with the calendar month before it,
// team by team and currency by currency, largest change first. Spend
// nobody owns is not a team and is left to the coverage trend.
//
// prevToDate, when not nil, replaces the previous month's totals with its
// spend up to the same day (see previousToDate).
func (tr *Trend) movers(prevToDate map[[2]string]float64) {
	latest := tr.Months[len(tr.Months)-1]
	prev := PreviousMonth(latest)
	if !slices.Contains(tr.Months, prev) {
		return
	}
	tr.MoversMonth, tr.MoversPrevious = latest, prev
	type teamCurrency struct{ team, currency string }
	byKey := map[teamCurrency]*Mover{}
	for _, r := range tr.Rows {
		if r.Team == unallocatedTo || (r.Month != latest && r.Month != prev) {
			continue
		}
		k := teamCurrency{r.Team, r.Currency}
		m := byKey[k]
		if m == nil {
			m = &Mover{Team: r.Team, Currency: r.Currency}
			byKey[k] = m
		}
		if r.Month == latest {
			m.Current += r.EffectiveCost
		} else if prevToDate == nil {
			m.Previous += r.EffectiveCost
		}
	}
	for k, v := range prevToDate {
		if k[0] == unallocatedTo || (tr.Team != "" && k[0] != tr.Team) {
			continue
		}
		m := byKey[teamCurrency{k[0], k[1]}]
		if m == nil {
			m = &Mover{Team: k[0], Currency: k[1]}
			byKey[teamCurrency{k[0], k[1]}] = m
		}
		m.Previous = v
	}
	for _, m := range byKey {
		m.Change = m.Current - m.Previous
		if m.Previous != 0 {
			pct := m.Change / math.Abs(m.Previous)
			m.ChangePct = &pct
		}
		tr.Movers = append(tr.Movers, *m)
	}
	slices.SortFunc(tr.Movers, func(a, b Mover) int {
		return cmp.Or(cmp.Compare(math.Abs(b.Change), math.Abs(a.Change)),
			strings.Compare(a.Team, b.Team), strings.Compare(a.Currency, b.Currency))
	})
}

// PreviousMonth returns the YYYY-MM month before month ("" for a month
// that is not one).
func PreviousMonth(month string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return ""
	}
	return t.AddDate(0, -1, 0).Format("2006-01")
}
