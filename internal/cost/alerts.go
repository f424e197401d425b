package cost

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/store"
)

// Alert kinds.
const (
	AlertBudget   = "budget"   // a budget's actual spend crossed a threshold
	AlertForecast = "forecast" // a budget's forecast crossed a threshold
	AlertAnomaly  = "anomaly"  // a day's spend fell outside its expected band
)

// Alert severities.
const (
	SeverityInfo     = "info"
	SeverityWarning  = "warning"
	SeverityCritical = "critical"
)

// Delivery states of an alert.
const (
	AlertPending   = "pending"
	AlertDelivered = "delivered"
	AlertFailed    = "failed"
	// AlertUnrouted is an alert recorded (and shown) with no webhook
	// configured for its team: nothing failed, nothing was sent.
	AlertUnrouted = "unrouted"
)

// Alert is one budget, forecast or anomaly alert and the state of its
// delivery to the team's webhooks.
type Alert struct {
	ID   string `json:"id"`
	Team string `json:"team"`
	Kind string `json:"kind"`
	// DedupeKey makes the alert fire once, e.g.
	// budget:payments::USD:2026-11:actual:80.
	DedupeKey string `json:"dedupe_key"`
	Month     string `json:"month"`
	Day       string `json:"day,omitempty"`
	Severity  string `json:"severity"`
	Message   string `json:"message"`
	// Details are the numbers behind the message: the budget and
	// threshold, or the anomaly with its expected band and drivers.
	Details       map[string]any `json:"details"`
	CreatedAt     time.Time      `json:"created_at"`
	Status        string         `json:"status"`
	Attempts      int            `json:"attempts"`
	NextAttemptAt *time.Time     `json:"next_attempt_at,omitempty"`
	LastError     string         `json:"last_error,omitempty"`
	DeliveredAt   *time.Time     `json:"delivered_at,omitempty"`
}

// AlertList is the body of GET /api/v1/costs/alerts.
type AlertList struct {
	Alerts []Alert `json:"alerts"`
}

// CheckResult is what one Check raised.
type CheckResult struct {
	// Alerts are the alerts this check created (none for what had fired
	// before).
	Alerts []Alert `json:"alerts"`
	// Anomalies are the anomalies found for the first time.
	Anomalies []Anomaly `json:"anomalies"`
}

// budgetDetails are the details of a budget or forecast alert.
type budgetDetails struct {
	Budget          Budget  `json:"budget"`
	Threshold       float64 `json:"threshold"`
	AsOf            string  `json:"as_of"`
	MonthToDate     float64 `json:"month_to_date"`
	Forecast        float64 `json:"forecast"`
	UsedPercent     float64 `json:"used_percent"`
	ForecastPercent float64 `json:"forecast_percent"`
}

// anomalyDetails are the details of an anomaly alert: the anomaly, and
// for a team's anomaly the anomalies of its services the same day.
type anomalyDetails struct {
	Anomaly
	Services []Anomaly `json:"services,omitempty"`
}

// Check raises the alerts due at now: budget thresholds crossed by the
// actual spend of the current and the just-ended month (late billing data
// can still push a closed month over), forecast thresholds crossed for the
// current month, and anomalies on the days of both months up to yesterday
// (today's data is partial and would look like a dip). Every alert has a
// dedupe key, so running Check again, or on another replica, raises
// nothing twice. New alerts are queued for delivery.
func (s *Service) Check(ctx context.Context, now time.Time) (CheckResult, error) {
	now = now.UTC()
	res := CheckResult{Alerts: []Alert{}, Anomalies: []Anomaly{}}
	thisMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	lastMonth := thisMonth.AddDate(0, -1, 0)
	months := []string{lastMonth.Format("2006-01"), thisMonth.Format("2006-01")}

	fired, err := s.firedBudgetKeys(ctx, months)
	if err != nil {
		return res, err
	}
	var alerts []Alert
	for i, month := range months {
		statuses, err := s.budgetStatuses(ctx, month, "")
		if err != nil {
			return res, err
		}
		for _, st := range statuses {
			alerts = append(alerts, s.budgetAlerts(st, i == len(months)-1, fired, now)...)
		}
	}
	yesterday := time.Date(now.Year(), now.Month(), now.Day()-1, 0, 0, 0, 0, time.UTC)
	var anomalies []Anomaly
	if !yesterday.Before(lastMonth) {
		if anomalies, err = s.findAnomalies(ctx, lastMonth.Format(dayLayout), yesterday.Format(dayLayout)); err != nil {
			return res, err
		}
	}
	err = s.store.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, a := range alerts {
			created, err := insertAlert(ctx, tx, a)
			if err != nil {
				return err
			}
			if created {
				res.Alerts = append(res.Alerts, a)
			}
		}
		newAlerts, newAnomalies, err := recordAnomalies(ctx, tx, anomalies, now)
		res.Alerts = append(res.Alerts, newAlerts...)
		res.Anomalies = append(res.Anomalies, newAnomalies...)
		return err
	})
	if err != nil {
		return CheckResult{}, err
	}
	return res, nil
}

