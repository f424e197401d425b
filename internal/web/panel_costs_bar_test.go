package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/go-analyze/charts"
	"github.com/paved-dev/paved/internal/cost"
)

func TestBudgetBar(t *testing.T) {
	status := func(amount, spent, forecast float64) cost.BudgetStatus {
		return cost.BudgetStatus{Budget: cost.Budget{Team: "payments", Currency: "USD", Amount: amount}, MonthToDate: spent, Forecast: forecast}
	}
	fill := func(hex string) string { // as the SVG writes a colour
		c := charts.ColorFromHex(hex)
		return fmt.Sprintf(`fill="rgb(%d,%d,%d)"`, c.R, c.G, c.B)
	}
	for _, tc := range []struct {
		name       string
		status     cost.BudgetStatus
		thresholds []float64
		want, not  []string
	}{
		{"within", status(1000, 400, 800), []float64{50, 80, 100},
			[]string{fill(colorSpent), fill(colorForecast), ">50%<", ">80%<", ">budget<"}, []string{fill(colorSpentOver), fill(colorForecastOver)}},
		{"forecast over", status(1000, 700, 1200), []float64{50, 80, 100},
			[]string{fill(colorSpent), fill(colorForecastOver)}, []string{fill(colorSpentOver)}},
		{"over", status(1000, 1100, 1300), []float64{50, 80, 100},
			[]string{fill(colorSpentOver), fill(colorForecastOver)}, []string{fill(colorSpent) + "/"}},
		{"no 100% threshold", status(1000, 100, 200), []float64{90},
			[]string{">90%<", ">budget<"}, []string{">50%<"}},
		{"credits", status(1000, -50, -50), []float64{50, 80, 100},
			[]string{">budget<"}, []string{fill(colorSpent), fill(colorForecast)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svg, err := budgetBar("title", tc.status, tc.thresholds)
			if err != nil {
				t.Fatal(err)
			}
			s := string(svg)
			if strings.Contains(s, "style=") || !strings.Contains(s, `<svg role="img" aria-label="title"`) {
				t.Errorf("not a CSP-safe, labelled SVG: %.200s", s)
			}
			if n := strings.Count(s, `stroke-width="2"`); n != 1 {
				t.Errorf("the budget is marked %d times", n)
			}
			for _, w := range tc.want {
				if !strings.Contains(s, w) {
					t.Errorf("lacks %s", w)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(s, w) {
					t.Errorf("has %s", w)
				}
			}
		})
	}
	if svg, err := budgetBar("title", status(0, 10, 20), []float64{50}); svg != "" || err != nil {
		t.Errorf("a budget of nothing is drawn: %q, %v", svg, err)
	}
}
