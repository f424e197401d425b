package web

import (
	"html/template"
	"math"
	"strconv"

	"github.com/go-analyze/charts"
)

// Colours of eNPS answers, matching paved.css's ok, muted and danger.
const (
	colorPromoter  = "#14a38b"
	colorPassive   = "#b8c1cf"
	colorDetractor = "#d9534f"
	colorENPS      = "#2f6fde"
)

// enpsLine draws eNPS scores across surveys on the full -100 to 100
// scale, so that a move of a few points looks like one; NaN leaves a gap
// for a survey too few people answered. It returns "" with no score.
func enpsLine(title string, labels []string, scores []float64) (template.HTML, error) {
	values := make([]float64, len(scores))
	drawn := false
	for i, v := range scores {
		values[i] = charts.GetNullValue()
		if !math.IsNaN(v) {
			values[i], drawn = v, true
		}
	}
	if !drawn {
		return "", nil
	}
	zero := make([]float64, len(scores))
	opt := charts.NewLineChartOptionWithData([][]float64{values, zero})
	opt.Theme = chartTheme.WithSeriesColors([]charts.Color{charts.ColorFromHex(colorENPS), charts.ColorFromHex(colorBand)})
	opt.Padding = charts.Box{Top: 10, Right: 30, Bottom: 10, Left: 10}
	opt.SeriesList[0].Name = "eNPS"
	opt.SeriesList[1].Name = "0"
	opt.SeriesList[1].Symbol = charts.Symbol{Shape: charts.SymbolNone}
	opt.SeriesList[0].Label.Show = charts.Ptr(true)
	opt.SeriesList[0].Label.ValueFormatter = signedScore
	opt.SeriesList[0].Label.FontStyle = charts.NewFontStyleWithSize(chartFontSize)
	// The page prints the figures and says what the grey line is.
	opt.Legend.Show = charts.Ptr(false)
	opt.XAxis.Labels = labels
	opt.XAxis.LabelFontStyle = charts.NewFontStyleWithSize(chartFontSize)
	opt.YAxis[0].Min = charts.Ptr(-100.0)
	opt.YAxis[0].Max = charts.Ptr(100.0)
	opt.YAxis[0].LabelCount = 5
	opt.YAxis[0].PreferNiceIntervals = charts.Ptr(false)
	opt.YAxis[0].ValueFormatter = signedScore
	opt.YAxis[0].LabelFontStyle = charts.NewFontStyleWithSize(chartFontSize)
	opt.LineStrokeWidth = 2
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputSVG, Width: 960, Height: 260})
	if err := p.LineChart(opt); err != nil {
		return "", err
	}
	return svgBytes(p, title)
}

// signedScore prints an eNPS as people read it: +35, 0, -12.
func signedScore(v float64) string {
	s := strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	if math.Round(v) > 0 {
		return "+" + s
	}
	return s
}

// answerMix draws detractors, passives and promoters stacked per
// category (a survey, or a group of one survey).
func answerMix(title string, categories []string, detractors, passives, promoters []int, horizontal bool) (template.HTML, error) {
	return stackedBars(title, categories, []series{
		{Name: "Detractors (0-6)", Color: colorDetractor, Values: detractors},
		{Name: "Passives (7-8)", Color: colorPassive, Values: passives},
		{Name: "Promoters (9-10)", Color: colorPromoter, Values: promoters},
	}, stackOptions{Horizontal: horizontal, Legend: true})
}