// firedBudgetKeys returns the dedupe keys of the budget and forecast
// alerts already raised for months.
func (s *Service) firedBudgetKeys(ctx context.Context, months []string) (map[string]bool, error) {
	rows, err := s.store.db.R.QueryContext(ctx, `SELECT dedupe_key FROM cost_alerts WHERE kind IN ('budget', 'forecast') AND month IN ($1, $2)`, months[0], months[1])
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out[k] = true
	}
	return out, rows.Err()
}

// budgetKeyFor is the dedupe key of a budget's threshold in a month; kind
// of spend is actual or forecast.
func budgetKeyFor(b Budget, month, spend string, threshold float64) string {
	return fmt.Sprintf("budget:%s:%s:%s:%s:%s:%s", b.Team, b.Scope(), b.Currency, month, spend, pct(threshold))
}

func pct(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// highestCrossed returns the highest threshold that percent reached, or 0.
func highestCrossed(percent float64, thresholds []float64) float64 {
	top := 0.0
	for _, t := range thresholds {
		if percent >= t && t > top {
			top = t
		}
	}
	return top
}

// alreadyFired reports whether threshold, or a higher one, fired for the
// budget's month: only the highest threshold crossed alerts, and a month
// that fell back under a threshold after a credit does not alert again.
func alreadyFired(fired map[string]bool, b Budget, month, spend string, threshold float64, thresholds []float64) bool {
	for _, t := range thresholds {
		if t >= threshold && fired[budgetKeyFor(b, month, spend, t)] {
			return true
		}
	}
	return false
}

// budgetAlerts returns the alerts a budget's month calls for: the highest
// actual threshold crossed and, for the current month, the highest
// forecast threshold crossed that actual spend has not reached yet.
func (s *Service) budgetAlerts(st BudgetStatus, current bool, fired map[string]bool, now time.Time) []Alert {
	var out []Alert
	d := budgetDetails{Budget: st.Budget, AsOf: st.AsOf, MonthToDate: st.MonthToDate, Forecast: st.Forecast,
		UsedPercent: st.UsedPercent, ForecastPercent: st.ForecastPercent}
	who := budgetOwner(st.Budget)
	actual := s.cfg.Cost.Thresholds.ActualOrDefault()
	if t := highestCrossed(st.UsedPercent, actual); t > 0 && !alreadyFired(fired, st.Budget, st.Month, "actual", t, actual) {
		d.Threshold = t
		sev := SeverityInfo
		switch {
		case t >= 100:
			sev = SeverityCritical
		case t >= 80:
			sev = SeverityWarning
		}
		msg := fmt.Sprintf("%s has spent %s %s of its %s %s budget for %s (%.0f%%), reaching the %s%% threshold",
			who, formatAmount(st.MonthToDate), st.Currency, formatAmount(st.Amount), st.Currency, st.Month, st.UsedPercent, pct(t))
		out = append(out, newAlert(st.Team, AlertBudget, budgetKeyFor(st.Budget, st.Month, "actual", t), st.Month, st.AsOf, sev, msg, d, now))
	}
	forecast := s.cfg.Cost.Thresholds.ForecastOrDefault()
	if t := highestCrossed(st.ForecastPercent, forecast); current && t > 0 && st.UsedPercent < t && !alreadyFired(fired, st.Budget, st.Month, "forecast", t, forecast) {
		d.Threshold = t
		msg := fmt.Sprintf("%s is forecast to spend %s %s in %s, %.0f%% of its %s %s budget (%s %s spent as of %s)",
			who, formatAmount(st.Forecast), st.Currency, st.Month, st.ForecastPercent, formatAmount(st.Amount), st.Currency,
			formatAmount(st.MonthToDate), st.Currency, st.AsOf)
		out = append(out, newAlert(st.Team, AlertForecast, budgetKeyFor(st.Budget, st.Month, "forecast", t), st.Month, st.AsOf, SeverityWarning, msg, d, now))
	}
	return out
}

func budgetOwner(b Budget) string {
	var parts []string
	if b.Service != "" {
		parts = append(parts, "service "+b.Service)
	}
	if b.Environment != "" {
		parts = append(parts, "environment "+b.Environment)
	}
	if len(parts) == 0 {
		return "team " + b.Team
	}
	return "team " + b.Team + " (" + strings.Join(parts, ", ") + ")"
}

func newAlert(team, kind, key, month, day, severity, msg string, details any, now time.Time) Alert {
	return Alert{ID: alertID(), Team: team, Kind: kind, DedupeKey: key, Month: month, Day: day, Severity: severity,
		Message: msg, Details: asMap(details), CreatedAt: now.UTC().Truncate(time.Millisecond), Status: AlertPending}
}

func alertID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return "alr_" + hex.EncodeToString(b)
}

