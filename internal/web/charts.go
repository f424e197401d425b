package web

import (
	"bytes"
	"html"
	"html/template"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/go-analyze/charts"
)

// bar is one labelled value of a chart.
type bar struct {
	Label string
	Value int
}

// Chart colours follow paved.css, so charts and page read as one design.
var chartTheme = charts.GetTheme(charts.ThemeLight).
	WithSeriesColors([]charts.Color{
		charts.ColorFromHex("#2f6fde"), charts.ColorFromHex("#14a38b"), charts.ColorFromHex("#e0a526"),
		charts.ColorFromHex("#8a63d2"), charts.ColorFromHex("#d9534f"), charts.ColorFromHex("#6b7a90"),
	}).
	WithTextColor(charts.ColorFromHex("#475569")).
	WithAxisSplitLineColor(charts.ColorFromHex("#e2e8f0"))

// chartFontSize is in points, as the library measures text.
const chartFontSize = 10

// formatCount prints axis ticks and labels as whole numbers when they are.
func formatCount(f float64) string {
	if f == math.Trunc(f) {
		return strconv.FormatFloat(f, 'f', 0, 64)
	}
	return strconv.FormatFloat(f, 'f', 1, 64)
}

// horizontalBars draws one bar per entry, first entry on top. Its height
// grows with the number of bars so labels never overlap.
func horizontalBars(title string, bars []bar) (template.HTML, error) {
	if len(bars) == 0 {
		return "", nil
	}
	values := make([]float64, len(bars))
	labels := make([]string, len(bars))
	// The library draws the first category at the bottom.
	for i, b := range bars {
		j := len(bars) - 1 - i
		values[j], labels[j] = float64(b.Value), b.Label
	}
	opt := charts.NewBarChartOptionWithData([][]float64{values})
	opt.Horizontal = true
	opt.Theme = chartTheme
	opt.Padding = charts.Box{Top: 10, Right: 40, Bottom: 10, Left: 10}
	opt.CategoryAxis.Labels = labels
	opt.CategoryAxis.LabelFontStyle = charts.NewFontStyleWithSize(chartFontSize)
	// A count axis that does not start at zero makes small bars look
	// like nothing.
	opt.ValueAxis[0].Min = charts.Ptr(0.0)
	opt.ValueAxis[0].ValueFormatter = formatCount
	opt.ValueAxis[0].LabelFontStyle = charts.NewFontStyleWithSize(chartFontSize)
	opt.ValueFormatter = formatCount
	opt.SeriesList[0].Label.Show = charts.Ptr(true)
	opt.SeriesList[0].Label.ValueFormatter = formatCount
	opt.SeriesList[0].Label.FontStyle = charts.NewFontStyleWithSize(chartFontSize)
	opt.SeriesLabelPosition = charts.PositionRight
	opt.RoundedBarCaps = charts.Ptr(true)
	opt.BarSize = 0.7
	// Drawn near the width it is shown at on a laptop, so text keeps its
	// size; narrower screens scroll the chart sideways (paved.css).
	p := charts.NewPainter(charts.PainterOptions{
		OutputFormat: charts.ChartOutputSVG, Width: 960, Height: 50 + 30*len(bars),
	})
	if err := p.BarChart(opt); err != nil {
		return "", err
	}
	return svgBytes(p, title)
}

