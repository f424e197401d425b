package cost

import (
	"math"
	"strings"
	"testing"
	"time"
)

// synth builds a daily series over from..to (inclusive) from f, and the
// set of covered days.
func synth(from, to string, f func(d time.Time) float64) (map[string]bool, map[string]float64) {
	covered, daily := map[string]bool{}, map[string]float64{}
	start, _ := time.Parse(dayLayout, from)
	end, _ := time.Parse(dayLayout, to)
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		covered[d.Format(dayLayout)] = true
		if v := f(d); v != 0 {
			daily[d.Format(dayLayout)] = v
		}
	}
	return covered, daily
}

func closeTo(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestProject(t *testing.T) {
	flat := func(time.Time) float64 { return 100 }
	// Batch jobs on weekends: 10 a weekday, 100 a weekend day.
	weekendHeavy := func(d time.Time) float64 {
		if isWeekend(d) {
			return 100
		}
		return 10
	}
	// November 2026: 30 days starting on a Sunday; the 1st to the 15th
	// hold 10 weekdays and 5 weekend days, the 16th to the 30th 11
	// weekdays and 4 weekend days.
	tests := []struct {
		name                string
		from, to, asOf      string
		f                   func(time.Time) float64
		month               string
		wantMTD, wantFcst   float64
		wantMethod          string
		wantRemaining       int
		wantWeekday, wantWE float64
	}{
		{name: "flat series", from: "2026-10-01", to: "2026-11-15", asOf: "2026-11-15", f: flat, month: "2026-11",
			wantMTD: 1500, wantFcst: 3000, wantMethod: MethodWeekdayWeekend, wantRemaining: 15, wantWeekday: 100, wantWE: 100},
		{name: "weekend-heavy series uses weekday and weekend rates", from: "2026-10-01", to: "2026-11-15", asOf: "2026-11-15", f: weekendHeavy, month: "2026-11",
			// 1-15 Nov: 10 × 10 + 5 × 100 = 600; the rest: 11 × 10 + 4 × 100
			// = 510, where the window's plain mean (1000/28 a day) would say 536.
			wantMTD: 600, wantFcst: 1110, wantMethod: MethodWeekdayWeekend, wantRemaining: 15, wantWeekday: 10, wantWE: 100},
		{name: "short history falls back to the mean", from: "2026-11-01", to: "2026-11-05", asOf: "2026-11-05", f: flat, month: "2026-11",
			wantMTD: 500, wantFcst: 3000, wantMethod: MethodMean, wantRemaining: 25, wantWeekday: 100, wantWE: 100},
		{name: "a finished month is its actual spend", from: "2026-09-01", to: "2026-11-10", asOf: "2026-11-10", f: flat, month: "2026-10",
			wantMTD: 3100, wantFcst: 3100, wantMethod: MethodWeekdayWeekend, wantRemaining: 0, wantWeekday: 100, wantWE: 100},
		{name: "a month not started projects the run rate", from: "2026-10-01", to: "2026-10-31", asOf: "2026-10-31", f: flat, month: "2026-11",
			wantMTD: 0, wantFcst: 3000, wantMethod: MethodWeekdayWeekend, wantRemaining: 30, wantWeekday: 100, wantWE: 100},
		{name: "no data", from: "2026-11-01", to: "2026-10-31", asOf: "", f: flat, month: "2026-11",
			wantMTD: 0, wantFcst: 0, wantMethod: MethodNone, wantRemaining: 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			covered, daily := synth(tt.from, tt.to, tt.f)
			got := project(tt.month, tt.asOf, covered, daily)
			if !closeTo(got.MonthToDate, tt.wantMTD) || !closeTo(got.Forecast, tt.wantFcst) || got.Method != tt.wantMethod ||
				got.RemainingDays != tt.wantRemaining || !closeTo(got.WeekdayRate, tt.wantWeekday) || !closeTo(got.WeekendRate, tt.wantWE) {
				t.Errorf("project = %+v\nwant MTD %v forecast %v method %s remaining %d rates %v/%v",
					got, tt.wantMTD, tt.wantFcst, tt.wantMethod, tt.wantRemaining, tt.wantWeekday, tt.wantWE)
			}
		})
	}
}

// TestProjectWeekendHeavyBeatsMean shows why the rates are split: the
// plain mean of a weekend-heavy week mis-forecasts a month whose
// remaining days are mostly weekdays.
func TestProjectWeekendHeavyBeatsMean(t *testing.T) {
	weekendHeavy := func(d time.Time) float64 {
		if isWeekend(d) {
			return 700
		}
		return 0
	}
	covered, daily := synth("2026-10-01", "2026-11-20", weekendHeavy)
	got := project("2026-11", "2026-11-20", covered, daily)
	// 21 Nov 2026 is a Saturday: 21, 22, 28, 29 are weekend days, the
	// other six remaining days weekdays.
	want := got.MonthToDate + 4*700
	if got.Method != MethodWeekdayWeekend || !closeTo(got.Forecast, want) {
		t.Errorf("forecast = %v by %s, want %v", got.Forecast, got.Method, want)
	}
	meanRate := 700.0 * 2 / 7
	if naive := got.MonthToDate + 10*meanRate; closeTo(naive, want) {
		t.Errorf("the weekend-heavy series does not tell the methods apart")
	}
}

// TestProjectSkipsUncoveredDays checks that days before the billing
// history starts are not counted as zero spend, while a covered day
// without spend is.
func TestProjectSkipsUncoveredDays(t *testing.T) {
	covered, daily := synth("2026-11-01", "2026-11-10", func(time.Time) float64 { return 50 })
	got := project("2026-11", "2026-11-10", covered, daily)
	if got.WeekdayRate != 50 {
		t.Errorf("rate %v: days without data were counted as zero", got.WeekdayRate)
	}
	delete(daily, "2026-11-10")
	got = project("2026-11", "2026-11-10", covered, daily)
	if !closeTo(got.WeekdayRate, 45) {
		t.Errorf("rate %v: a covered day without spend must count as zero (want 45)", got.WeekdayRate)
	}
}

func TestMonthsSpanned(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(dayLayout, s); return d }
	for _, tc := range []struct {
		from, to string
		want     string
	}{
		{"2024-08-18", "2024-09-30", "2024-08,2024-09"},
		{"2024-09-01", "2024-09-30", "2024-09"},
		{"2024-12-20", "2025-01-31", "2024-12,2025-01"},
	} {
		if got := strings.Join(monthsSpanned(day(tc.from), day(tc.to)), ","); got != tc.want {
			t.Errorf("monthsSpanned(%s, %s) = %s, want %s", tc.from, tc.to, got, tc.want)
		}
	}
}