// asMap turns a details struct into the JSON object it is stored as.
func asMap(v any) map[string]any {
	b, _ := json.Marshal(v)
	out := map[string]any{}
	json.Unmarshal(b, &out)
	return out
}

// insertAlert queues an alert unless its dedupe key fired before.
func insertAlert(ctx context.Context, tx *sql.Tx, a Alert) (bool, error) {
	details, err := json.Marshal(a.Details)
	if err != nil {
		return false, err
	}
	at := a.CreatedAt.UnixMilli()
	r, err := tx.ExecContext(ctx, `INSERT INTO cost_alerts (id, team, kind, dedupe_key, month, day, severity, message, details, created_at,
		status, attempts, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, $12)
		ON CONFLICT (dedupe_key) DO NOTHING`,
		a.ID, a.Team, a.Kind, a.DedupeKey, a.Month, a.Day, a.Severity, a.Message, string(details), at, AlertPending, at)
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n == 1, err
}

// recordAnomalies stores the anomalies not seen before and raises their
// alerts: one per team and day, listing the team's services that were
// anomalous with it, and one per service anomaly on a day the team as a
// whole was not.
func recordAnomalies(ctx context.Context, tx *sql.Tx, found []Anomaly, now time.Time) ([]Alert, []Anomaly, error) {
	type group struct {
		team     *Anomaly
		services []Anomaly
	}
	type groupKey struct{ team, currency, day string }
	groups := map[groupKey]*group{}
	var order []groupKey
	for _, a := range found {
		k := groupKey{a.Team, a.Currency, a.Day}
		g := groups[k]
		if g == nil {
			g = &group{}
			groups[k] = g
			order = append(order, k)
		}
		if a.Service == "" {
			g.team = &a
		} else {
			g.services = append(g.services, a)
		}
	}
	sort.Slice(order, func(i, j int) bool {
		x, y := order[i], order[j]
		if x.day != y.day {
			return x.day < y.day
		}
		if x.team != y.team {
			return x.team < y.team
		}
		return x.currency < y.currency
	})
	var alerts []Alert
	var anomalies []Anomaly
	for _, k := range order {
		g := groups[k]
		if g.team != nil {
			id := alertID()
			created, err := insertAnomaly(ctx, tx, g.team, id, now)
			if err != nil {
				return nil, nil, err
			}
			if created {
				var services []Anomaly
				for i := range g.services {
					ok, err := insertAnomaly(ctx, tx, &g.services[i], id, now)
					if err != nil {
						return nil, nil, err
					}
					if ok {
						services = append(services, g.services[i])
					}
				}
				a := anomalyAlert(*g.team, services, now)
				a.ID = id
				if ok, err := insertAlert(ctx, tx, a); err != nil {
					return nil, nil, err
				} else if ok {
					alerts = append(alerts, a)
				}
				anomalies = append(anomalies, *g.team)
				anomalies = append(anomalies, services...)
				continue
			}
		}
		for i := range g.services {
			id := alertID()
			created, err := insertAnomaly(ctx, tx, &g.services[i], id, now)
			if err != nil {
				return nil, nil, err
			}
			if !created {
				continue
			}
			a := anomalyAlert(g.services[i], nil, now)
			a.ID = id
			if ok, err := insertAlert(ctx, tx, a); err != nil {
				return nil, nil, err
			} else if ok {
				alerts = append(alerts, a)
			}
			anomalies = append(anomalies, g.services[i])
		}
	}
	return alerts, anomalies, nil
}

