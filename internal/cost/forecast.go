package cost

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// How a month's forecast was made.
//
// The forecast of a month is its spend to date plus, for every day still
// to come, a daily run rate taken from the trailing 28 days up to the
// last day with billing data. Cloud spend is not flat across the week:
// batch jobs, CI and developer environments make weekdays dearer than
// weekends (or, for a weekend batch team, the reverse). So when the
// window holds at least two weeks of data (10 weekdays and 4 weekend
// days) the rate is the mean of the weekdays for weekdays and the mean of
// the weekend days for weekends; with less data it is the plain mean of
// the days there are. Days in the window without any imported data (the
// billing history is shorter) are left out rather than counted as zero;
// a day with data but none for this team counts as zero.
const (
	MethodWeekdayWeekend = "weekday-weekend"
	MethodMean           = "mean"
	MethodNone           = "none" // no data to take a rate from
)

// runRateDays is the trailing window the run rate is taken from.
const runRateDays = 28

// Forecast is a month's spend to date and where it is heading, for a
// team (optionally one service or environment of it) in one currency.
type Forecast struct {
	Team        string `json:"team"`
	Service     string `json:"service,omitempty"`
	Environment string `json:"environment,omitempty"`
	Currency    string `json:"currency"`
	Month       string `json:"month"`
	// AsOf is the last day with billing data the forecast stands on.
	AsOf          string  `json:"as_of"`
	MonthToDate   float64 `json:"month_to_date"`
	Forecast      float64 `json:"forecast"`
	RemainingDays int     `json:"remaining_days"`
	Method        string  `json:"method"`
	WeekdayRate   float64 `json:"weekday_rate"`
	WeekendRate   float64 `json:"weekend_rate"`
}

// ForecastList is the body of GET /api/v1/costs/forecast.
type ForecastList struct {
	Month     string     `json:"month"`
	Forecasts []Forecast `json:"forecasts"`
}

const dayLayout = "2006-01-02"

// monthBounds returns the first and last day of a YYYY-MM month.
func monthBounds(month string) (first, last time.Time, err error) {
	first, err = time.Parse("2006-01", month)
	if err != nil {
		return first, first, err
	}
	return first, first.AddDate(0, 1, -1), nil
}

func isWeekend(d time.Time) bool { return d.Weekday() == time.Saturday || d.Weekday() == time.Sunday }

// project forecasts month from one series' daily spend (day → cost).
// asOf is the last day with billing data; covered says which days have
// any billing data at all.
func project(month, asOf string, covered map[string]bool, daily map[string]float64) Forecast {
	f := Forecast{Month: month, AsOf: asOf, Method: MethodNone}
	first, last, err := monthBounds(month)
	if err != nil {
		return f
	}
	end, err := time.Parse(dayLayout, asOf)
	if err != nil || asOf == "" {
		end = first.AddDate(0, 0, -1) // no data yet: the whole month is ahead
	}
	if end.After(last) {
		end = last
	}
	for d := first; !d.After(end); d = d.AddDate(0, 0, 1) {
		f.MonthToDate += daily[d.Format(dayLayout)]
	}
	var weekdays, weekends []float64
	for d := end.AddDate(0, 0, 1-runRateDays); !d.After(end); d = d.AddDate(0, 0, 1) {
		day := d.Format(dayLayout)
		if !covered[day] {
			continue
		}
		if isWeekend(d) {
			weekends = append(weekends, daily[day])
		} else {
			weekdays = append(weekdays, daily[day])
		}
	}
	switch {
	case len(weekdays) >= 10 && len(weekends) >= 4:
		f.Method, f.WeekdayRate, f.WeekendRate = MethodWeekdayWeekend, mean(weekdays), mean(weekends)
	case len(weekdays)+len(weekends) > 0:
		m := mean(append(weekdays, weekends...))
		f.Method, f.WeekdayRate, f.WeekendRate = MethodMean, m, m
	}
	f.Forecast = f.MonthToDate
	start := end.AddDate(0, 0, 1)
	if start.Before(first) {
		start = first
	}
	for d := start; !d.After(last); d = d.AddDate(0, 0, 1) {
		f.RemainingDays++
		if isWeekend(d) {
			f.Forecast += f.WeekendRate
		} else {
			f.Forecast += f.WeekdayRate
		}
	}
	return f
}

