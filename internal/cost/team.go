package cost

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/api"
)

// TeamMonth is one team's month of spend, as its team page shows it.
type TeamMonth struct {
	Team string `json:"team"`
	// Month is the month reported; "" before the first import.
	Month string `json:"month"`
	// Through is the last day of Month that has charges for anyone: the
	// month is reported to that date. Exports lag a day or two, so
	// "today" would overstate how far a month has run.
	Through  string `json:"through,omitempty"`
	Previous string `json:"previous_month"`
	// Currencies hold the month-to-date and previous month per currency,
	// which are never added together.
	Currencies []TeamCurrency `json:"currencies"`
	// Services is the month by service, largest first.
	Services []ReportRow `json:"services"`
	// Days is the month's EffectiveCost per day and currency, in order;
	// days without charges are left out.
	Days []DayCost `json:"days"`
}

// TeamCurrency is a team's spend in one currency this month and the one
// before.
type TeamCurrency struct {
	Currency    string  `json:"currency"`
	MonthToDate float64 `json:"month_to_date"`
	// PreviousMonth is the whole previous month; PreviousToDate the
	// previous month up to the same day of the month as Through, which
	// is the fair comparison while a month is still running.
	PreviousMonth  float64 `json:"previous_month"`
	PreviousToDate float64 `json:"previous_to_date"`
}

// DayCost is one day's EffectiveCost in one currency.
type DayCost struct {
	Day           string  `json:"day"`
	Currency      string  `json:"currency"`
	EffectiveCost float64 `json:"effective_cost"`
}

// TeamMonth reports a team's month ("" for the latest month with data).
// A team that is neither in the catalog nor in the cost data is not found:
// teams removed from the catalog keep their history, and "unallocated"
// answers too.
func (s *Service) TeamMonth(ctx context.Context, team, month string) (TeamMonth, error) {
	tm := TeamMonth{Team: team, Currencies: []TeamCurrency{}, Services: []ReportRow{}, Days: []DayCost{}}
	if !s.catalog.Index().TeamExists(team) {
		var one int
		err := s.store.db.R.QueryRowContext(ctx, `SELECT 1 FROM cost_monthly WHERE team = $1 LIMIT 1`, team).Scan(&one)
		if err == sql.ErrNoRows {
			return tm, api.NotFound("team %q is not in the catalog and has no costs", team)
		}
		if err != nil {
			return tm, err
		}
	}
	if month == "" {
		latest, err := s.LatestMonth(ctx)
		if err != nil || latest == "" {
			return tm, err
		}
		month = latest
	}
	if err := CheckMonth(month); err != nil {
		return tm, err
	}
	tm.Month, tm.Previous = month, PreviousMonth(month)

	var through *string
	if err := s.store.db.R.QueryRowContext(ctx, `SELECT MAX(day) FROM cost_team_daily WHERE month = $1`, month).Scan(&through); err != nil {
		return tm, err
	}
	if through != nil {
		tm.Through = *through
	}
	rows, err := s.store.db.R.QueryContext(ctx, `SELECT month, currency, SUM(effective_cost), SUM(CASE WHEN day <= $4 THEN effective_cost ELSE 0 END)
		FROM cost_team_daily WHERE team = $1 AND month IN ($2, $3) GROUP BY month, currency`, team, month, tm.Previous, previousCutoff(tm.Previous, tm.Through))
	if err != nil {
		return tm, err
	}
	byCurrency := map[string]*TeamCurrency{}
	for rows.Next() {
		var m, c string
		var total, toDate float64
		if err := rows.Scan(&m, &c, &total, &toDate); err != nil {
			rows.Close()
			return tm, err
		}
		tc := byCurrency[c]
		if tc == nil {
			tc = &TeamCurrency{Currency: c}
			byCurrency[c] = tc
		}
		if m == month {
			tc.MonthToDate = total
		} else {
			tc.PreviousMonth, tc.PreviousToDate = total, toDate
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return tm, err
	}
	for _, tc := range byCurrency {
		tm.Currencies = append(tm.Currencies, *tc)
	}
	// The currency the team spends most in first.
	slices.SortFunc(tm.Currencies, func(a, b TeamCurrency) int {
		return cmp.Or(cmp.Compare(b.MonthToDate, a.MonthToDate), cmp.Compare(b.PreviousMonth, a.PreviousMonth), strings.Compare(a.Currency, b.Currency))
	})

	rep, err := s.Report(ctx, month, "service", team)
	if err != nil {
		return tm, err
	}
	tm.Services = rep.Rows

	rows, err = s.store.db.R.QueryContext(ctx, `SELECT day, currency, SUM(effective_cost) FROM cost_team_daily
		WHERE month = $1 AND team = $2 GROUP BY day, currency ORDER BY day, currency`, month, team)
	if err != nil {
		return tm, err
	}
	defer rows.Close()
	for rows.Next() {
		var d DayCost
		if err := rows.Scan(&d.Day, &d.Currency, &d.EffectiveCost); err != nil {
			return tm, err
		}
		tm.Days = append(tm.Days, d)
	}
	return tm, rows.Err()
}

// previousCutoff is the last day of the previous month that compares
// with a month reported through the given day: the same day of the
// month, or the whole previous month once the reported one is complete
// (or has no data, or is longer than the previous one at that point).
func previousCutoff(previous, through string) string {
	whole := previous + "-99"
	t, err := time.Parse(time.DateOnly, through)
	if err != nil || t.AddDate(0, 0, 1).Day() == 1 {
		return whole
	}
	p, err := time.Parse("2006-01", previous)
	if err != nil {
		return whole
	}
	if last := p.AddDate(0, 1, -1).Day(); t.Day() >= last {
		return whole
	}
	return p.AddDate(0, 0, t.Day()-1).Format(time.DateOnly)
}
