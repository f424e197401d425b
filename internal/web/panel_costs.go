package web

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-analyze/charts"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/cost"
)

func init() {
	teamPanels = append(teamPanels, teamPanel{
		Title:    "Costs",
		Template: "costs",
		Load:     loadCosts,
	})
}

type costsPanel struct {
	Team string
	// Month is the latest month with cost data, reported through the day
	// Through; Complete is set once Through is the month's last day.
	Month, Previous, Through string
	Complete                 bool
	Currencies               []teamCurrency
	Daily                    []dailyChart
	Services                 []serviceCost
	// Outlook is where the team's month is heading: its budgets and
	// forecasts, its anomalies and its alerts; nil when it has none.
	Outlook *costOutlook
}

// teamCurrency is a team's month in one currency, compared with the
// same days of the month before.
type teamCurrency struct {
	cost.TeamCurrency
	// Change is against PreviousToDate; nil when that was nothing.
	Change *float64
}

// Up reports whether the team spends more than in the same days of the
// month before.
func (c teamCurrency) Up() bool { return c.Change != nil && *c.Change > 0 }

// dailyChart is one currency's spend per day of the month.
type dailyChart struct {
	Currency string
	Chart    template.HTML
}

// serviceCost is one line of the services breakdown.
type serviceCost struct {
	cost.ReportRow
	// Share is of the team's month in the row's currency.
	Share float64
	// Known is set for a service in the catalog, which has a page.
	Known bool
}

func loadCosts(u *ui, r *http.Request, t catalog.Team) (any, error) {
	if u.cost == nil {
		return nil, nil
	}
	tm, err := u.cost.TeamMonth(r.Context(), t.Name, "")
	if err != nil {
		return nil, err
	}
	if tm.Month == "" || len(tm.Currencies) == 0 {
		// No spend this month or the one before: the panel is left out.
		return nil, nil
	}
	data := &costsPanel{Team: t.Name, Month: tm.Month, Previous: tm.Previous, Through: tm.Through}
	first, _ := time.Parse("2006-01", tm.Month)
	last := first.AddDate(0, 1, -1)
	through, err := time.Parse(time.DateOnly, tm.Through)
	if err != nil {
		through = last
	}
	data.Complete = !through.Before(last)
	if data.Outlook, err = loadOutlook(r.Context(), u.cost, t.Name, tm.Month); err != nil {
		return nil, err
	}

	totals := map[string]float64{}
	for _, c := range tm.Currencies {
		tc := teamCurrency{TeamCurrency: c}
		if c.PreviousToDate != 0 {
			pct := (c.MonthToDate - c.PreviousToDate) / math.Abs(c.PreviousToDate)
			tc.Change = &pct
		}
		data.Currencies = append(data.Currencies, tc)
		totals[c.Currency] = c.MonthToDate
	}

	services := map[string]bool{}
	for _, s := range u.cat.Current().Services {
		services[s.Name] = true
	}
	for _, s := range tm.Services {
		sc := serviceCost{ReportRow: s, Known: services[s.Key]}
		if tot := totals[s.Currency]; tot != 0 {
			sc.Share = s.EffectiveCost / tot
		}
		data.Services = append(data.Services, sc)
	}

	// One bar per day from the 1st to the last day with data, so quiet
	// days show as gaps rather than disappearing.
	days := int(through.Sub(first).Hours()/24) + 1
	labels := make([]string, days)
	for i := range labels {
		labels[i] = first.AddDate(0, 0, i).Format("Jan 2")
	}
	for _, c := range data.Currencies {
		values := make([]float64, days)
		for _, d := range tm.Days {
			day, err := time.Parse(time.DateOnly, d.Day)
			if d.Currency != c.Currency || err != nil {
				continue
			}
			if i := int(day.Sub(first).Hours() / 24); i >= 0 && i < days {
				values[i] += d.EffectiveCost
			}
		}
		chart, err := moneyBars(fmt.Sprintf("Daily spend of %s in %s, %s", t.DisplayName, monthName(tm.Month), c.Currency), labels,
			[]moneySeries{{Name: c.Currency, Color: teamColors[0], Values: values}}, stackOptions{Height: 180, LabelCount: 8})
		if err != nil {
			return nil, fmt.Errorf("drawing the daily %s spend: %w", c.Currency, err)
		}
		if chart != "" {
			data.Daily = append(data.Daily, dailyChart{Currency: c.Currency, Chart: chart})
		}
	}
	return data, nil
}

// The outlook reads budgets, forecasts and alerts through cost.Service
// and only arranges them: every number on it is the service's.

// alertsShown is how many of a team's latest alerts the panel lists.
const alertsShown = 8

type costOutlook struct {
	Month string
	// Currencies are the team's month per currency, with its team-wide
	// budget when it has one.
	Currencies []currencyOutlook
	// Scoped are the budgets of one service or environment of the team.
	Scoped     []budgetLine
	Thresholds string
	// Anomalies are the anomaly alerts of Month, latest day first.
	Anomalies []anomalyLine
	// Alerts are the latest alertsShown of AlertsTotal alerts.
	Alerts      []alertLine
	AlertsTotal int
}

