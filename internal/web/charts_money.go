package web

import (
	"html/template"
	"math"
	"strconv"

	"github.com/go-analyze/charts"
)

// moneySeries is one named, coloured row of amounts of a money chart, one
// value per category.
type moneySeries struct {
	Name   string
	Color  string // #rrggbb
	Values []float64
}

// Colours of the cost charts: one per team shown (the order of paved.css's
// .key-team-N), then the rest of the organisation and unowned spend.
var teamColors = []string{"#2f6fde", "#14a38b", "#e0a526", "#8a63d2", "#0ea5e9", "#f97316", "#65a30d", "#db2777"}

const (
	colorOtherTeams  = "#b8c1cf"
	colorUnallocated = "#d9534f"
	colorBand        = "#94a3b8"
)

// compactMoney prints an axis amount the way a reader scans it: 950,
// 1.5k, 12k, 3.2M.
func compactMoney(v float64) string {
	a := math.Abs(v)
	trim := func(f float64, suffix string) string {
		prec := 1
		if f >= 10 || f == math.Trunc(f) {
			prec = 0
		}
		return strconv.FormatFloat(math.Copysign(f, v), 'f', prec, 64) + suffix
	}
	switch {
	case a >= 1e9:
		return trim(a/1e9, "B")
	case a >= 1e6:
		return trim(a/1e6, "M")
	case a >= 1e3:
		return trim(a/1e3, "k")
	case a == math.Trunc(a):
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// moneyBars draws series stacked within one bar per category (months or
// days, left to right). Net credits cannot be drawn in a stack, so a
// negative amount is drawn as nothing; the figures printed beside every
// chart have the exact amounts. It returns "" when there is nothing to
// draw.
func moneyBars(title string, categories []string, ss []moneySeries, o stackOptions) (template.HTML, error) {
	values := make([][]float64, len(ss))
	colors := make([]charts.Color, len(ss))
	names := make([]string, len(ss))
	highest, drawn := 0.0, false
	for j := range categories {
		stack := 0.0
		for _, s := range ss {
			if j < len(s.Values) && s.Values[j] > 0 {
				stack += s.Values[j]
			}
		}
		highest = max(highest, stack)
	}
	for i, s := range ss {
		values[i] = make([]float64, len(categories))
		for j := range categories {
			if j < len(s.Values) && s.Values[j] > 0 {
				values[i][j] = s.Values[j]
				drawn = true
			}
		}
		colors[i], names[i] = charts.ColorFromHex(s.Color), s.Name
	}
	if !drawn || len(categories) == 0 {
		return "", nil
	}
	opt := stackedBarOption(values, colors, names, categories, o)
	valueAxis(&opt, niceCeil(highest), 5, compactMoney)
	w, h := o.Width, o.Height
	if w == 0 {
		w = 960
	}
	if h == 0 {
		h = 280
	}
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputSVG, Width: w, Height: h})
	if err := p.BarChart(opt); err != nil {
		return "", err
	}
	return svgBytes(p, title)
}

// niceCeil rounds an axis top up to 1, 2, 4, 5 or 8 times a power of ten,
// so that four equal steps to it are round amounts.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	base := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 4, 5, 8, 10} {
		if top := m * base; top >= v*(1-1e-9) {
			return top
		}
	}
	return 10 * base
}

// shareLine is one line of a coverage chart: an allocated share (0 to 1)
// per month, NaN for a month without spend in that currency.
type shareLine struct {
	Name   string
	Color  string
	Values []float64
}

// shareLines draws allocated shares per month as percentages, with the
// FinOps maturity thresholds (90% run, 80% walk) as flat reference lines
// so a reader sees which band each month reached.
func shareLines(title string, months []string, lines []shareLine) (template.HTML, error) {
	if len(months) == 0 || len(lines) == 0 {
		return "", nil
	}
	var values [][]float64
	var names []string
	var colors []charts.Color
	for _, l := range lines {
		v := make([]float64, len(months))
		for i := range months {
			v[i] = charts.GetNullValue()
			if i < len(l.Values) && !math.IsNaN(l.Values[i]) {
				v[i] = math.Round(l.Values[i]*1000) / 10
			}
		}
		values, names, colors = append(values, v), append(names, l.Name), append(colors, charts.ColorFromHex(l.Color))
	}
	for _, band := range []struct {
		name  string
		value float64
	}{{"90%: run", 90}, {"80%: walk", 80}} {
		v := make([]float64, len(months))
		for i := range v {
			v[i] = band.value
		}
		values, names, colors = append(values, v), append(names, band.name), append(colors, charts.ColorFromHex(colorBand))
	}
	opt := charts.NewLineChartOptionWithData(values)
	opt.Theme = chartTheme.WithSeriesColors(colors)
	opt.Padding = charts.Box{Top: 10, Right: 30, Bottom: 10, Left: 10}
	for i := range opt.SeriesList {
		opt.SeriesList[i].Name = names[i]
		if i >= len(lines) {
			opt.SeriesList[i].Symbol = charts.Symbol{Shape: charts.SymbolNone}
		}
	}
	opt.Legend.SeriesNames = names
	opt.Legend.FontStyle = charts.NewFontStyleWithSize(chartFontSize)
	opt.XAxis.Labels = months
	opt.XAxis.LabelFontStyle = charts.NewFontStyleWithSize(chartFontSize)
	opt.YAxis[0].Min = charts.Ptr(0.0)
	opt.YAxis[0].Max = charts.Ptr(100.0)
	opt.YAxis[0].LabelCount = 6
	opt.YAxis[0].PreferNiceIntervals = charts.Ptr(false)
	opt.YAxis[0].ValueFormatter = func(f float64) string { return strconv.FormatFloat(f, 'f', 0, 64) + "%" }
	opt.YAxis[0].LabelFontStyle = charts.NewFontStyleWithSize(chartFontSize)
	opt.LineStrokeWidth = 2
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputSVG, Width: 960, Height: 260})
	if err := p.LineChart(opt); err != nil {
		return "", err
	}
	return svgBytes(p, title)
}