func mean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	sum := 0.0
	for _, x := range v {
		sum += x
	}
	return sum / float64(len(v))
}

// spendRow is one day of a team's spend on one service in one
// environment and currency.
type spendRow struct {
	day, team, service, environment, currency string
	cost                                      float64
}

// spendWindow is what forecasts and budgets of a month read: the daily
// spend from runRateDays before the month to its end, which days have
// any billing data, and the last of them.
type spendWindow struct {
	rows    []spendRow
	covered map[string]bool
	asOf    string
}

// loadSpend reads the spend window of month, for one team or all ("").
func (st *costStore) loadSpend(ctx context.Context, month, team string) (spendWindow, error) {
	var w spendWindow
	first, last, err := monthBounds(month)
	if err != nil {
		return w, err
	}
	from, to := first.AddDate(0, 0, -runRateDays).Format(dayLayout), last.Format(dayLayout)
	if w.covered, w.asOf, err = st.coveredDays(ctx, from, to); err != nil {
		return w, err
	}
	q := `SELECT day, team, service, environment, currency, SUM(effective_cost) FROM cost_daily WHERE day >= $1 AND day <= $2`
	args := []any{from, to}
	if team != "" {
		// Naming the months lets one team's rows come straight from the
		// (month, team) index rather than every team's days (6x faster on
		// a year of 1M-charge months).
		q += ` AND team = $3 AND month IN (`
		args = append(args, team)
		for i, m := range monthsSpanned(first.AddDate(0, 0, -runRateDays), last) {
			if i > 0 {
				q += `, `
			}
			args = append(args, m)
			q += fmt.Sprintf("$%d", len(args))
		}
		q += `)`
	}
	rows, err := st.db.R.QueryContext(ctx, q+` GROUP BY day, team, service, environment, currency`, args...)
	if err != nil {
		return w, err
	}
	defer rows.Close()
	for rows.Next() {
		var r spendRow
		if err := rows.Scan(&r.day, &r.team, &r.service, &r.environment, &r.currency, &r.cost); err != nil {
			return w, err
		}
		w.rows = append(w.rows, r)
	}
	return w, rows.Err()
}

// coveredDays returns the days from..to (inclusive) with any billing
// data, and the last of them.
func (st *costStore) coveredDays(ctx context.Context, from, to string) (map[string]bool, string, error) {
	covered, last := map[string]bool{}, ""
	rows, err := st.db.R.QueryContext(ctx, `SELECT DISTINCT day FROM cost_team_daily WHERE day >= $1 AND day <= $2`, from, to)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, "", err
		}
		covered[d] = true
		if d > last {
			last = d
		}
	}
	return covered, last, rows.Err()
}

// series sums the window's rows that keep returns true for, by day.
func (w spendWindow) series(keep func(r spendRow) bool) map[string]float64 {
	out := map[string]float64{}
	for _, r := range w.rows {
		if keep(r) {
			out[r.day] += r.cost
		}
	}
	return out
}

// Forecasts forecasts month for every team (or one) in each currency it
// spends in.
func (s *Service) Forecasts(ctx context.Context, month, team string) (ForecastList, error) {
	out := ForecastList{Month: month, Forecasts: []Forecast{}}
	if err := CheckMonth(month); err != nil {
		return out, err
	}
	w, err := s.store.loadSpend(ctx, month, team)
	if err != nil {
		return out, err
	}
	type teamCurrency struct{ team, currency string }
	seen := map[teamCurrency]bool{}
	var keys []teamCurrency
	for _, r := range w.rows {
		k := teamCurrency{r.team, r.currency}
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].team != keys[j].team {
			return keys[i].team < keys[j].team
		}
		return keys[i].currency < keys[j].currency
	})
	for _, k := range keys {
		f := project(month, w.asOf, w.covered, w.series(func(r spendRow) bool { return r.team == k.team && r.currency == k.currency }))
		f.Team, f.Currency = k.team, k.currency
		out.Forecasts = append(out.Forecasts, f)
	}
	return out, nil
}

// monthsSpanned lists the months (YYYY-MM) from's through to's.
func monthsSpanned(from, to time.Time) []string {
	var out []string
	for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(to); m = m.AddDate(0, 1, 0) {
		out = append(out, m.Format("2006-01"))
	}
	return out
}