// currencyOutlook is a team's month in one currency: spend to date, the
// forecast, and the team-wide budget they are measured against.
type currencyOutlook struct {
	Team, Currency, Month string
	// AsOf is the last day with billing data; Forecast is MonthToDate
	// plus RemainingDays at the run rate Method names.
	AsOf                  string
	MonthToDate, Forecast float64
	RemainingDays         int
	Method                string
	Budget                *budgetLine
	Bar                   template.HTML
}

func outlookOf(f cost.Forecast, b *budgetLine) currencyOutlook {
	return currencyOutlook{Team: f.Team, Currency: f.Currency, Month: f.Month, AsOf: f.AsOf, MonthToDate: f.MonthToDate,
		Forecast: f.Forecast, RemainingDays: f.RemainingDays, Method: f.Method, Budget: b}
}

// MethodNote says how the forecast was made.
func (c currencyOutlook) MethodNote() string {
	switch c.Method {
	case cost.MethodWeekdayWeekend:
		return "weekday and weekend run rates of the last 28 days"
	case cost.MethodMean:
		return "the mean day of the billing data there is"
	}
	return "no billing data to take a run rate from"
}

// budgetLine is one budget with the month's spend against it.
type budgetLine struct {
	cost.BudgetStatus
}

// UsedShare and ForecastShare are the percentages as shares, for sharePct.
func (b budgetLine) UsedShare() float64     { return b.UsedPercent / 100 }
func (b budgetLine) ForecastShare() float64 { return b.ForecastPercent / 100 }

// StatusText words the budget's status.
func (b budgetLine) StatusText() string {
	switch b.Status {
	case cost.BudgetOver:
		return "over budget"
	case cost.BudgetAtRisk:
		return "forecast over budget"
	}
	return "within budget"
}

// anomalyLine is one anomaly alert: the anomaly as it was detected.
type anomalyLine struct {
	cost.Anomaly
	// Services are the team's services that were anomalous the same day,
	// for an anomaly of the whole team.
	Services []string
}

// Spike reports whether the day spent more than expected.
func (a anomalyLine) Spike() bool { return a.Direction == cost.Spike }

// alertLine is one alert and the state of its delivery.
type alertLine struct {
	cost.Alert
}

// SeverityClass is the badge class of the alert's severity (paved.css).
func (a alertLine) SeverityClass() string {
	switch a.Severity {
	case cost.SeverityCritical:
		return "sev-critical"
	case cost.SeverityWarning:
		return "sev-medium"
	}
	return "sev-low"
}

// loadOutlook gathers a team's budgets, forecasts and alerts for month.
func loadOutlook(ctx context.Context, svc *cost.Service, team, month string) (*costOutlook, error) {
	thresholds := svc.ActualThresholds()
	o := &costOutlook{Month: month, Thresholds: thresholdList(thresholds)}
	fl, err := svc.Forecasts(ctx, month, team)
	if err != nil {
		return nil, fmt.Errorf("forecasting the month: %w", err)
	}
	budgets, err := svc.TeamBudgets(ctx, team, month)
	if err != nil {
		return nil, fmt.Errorf("reading budgets: %w", err)
	}
	teamWide := map[string]*budgetLine{}
	for _, b := range budgets {
		if b.Scope() == "" {
			teamWide[b.Currency] = &budgetLine{b}
		} else {
			o.Scoped = append(o.Scoped, budgetLine{b})
		}
	}
	seen := map[string]bool{}
	for _, f := range fl.Forecasts {
		seen[f.Currency] = true
		o.Currencies = append(o.Currencies, outlookOf(f, teamWide[f.Currency]))
	}
	// A budget in a currency the team has not spent in this month.
	for _, b := range budgets {
		if b.Scope() == "" && !seen[b.Currency] {
			o.Currencies = append(o.Currencies, outlookOf(cost.Forecast{Team: team, Currency: b.Currency, Month: month, AsOf: b.AsOf,
				MonthToDate: b.MonthToDate, Forecast: b.Forecast, Method: cost.MethodNone}, teamWide[b.Currency]))
		}
	}
	for i := range o.Currencies {
		c := &o.Currencies[i]
		if c.Budget == nil {
			continue
		}
		title := fmt.Sprintf("%s of the %s budget spent and forecast for %s", sharePct(c.Budget.UsedShare()), money(c.Budget.Amount, c.Currency), monthName(month))
		if c.Bar, err = budgetBar(title, c.Budget.BudgetStatus, thresholds); err != nil {
			return nil, fmt.Errorf("drawing the %s budget: %w", c.Currency, err)
		}
	}

	alerts, err := svc.Alerts(ctx, team, "")
	if err != nil {
		return nil, fmt.Errorf("listing alerts: %w", err)
	}
	// Alerts raised in one run share a time; the day and severity order
	// them the same way on every page view.
	slices.SortStableFunc(alerts, func(a, b cost.Alert) int {
		return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), strings.Compare(b.Day, a.Day), alertRank(b.Severity)-alertRank(a.Severity), strings.Compare(a.DedupeKey, b.DedupeKey))
	})
	o.AlertsTotal = len(alerts)
	for _, a := range alerts[:min(len(alerts), alertsShown)] {
		o.Alerts = append(o.Alerts, alertLine{a})
	}
	for _, a := range alerts {
		if a.Kind != cost.AlertAnomaly || a.Month != month {
			continue
		}
		line, err := anomalyOf(a)
		if err != nil {
			return nil, err
		}
		o.Anomalies = append(o.Anomalies, line)
	}
	slices.SortStableFunc(o.Anomalies, func(a, b anomalyLine) int { return strings.Compare(b.Day, a.Day) })

	if len(o.Currencies) == 0 && len(o.Scoped) == 0 && len(o.Alerts) == 0 {
		return nil, nil
	}
	return o, nil
}

