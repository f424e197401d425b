package cost

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/paved-dev/paved/internal/config"
)

// Anomaly detection judges each day's EffectiveCost of a team, and of
// each of its services, against the same series over the trailing
// baseline days (28 by default, the day itself excluded). The expected
// spend is the baseline's median and the band around it is
//
//	median ± sensitivity × 1.4826 × MAD
//
// where MAD is the median absolute deviation: 1.4826 × MAD estimates the
// standard deviation of normal data, yet one earlier spike in the
// baseline moves neither median nor MAD, as it would a mean and standard
// deviation. A series that never moves has a MAD of zero and would make
// every cent an anomaly, so the MAD is floored at madFloor of the median.
// A day outside the band is an anomaly only when it also differs from the
// median by at least min_impact, so that pennies page nobody. Dips count
// as well as spikes: a credit or a service that stopped spending is news
// to its owner too.
//
// Billing data arrives per billing account, each export with its own lag,
// so a day is judged only once every billing account the series spent in
// (over the baseline and the day) has data for it: otherwise the first
// account's import would make every team of the others look like a dip.
// Likewise a baseline day counts when any of those accounts has data for
// it, and a day with data but no spend of the series counts as zero.

// madFloor is the smallest MAD used, as a fraction of the median.
const madFloor = 0.05

// madScale turns a MAD into a standard deviation for normal data.
const madScale = 1.4826

// Anomaly directions.
const (
	Spike = "spike"
	Dip   = "dip"
)

// Anomaly is one day's unusual spend of a team (Service "") or of one of
// its services, in one currency.
type Anomaly struct {
	Team     string  `json:"team"`
	Service  string  `json:"service,omitempty"`
	Day      string  `json:"day"`
	Currency string  `json:"currency"`
	Actual   float64 `json:"actual"`
	// Expected is the baseline median; Lower and Upper bound the band.
	Expected  float64 `json:"expected"`
	Lower     float64 `json:"lower"`
	Upper     float64 `json:"upper"`
	Impact    float64 `json:"impact"` // Actual - Expected
	Direction string  `json:"direction"`
	// Drivers are the service names and charge categories whose change
	// from their own baseline median made most of the difference.
	Drivers []Driver `json:"drivers"`
	AlertID string   `json:"alert_id,omitempty"`
}

// Driver is one service name and charge category's part in an anomaly.
type Driver struct {
	ServiceName    string  `json:"service_name"`
	ChargeCategory string  `json:"charge_category"`
	Actual         float64 `json:"actual"`
	Expected       float64 `json:"expected"`
	Change         float64 `json:"change"`
}

// maxDrivers is how many drivers an anomaly names.
const maxDrivers = 3

type driverKey struct{ serviceName, chargeCategory string }

// costSeries is the daily EffectiveCost of a team (service "") or a team's
// service in one currency, each day split by service name and charge
// category, with the billing accounts it spent in.
type costSeries struct {
	team, service, currency string
	days                    map[string]map[driverKey]float64
	// accounts maps each billing account the series spent in to the days
	// it did.
	accounts map[string]map[string]bool
}

func (cs *costSeries) add(day, account string, k driverKey, v float64) {
	if cs.days == nil {
		cs.days = map[string]map[driverKey]float64{}
		cs.accounts = map[string]map[string]bool{}
	}
	if cs.days[day] == nil {
		cs.days[day] = map[driverKey]float64{}
	}
	cs.days[day][k] += v
	if cs.accounts[account] == nil {
		cs.accounts[account] = map[string]bool{}
	}
	cs.accounts[account][day] = true
}

// accountDays says which days each billing account (provider/account)
// has any billing data for.
type accountDays map[string]map[string]bool

func (cs *costSeries) total(day string) float64 {
	t := 0.0
	for _, v := range cs.days[day] {
		t += v
	}
	return t
}

// band is what a day is judged against.
type band struct{ expected, lower, upper float64 }

