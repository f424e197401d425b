package web

import (
	"math"
	"strings"
	"testing"
)

func TestMoneyFormats(t *testing.T) {
	pct := func(v float64) *float64 { return &v }
	for _, tc := range []struct{ got, want string }{
		{money(0, "USD"), "0.00 USD"},
		{money(-0.001, "USD"), "0.00 USD"}, // float noise is not a credit
		{money(1234567.891, "EUR"), "1,234,567.89 EUR"},
		{money(-4321.5, "USD"), "-4,321.50 USD"},
		{money(999.999, "JPY"), "1,000.00 JPY"},
		{amount(12.5), "12.50"},
		{signedMoney(30, "USD"), "+30.00 USD"},
		{signedMoney(-40, "USD"), "-40.00 USD"},
		{signedMoney(0.001, "USD"), "0.00 USD"},
		{sharePct(0.88372), "88.4%"},
		{sharePct(1), "100.0%"},
		{changePct(pct(0.2)), "+20.0%"},
		{changePct(pct(-0.2)), "-20.0%"},
		{changePct(pct(0.00001)), "0.0%"},
		{changePct(nil), "new"},
		{monthName("2024-09"), "Sep 2024"},
		{monthName("nope"), "nope"},
		{dayName("2024-09-02"), "Sep 2"},
		{compactMoney(0), "0"},
		{compactMoney(950), "950"},
		{compactMoney(12.5), "12.50"},
		{compactMoney(1500), "1.5k"},
		{compactMoney(12000), "12k"},
		{compactMoney(3_200_000), "3.2M"},
		{compactMoney(-2000), "-2k"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestNiceCeil(t *testing.T) {
	for in, want := range map[float64]float64{0: 1, 0.3: 0.4, 1: 1, 27402: 40000, 10395: 20000, 4100: 5000, 7999: 8000, 80001: 100000} {
		if got := niceCeil(in); math.Abs(got-want) > 1e-9 {
			t.Errorf("niceCeil(%v) = %v, want %v", in, got, want)
		}
	}
}

func TestMoneyChartsAreInlineSVGWithoutStyles(t *testing.T) {
	bars, err := moneyBars(`Spend "by" team`, []string{"Aug 2024", "Sep 2024"}, []moneySeries{
		{Name: "Payments & <Co>", Color: teamColors[0], Values: []float64{1200.5, -30}},
		{Name: "Unallocated", Color: colorUnallocated, Values: []float64{0, 450}},
	}, stackOptions{Legend: true})
	if err != nil {
		t.Fatal(err)
	}
	line, err := shareLines("Allocated share", []string{"Aug 2024", "Sep 2024"}, []shareLine{
		{Name: "allocated, USD", Color: teamColors[0], Values: []float64{0.92, math.NaN()}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, svg := range map[string]string{"bars": string(bars), "line": string(line)} {
		if !strings.HasPrefix(svg, `<svg role="img" aria-label="`) {
			t.Errorf("%s: SVG starts %.80q", name, svg)
		}
		if strings.Contains(svg, "style=") || strings.Contains(svg, "<style") {
			t.Errorf("%s: SVG has inline styles, which the CSP blocks", name)
		}
		if strings.Contains(svg, "<Co>") {
			t.Errorf("%s: a label was not escaped", name)
		}
	}
	if !strings.Contains(string(line), "90%: run") || !strings.Contains(string(line), "80%: walk") {
		t.Error("the coverage chart does not mark the FinOps bands")
	}
	// Nothing to draw (no categories, only credits): no chart at all.
	for _, ss := range [][]moneySeries{nil, {{Name: "credits", Color: teamColors[0], Values: []float64{-5, 0}}}} {
		if got, err := moneyBars("empty", []string{"Aug", "Sep"}, ss, stackOptions{}); err != nil || got != "" {
			t.Errorf("moneyBars(%v) = %.40q, %v; want no chart", ss, got, err)
		}
	}
}

func TestTagList(t *testing.T) {
	for in, want := range map[string]string{
		`{"team": "x", "env": "prod"}`: "env=prod|team=x",
		`{}`:                           "",
		``:                             "",
		`not json`:                     "not json",
	} {
		if got := strings.Join(tagList(in), "|"); got != want {
			t.Errorf("tagList(%q) = %q, want %q", in, got, want)
		}
	}
}
