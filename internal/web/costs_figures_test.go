package web

import (
	"testing"

	"github.com/paved-dev/paved/internal/cost"
)

// TestCostFiguresCompareLikeWithLike: a month still being billed is
// compared with the month before up to the same day, a complete month
// with the whole month before.
func TestCostFiguresCompareLikeWithLike(t *testing.T) {
	rows := []cost.TrendRow{
		{Month: "2026-10", Team: "a", Currency: "USD", EffectiveCost: 300},
		{Month: "2026-11", Team: "a", Currency: "USD", EffectiveCost: 165},
	}
	tests := []struct {
		name string
		tr   cost.Trend
		want string
	}{
		{"complete month", cost.Trend{Months: []string{"2026-10", "2026-11"}, Rows: rows}, "-45.0% on Oct 2026"},
		{"month to date", cost.Trend{Months: []string{"2026-10", "2026-11"}, Rows: rows, MoversThrough: "2026-11-15",
			PreviousToDate: map[string]float64{"USD": 150}}, "+10.0% on 1–15 Oct 2026"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			figs := costFigures(tt.tr, "2026-11", []string{"USD"})
			if got := figs[0].Note; got != tt.want {
				t.Errorf("note = %q, want %q", got, tt.want)
			}
		})
	}
}
