package web

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"time"

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
	// Outlook is this panel's place for the team's budgets, forecasts and
	// anomaly alerts, which internal/cost does not have yet: loadCosts
	// leaves it nil, and the template renders nothing for nil.
	Outlook *costOutlook
}

// costOutlook will hold a team's budgets, month-end forecasts and
// anomalies, shown above the services breakdown.
type costOutlook struct{}

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