// doughnut draws shares of a whole, each slice labelled with its name and
// whole percent, the total in the middle.
func doughnut(title string, slices []bar) (template.HTML, error) {
	if len(slices) == 0 {
		return "", nil
	}
	values := make([]float64, len(slices))
	total := 0
	for i, s := range slices {
		values[i] = float64(s.Value)
		total += s.Value
	}
	opt := charts.NewDoughnutChartOptionWithData(values)
	opt.Theme = chartTheme
	opt.Padding = charts.NewBoxEqual(10)
	opt.CenterValues = "sum"
	opt.CenterValuesFontStyle = charts.NewFontStyleWithSize(16)
	opt.ValueFormatter = formatCount
	for i := range opt.SeriesList {
		opt.SeriesList[i].Name = slices[i].Label
		opt.SeriesList[i].Label.FontStyle = charts.NewFontStyleWithSize(chartFontSize)
		opt.SeriesList[i].Label.LabelFormatter = func(i int, _ string, _ float64) (string, *charts.LabelStyle) {
			return slices[i].Label + " " + strconv.Itoa(percent(slices[i].Value, total)) + "%", nil
		}
	}
	// Every slice is labelled and the counts are printed under the chart,
	// so a legend would only repeat them.
	opt.Legend.Show = charts.Ptr(false)
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputSVG, Width: 480, Height: 300})
	if err := p.DoughnutChart(opt); err != nil {
		return "", err
	}
	return svgBytes(p, title)
}

func svgBytes(p *charts.Painter, title string) (template.HTML, error) {
	b, err := p.Bytes()
	if err != nil {
		return "", err
	}
	b = cspSafeSVG(b)
	// Screen readers get the title; every page that shows a chart also
	// prints its figures as text.
	b = bytes.Replace(b, []byte("<svg "), []byte(`<svg role="img" aria-label="`+html.EscapeString(title)+`" `), 1)
	// The library escapes every label it writes into the SVG, so its
	// output is safe to embed as markup.
	return template.HTML(b), nil
}

var styleAttr = regexp.MustCompile(`\sstyle="([^"]*)"`)

// cspSafeSVG turns the library's style="..." attributes into SVG
// presentation attributes. The UI's Content-Security-Policy (style-src
// 'self') makes browsers ignore inline style attributes, which would leave
// every chart black; presentation attributes are not styles and are
// allowed. Only tags are rewritten, never text (the library escapes '<'
// and '>' in text, so tag boundaries are unambiguous).
func cspSafeSVG(svg []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(svg) + len(svg)/8)
	for len(svg) > 0 {
		i := bytes.IndexByte(svg, '<')
		if i < 0 {
			out.Write(svg)
			break
		}
		out.Write(svg[:i])
		svg = svg[i:]
		j := bytes.IndexByte(svg, '>')
		if j < 0 {
			out.Write(svg)
			break
		}
		out.Write(styleAttr.ReplaceAllFunc(svg[:j+1], styleToAttrs))
		svg = svg[j+1:]
	}
	return out.Bytes()
}

var cssProperty = regexp.MustCompile(`^[a-z][a-z-]*$`)

func styleToAttrs(m []byte) []byte {
	decl := styleAttr.FindSubmatch(m)[1]
	var out bytes.Buffer
	for _, d := range strings.Split(string(decl), ";") {
		k, v, ok := strings.Cut(d, ":")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || !cssProperty.MatchString(k) || v == "" {
			continue
		}
		// v came from inside a double-quoted attribute, so it holds no '"'.
		out.WriteString(" " + k + `="` + v + `"`)
	}
	return out.Bytes()
}

// series is one named, coloured row of values of a stacked chart, one
// value per category.
type series struct {
	Name   string
	Color  string // #rrggbb, from paved.css
	Values []int
}

// Colours of policy actions, matching the action badges in paved.css.
const (
	colorDeny     = "#d9534f"
	colorWarn     = "#e0a526"
	colorExcepted = "#8a97ab"
)

// stackOptions shape a stacked bar chart.
type stackOptions struct {
	// Horizontal draws one bar per category, first category on top;
	// otherwise categories run left to right (a time series).
	Horizontal bool
	Width      int
	Height     int
	// LabelCount thins the category labels of a long time series.
	LabelCount int
	// Legend draws the series names above the chart; leave it off when
	// the page prints a key with the totals.
	Legend bool
}