// expectedBand computes the median and the robust band of a baseline.
func expectedBand(baseline []float64, sensitivity float64) band {
	med := median(baseline)
	dev := make([]float64, len(baseline))
	for i, v := range baseline {
		dev[i] = math.Abs(v - med)
	}
	mad := math.Max(median(dev), madFloor*math.Abs(med))
	w := sensitivity * madScale * mad
	return band{expected: med, lower: med - w, upper: med + w}
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64{}, v...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// minBaseline is how many baseline days with data a day needs before it
// is judged: half the baseline, at least a week.
func minBaseline(p config.Anomaly) int { return max(7, p.BaselineDays/2) }

// detect judges each of days (in order) against its trailing baseline.
// covered says which days each billing account has data for.
func detect(cs *costSeries, days []string, covered accountDays, p config.Anomaly) []Anomaly {
	p = p.WithDefaults()
	var out []Anomaly
	for _, day := range days {
		d, err := time.Parse(dayLayout, day)
		if err != nil {
			continue
		}
		window := make([]string, 0, p.BaselineDays+1)
		for i := p.BaselineDays; i >= 0; i-- {
			window = append(window, d.AddDate(0, 0, -i).Format(dayLayout))
		}
		// The accounts the series spent in over the window, each of which
		// must have reported the day.
		var accounts []string
		ready := true
		for acct, spent := range cs.accounts {
			for _, w := range window {
				if spent[w] {
					accounts = append(accounts, acct)
					ready = ready && covered[acct][day]
					break
				}
			}
		}
		if len(accounts) == 0 || !ready {
			continue
		}
		var base []string
		for _, b := range window[:len(window)-1] {
			for _, acct := range accounts {
				if covered[acct][b] {
					base = append(base, b)
					break
				}
			}
		}
		if len(base) < minBaseline(p) {
			continue
		}
		values := make([]float64, len(base))
		for i, b := range base {
			values[i] = cs.total(b)
		}
		bd := expectedBand(values, p.Sensitivity)
		actual := cs.total(day)
		impact := actual - bd.expected
		if (actual >= bd.lower && actual <= bd.upper) || math.Abs(impact) < p.MinImpact {
			continue
		}
		a := Anomaly{Team: cs.team, Service: cs.service, Day: day, Currency: cs.currency, Actual: actual,
			Expected: bd.expected, Lower: bd.lower, Upper: bd.upper, Impact: impact, Direction: Spike}
		if impact < 0 {
			a.Direction = Dip
		}
		a.Drivers = drivers(cs, day, base, a.Direction)
		out = append(out, a)
	}
	return out
}

// drivers returns the service name and charge category changes against
// their baseline medians that pushed the day in direction, largest first.
func drivers(cs *costSeries, day string, base []string, direction string) []Driver {
	keys := map[driverKey]bool{}
	for _, d := range append([]string{day}, base...) {
		for k := range cs.days[d] {
			keys[k] = true
		}
	}
	out := []Driver{}
	for k := range keys {
		vals := make([]float64, len(base))
		for i, b := range base {
			vals[i] = cs.days[b][k]
		}
		exp := median(vals)
		act := cs.days[day][k]
		ch := act - exp
		if (direction == Spike && ch <= 0) || (direction == Dip && ch >= 0) {
			continue
		}
		out = append(out, Driver{ServiceName: k.serviceName, ChargeCategory: k.chargeCategory, Actual: act, Expected: exp, Change: ch})
	}
	sort.Slice(out, func(i, j int) bool {
		if a, b := math.Abs(out[i].Change), math.Abs(out[j].Change); a != b {
			return a > b
		}
		if out[i].ServiceName != out[j].ServiceName {
			return out[i].ServiceName < out[j].ServiceName
		}
		return out[i].ChargeCategory < out[j].ChargeCategory
	})
	if len(out) > maxDrivers {
		out = out[:maxDrivers]
	}
	return out
}

// anomalyWindow is what a scan reads: the series of every team and team
// service from the baseline before the first day scanned, and which days
// each billing account has data for.
type anomalyWindow struct {
	series  []*costSeries
	covered accountDays
}

// loadAnomalyWindow reads the series of the days from..to and the
// baselineDays before them.
func (st *costStore) loadAnomalyWindow(ctx context.Context, from, to string, baselineDays int) (anomalyWindow, error) {
	w := anomalyWindow{covered: accountDays{}}
	f, err := time.Parse(dayLayout, from)
	if err != nil {
		return w, err
	}
	start := f.AddDate(0, 0, -baselineDays).Format(dayLayout)
	rows, err := st.db.R.QueryContext(ctx, `SELECT day, provider, billing_account, team, service, service_name, charge_category, currency, SUM(effective_cost)
		FROM cost_daily WHERE day >= $1 AND day <= $2
		GROUP BY day, provider, billing_account, team, service, service_name, charge_category, currency`, start, to)
	if err != nil {
		return w, err
	}
	defer rows.Close()
	type seriesKey struct{ team, service, currency string }
	byKey := map[seriesKey]*costSeries{}
	get := func(k seriesKey) *costSeries {
		cs := byKey[k]
		if cs == nil {
			cs = &costSeries{team: k.team, service: k.service, currency: k.currency}
			byKey[k] = cs
			w.series = append(w.series, cs)
		}
		return cs
	}
	for rows.Next() {
		var day, provider, account, team, service, currency string
		var k driverKey
		var v float64
		if err := rows.Scan(&day, &provider, &account, &team, &service, &k.serviceName, &k.chargeCategory, &currency, &v); err != nil {
			return w, err
		}
		acct := provider + "/" + account
		if w.covered[acct] == nil {
			w.covered[acct] = map[string]bool{}
		}
		w.covered[acct][day] = true
		get(seriesKey{team, "", currency}).add(day, acct, k, v)
		if service != "" {
			get(seriesKey{team, service, currency}).add(day, acct, k, v)
		}
	}
	sort.Slice(w.series, func(i, j int) bool {
		x, y := w.series[i], w.series[j]
		if x.team != y.team {
			return x.team < y.team
		}
		if x.service != y.service {
			return x.service < y.service
		}
		return x.currency < y.currency
	})
	return w, rows.Err()
}

// findAnomalies scans the days from..to (inclusive) with billing data.
func (s *Service) findAnomalies(ctx context.Context, from, to string) ([]Anomaly, error) {
	p := s.cfg.Cost.Anomaly.WithDefaults()
	w, err := s.store.loadAnomalyWindow(ctx, from, to, p.BaselineDays)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var days []string
	for _, byDay := range w.covered {
		for d := range byDay {
			if d >= from && d <= to && !seen[d] {
				seen[d] = true
				days = append(days, d)
			}
		}
	}
	sort.Strings(days)
	var out []Anomaly
	for _, cs := range w.series {
		out = append(out, detect(cs, days, w.covered, p)...)
	}
	return out, nil
}