// insertAnomaly records an anomaly reported by alert id, unless it was
// recorded before.
func insertAnomaly(ctx context.Context, tx *sql.Tx, a *Anomaly, alertID string, now time.Time) (bool, error) {
	drivers, err := json.Marshal(a.Drivers)
	if err != nil {
		return false, err
	}
	r, err := tx.ExecContext(ctx, `INSERT INTO cost_anomalies (team, service, day, currency, actual, expected, lower, upper, impact, drivers, alert_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (team, service, day, currency) DO NOTHING`,
		a.Team, a.Service, a.Day, a.Currency, a.Actual, a.Expected, a.Lower, a.Upper, a.Impact, string(drivers), alertID, now.UnixMilli())
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	if n == 1 {
		a.AlertID = alertID
	}
	return n == 1, err
}

// anomalyAlert words an anomaly alert.
func anomalyAlert(a Anomaly, services []Anomaly, now time.Time) Alert {
	who := "team " + a.Team
	key := "anomaly:" + a.Team + "::" + a.Currency + ":" + a.Day
	if a.Service != "" {
		who = "service " + a.Service + " of team " + a.Team
		key = "anomaly:" + a.Team + ":" + a.Service + ":" + a.Currency + ":" + a.Day
	}
	dir := "above"
	sev := SeverityWarning
	if a.Direction == Dip {
		dir, sev = "below", SeverityInfo
	}
	msg := fmt.Sprintf("%s spent %s %s on %s, %s %s the expected %s (normal range %s to %s)",
		who, formatAmount(a.Actual), a.Currency, a.Day, formatAmount(math.Abs(a.Impact)), dir,
		formatAmount(a.Expected), formatAmount(a.Lower), formatAmount(a.Upper))
	if len(a.Drivers) > 0 {
		var ds []string
		for _, d := range a.Drivers {
			ds = append(ds, fmt.Sprintf("%s %s %+.2f", d.ServiceName, d.ChargeCategory, d.Change))
		}
		msg += "; driven by " + strings.Join(ds, ", ")
	}
	if len(services) > 0 {
		var names []string
		for _, s := range services {
			names = append(names, s.Service)
		}
		msg += "; services: " + strings.Join(names, ", ")
	}
	return newAlert(a.Team, AlertAnomaly, key, a.Day[:7], a.Day, sev, msg, anomalyDetails{Anomaly: a, Services: services}, now)
}

// formatAmount writes an amount with two decimals and thousands
// separators: 12,345.60.
func formatAmount(v float64) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', 2, 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && s != "0.00" {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String() + "." + frac
}

// Alerts lists alerts, newest first, one team's or all (""), of one month
// or all ("").
func (s *Service) Alerts(ctx context.Context, team, month string) ([]Alert, error) {
	if month != "" {
		if err := CheckMonth(month); err != nil {
			return nil, err
		}
	}
	q := `SELECT id, team, kind, dedupe_key, month, day, severity, message, details, created_at, status, attempts,
		next_attempt_at, last_error, delivered_at FROM cost_alerts WHERE 1 = 1`
	var args []any
	if team != "" {
		args = append(args, team)
		q += fmt.Sprintf(` AND team = $%d`, len(args))
	}
	if month != "" {
		args = append(args, month)
		q += fmt.Sprintf(` AND month = $%d`, len(args))
	}
	rows, err := s.store.db.R.QueryContext(ctx, q+` ORDER BY created_at DESC, id LIMIT 1000`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Alert{}
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func scanAlert(rows *sql.Rows) (Alert, error) {
	var a Alert
	var details string
	var created, next, delivered int64
	if err := rows.Scan(&a.ID, &a.Team, &a.Kind, &a.DedupeKey, &a.Month, &a.Day, &a.Severity, &a.Message, &details, &created,
		&a.Status, &a.Attempts, &next, &a.LastError, &delivered); err != nil {
		return a, err
	}
	a.CreatedAt = store.Time(created)
	if a.Status == AlertPending {
		t := store.Time(next)
		a.NextAttemptAt = &t
	}
	if delivered > 0 {
		t := store.Time(delivered)
		a.DeliveredAt = &t
	}
	a.Details = map[string]any{}
	if err := json.Unmarshal([]byte(details), &a.Details); err != nil {
		return a, fmt.Errorf("alert %s: details: %w", a.ID, err)
	}
	return a, nil
}