// stackedBars draws series stacked within one bar per category, with a
// legend naming the series. It returns "" when every value is zero.
func stackedBars(title string, categories []string, ss []series, o stackOptions) (template.HTML, error) {
	total, highest := 0, 0
	for j := range categories {
		stack := 0
		for _, s := range ss {
			if j < len(s.Values) {
				stack += s.Values[j]
			}
		}
		total, highest = total+stack, max(highest, stack)
	}
	if total == 0 || len(categories) == 0 {
		return "", nil
	}
	labels := slices.Clone(categories)
	values := make([][]float64, len(ss))
	colors := make([]charts.Color, len(ss))
	names := make([]string, len(ss))
	for i, s := range ss {
		values[i] = make([]float64, len(categories))
		for j := range categories {
			k := j
			if o.Horizontal {
				// The library draws the first category at the bottom.
				k = len(categories) - 1 - j
			}
			if j < len(s.Values) {
				values[i][k] = float64(s.Values[j])
			}
		}
		colors[i], names[i] = charts.ColorFromHex(s.Color), s.Name
	}
	if o.Horizontal {
		slices.Reverse(labels)
	}
	opt := stackedBarOption(values, colors, names, labels, o)
	opt.Horizontal = o.Horizontal
	// Counts are whole: ticks at whole, round steps.
	top, ticks := countAxis(highest, 5)
	valueAxis(&opt, float64(top), ticks, formatCount)
	w, h := o.Width, o.Height
	if w == 0 {
		w = 960
	}
	if h == 0 {
		h = 260
		if o.Horizontal {
			h = 80 + 30*len(categories)
		}
	}
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputSVG, Width: w, Height: h})
	if err := p.BarChart(opt); err != nil {
		return "", err
	}
	return svgBytes(p, title)
}

// stackedBarOption is the bar chart both stacked charts draw: series
// stacked per category, the house theme and fonts, the legend when asked.
func stackedBarOption(values [][]float64, colors []charts.Color, names, categories []string, o stackOptions) charts.BarChartOption {
	opt := charts.NewBarChartOptionWithData(values)
	opt.StackSeries = charts.Ptr(true)
	opt.Theme = chartTheme.WithSeriesColors(colors)
	opt.Padding = charts.Box{Top: 10, Right: 30, Bottom: 10, Left: 10}
	for i := range opt.SeriesList {
		opt.SeriesList[i].Name = names[i]
	}
	if o.Legend {
		opt.Legend.SeriesNames = names
		opt.Legend.FontStyle = charts.NewFontStyleWithSize(chartFontSize)
	} else {
		opt.Legend.Show = charts.Ptr(false)
	}
	opt.CategoryAxis.Labels = categories
	opt.CategoryAxis.LabelFontStyle = charts.NewFontStyleWithSize(chartFontSize)
	if o.LabelCount > 0 {
		opt.CategoryAxis.LabelCount = o.LabelCount
	}
	opt.BarSize = 0.7
	return opt
}

// valueAxis starts the value axis at zero (a cut axis makes a small bar
// look empty) and ends it at top with labels ticks, formatted by format.
func valueAxis(opt *charts.BarChartOption, top float64, labels int, format func(float64) string) {
	opt.ValueAxis[0].Min = charts.Ptr(0.0)
	opt.ValueAxis[0].Max = charts.Ptr(top)
	opt.ValueAxis[0].LabelCount = labels
	opt.ValueAxis[0].PreferNiceIntervals = charts.Ptr(false)
	opt.ValueAxis[0].ValueFormatter = format
	opt.ValueAxis[0].LabelFontStyle = charts.NewFontStyleWithSize(chartFontSize)
	opt.ValueFormatter = format
}

// countAxis picks a count axis for values up to highest: its top and the
// number of labels, at most maxSteps+1, stepping by 1, 2 or 5 times a power
// of ten so every tick is a whole number.
func countAxis(highest, maxSteps int) (top, labels int) {
	highest = max(highest, 1)
	for base := 1; ; base *= 10 {
		for _, m := range []int{1, 2, 5} {
			step := base * m
			steps := (highest + step - 1) / step
			if steps <= maxSteps {
				return steps * step, steps + 1
			}
		}
	}
}
