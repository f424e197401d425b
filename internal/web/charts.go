package web

import (
	"bytes"
	"html"
	"html/template"
	"math"
	"regexp"
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