// alertRank orders alert severities, critical highest.
func alertRank(s string) int {
	switch s {
	case cost.SeverityCritical:
		return 2
	case cost.SeverityWarning:
		return 1
	}
	return 0
}

// anomalyOf reads the anomaly an alert reports from its details, which
// hold the anomaly's fields and, for a team's anomaly, its services'.
func anomalyOf(a cost.Alert) (anomalyLine, error) {
	var d struct {
		cost.Anomaly
		Services []cost.Anomaly `json:"services"`
	}
	b, err := json.Marshal(a.Details)
	if err == nil {
		err = json.Unmarshal(b, &d)
	}
	if err != nil {
		return anomalyLine{}, fmt.Errorf("alert %s: reading its anomaly: %w", a.ID, err)
	}
	line := anomalyLine{Anomaly: d.Anomaly}
	for _, s := range d.Services {
		line.Services = append(line.Services, s.Service)
	}
	return line, nil
}

// thresholdList writes thresholds as "50%, 80% and 100%".
func thresholdList(ts []float64) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = strconv.FormatFloat(t, 'f', -1, 64) + "%"
	}
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// Colours of the budget bar: spend to date, the rest of the forecast, and
// the same in the danger colour once they pass the budget.
const (
	colorSpent        = "#2f6fde"
	colorForecast     = "#a9c4f5"
	colorSpentOver    = "#d9534f"
	colorForecastOver = "#f2b8b5"
	colorTrack        = "#eef1f5"
	colorThreshold    = "#8a97ab"
	colorBudgetLine   = "#1b2330"
)

// budgetBar draws a budget as one horizontal bar: spend to date, the
// forecast beyond it, a mark at each alert threshold and the budget
// itself. The scale runs to the budget or the forecast, whichever is
// larger, so an overrun is drawn past the budget's line.
func budgetBar(title string, b cost.BudgetStatus, thresholds []float64) (template.HTML, error) {
	if !(b.Amount > 0) {
		return "", nil
	}
	const width, height, left, right, top, bottom = 960, 58, 4, 4, 22, 46
	scale := math.Max(b.Amount, math.Max(b.Forecast, b.MonthToDate)) * 1.04
	x := func(v float64) int { return left + int(math.Round(math.Max(0, v)/scale*float64(width-left-right))) }
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputSVG, Width: width, Height: height})
	hex := charts.ColorFromHex
	p.FilledRect(left, top, width-right, bottom, hex(colorTrack), charts.ColorTransparent, 0)
	spent, forecast := colorSpent, colorForecast
	if b.MonthToDate > b.Amount {
		spent = colorSpentOver
	}
	if b.Forecast > b.Amount {
		forecast = colorForecastOver
	}
	if b.Forecast > b.MonthToDate {
		p.FilledRect(left, top, x(b.Forecast), bottom, hex(forecast), charts.ColorTransparent, 0)
	}
	if b.MonthToDate > 0 {
		p.FilledRect(left, top, x(b.MonthToDate), bottom, hex(spent), charts.ColorTransparent, 0)
	}
	font := charts.NewFontStyleWithSize(chartFontSize)
	font.FontColor = hex("#475569")
	// The budget itself is marked whether or not 100% alerts.
	marks := slices.Clone(thresholds)
	if !slices.Contains(marks, 100) {
		marks = append(marks, 100)
		slices.Sort(marks)
	}
	lastLabel := -1000
	for _, t := range marks {
		tx := x(b.Amount * t / 100)
		label := strconv.FormatFloat(t, 'f', -1, 64) + "%"
		if t == 100 {
			label = "budget"
			p.LineStroke([]charts.Point{{X: tx, Y: top - 6}, {X: tx, Y: bottom + 6}}, hex(colorBudgetLine), 2)
		} else {
			p.DashedLineStroke([]charts.Point{{X: tx, Y: top - 4}, {X: tx, Y: bottom + 4}}, hex(colorThreshold), 1, []float64{3, 3})
		}
		w := p.MeasureText(label, 0, font).Width()
		lx := min(max(tx-w/2, 0), width-w)
		if lx < lastLabel+6 {
			continue // too close to the last label to read
		}
		p.Text(label, lx, top-9, 0, font)
		lastLabel = lx + w
	}
	return svgBytes(p, title)
}
