package web

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/go-analyze/charts"
	"github.com/paved-dev/paved/internal/delivery/dora"
)

// Colours of the DORA sparklines: the house accent for the weeks with a
// value, the track for the baseline every week sits on.
const (
	colorSpark      = "#2f6fde"
	colorSparkTrack = "#d5dce6"
)

// Size of a sparkline, in the SVG's own units; CSS scales it to its tile.
const sparkWidth, sparkHeight = 240, 40

// sparkBars draws one bar per week, scaled to the highest value, each on
// its own piece of baseline. A week without a value (nil: nothing to
// measure) leaves a gap in the baseline, so that it never looks like a
// week of zero, which is the baseline alone. The tiles print the figures
// beside it and the weekly table has them all, so the bars carry no
// labels. It returns "" when no week has a value.
func sparkBars(title string, values []*float64) (template.HTML, error) {
	highest, drawn := 0.0, false
	for _, v := range values {
		if v != nil && !math.IsNaN(*v) {
			highest, drawn = math.Max(highest, *v), true
		}
	}
	if !drawn || len(values) == 0 {
		return "", nil
	}
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputSVG, Width: sparkWidth, Height: sparkHeight})
	hex := charts.ColorFromHex
	const base = sparkHeight - 2
	n := len(values)
	for i, v := range values {
		if v == nil || math.IsNaN(*v) {
			continue
		}
		x0 := i * sparkWidth / n
		x1 := max((i+1)*sparkWidth/n-1, x0+1)
		p.FilledRect(x0, base, x1, sparkHeight, hex(colorSparkTrack), charts.ColorTransparent, 0)
		if *v <= 0 || highest <= 0 {
			continue
		}
		// At least 2 units tall, so that a small value is still visible.
		h := max(2, int(math.Round(*v/highest*float64(base-2))))
		p.FilledRect(x0, base-h, x1, base, hex(colorSpark), charts.ColorTransparent, 0)
	}
	return svgBytes(p, title)
}

// countValues turns weekly counts into sparkline values.
func countValues(counts []int) []*float64 {
	out := make([]*float64, len(counts))
	for i, c := range counts {
		v := float64(c)
		out[i] = &v
	}
	return out
}

// doraView is one scope's report as the Delivery page's tiles show it
// (the "dora-tiles" template of delivery.html, which the team page's DORA
// panel renders too). Every number is the report's, formatted.
type doraView struct {
	Window     string
	BandSource string
	Tiles      []doraTile
	Weeks      []weekRow
	// HasData is set when anything was delivered or opened in the window.
	HasData bool
}

// doraTile is one metric: its value, what it is computed from, its band
// and its weekly sparkline.
type doraTile struct {
	// ID names the metric in anchors and CSS (frequency, lead-time, ...).
	ID          string
	Name        string
	Value, Unit string
	Band        string
	BandClass   string
	BandNote    string
	Sample      string
	Details     []string
	Spark       template.HTML
}

// weekRow is one week of the weekly figures table.
type weekRow struct {
	dora.Week
	Label                                             string
	Partial                                           bool
	ChangeFailure, Rework, LeadMedian, RecoveryMedian string
}

// doraMetricNames are the five metrics as DORA names them.
var doraMetricNames = [5]string{"Deployment frequency", "Change lead time", "Change failure rate", "Failed deployment recovery time", "Deployment rework rate"}

// newDoraView formats rep for the tiles and draws their sparklines.
func newDoraView(rep dora.Report, scopeName string) (doraView, error) {
	m := rep.Metrics
	v := doraView{Window: windowText(rep.Window), BandSource: rep.BandSource, HasData: reportHasData(rep)}
	n := len(rep.Weeks)
	deploys, leads, cfr, recov, rework := make([]int, n), make([]*float64, n), make([]*float64, n), make([]*float64, n), make([]*float64, n)
	for i, w := range rep.Weeks {
		deploys[i], leads[i], cfr[i], recov[i], rework[i] = w.Deployments, w.LeadTimeMedian, w.ChangeFailureRate, w.RecoveryMedian, w.ReworkRate
		v.Weeks = append(v.Weeks, weekRow{Week: w, Label: dayName(w.Start), Partial: w.Days < 7,
			ChangeFailure: percentText(w.ChangeFailureRate), Rework: percentText(w.ReworkRate),
			LeadMedian: hoursText(w.LeadTimeMedian), RecoveryMedian: hoursText(w.RecoveryMedian)})
	}

	f := m.DeploymentFrequency
	freq := newTile("frequency", 0, f.Metric)
	freq.Sample = plural(f.SampleSize, "successful production deployment", "successful production deployments")
	switch {
	case f.Value != nil && f.FullWeeks > 0:
		freq.Details = append(freq.Details, fmt.Sprintf("on %s; the median full week had %s",
			plural(f.DeploymentDays, "day", "days"), oneDecimalPtr(f.MedianPerWeek)))
	case f.Value != nil:
		freq.Details = append(freq.Details, "on "+plural(f.DeploymentDays, "day", "days"))
	}
	lead := newTile("lead-time", 1, m.LeadTime.Metric)
	lead.Sample = plural(m.LeadTime.SampleSize, "change deployed", "changes deployed")
	lead.Details = percentiles(m.LeadTime)
	fail := newTile("failure-rate", 2, m.ChangeFailureRate.Metric)
	fail.Sample = rateSample(m.ChangeFailureRate.Rate, "counted as failed")
	switch fr := m.ChangeFailureRate; {
	case fr.UnlinkedIncidents > 0:
		fail.Details = append(fail.Details, fmt.Sprintf("%s opened, %d linked to no deployment (not counted)",
			plural(fr.Incidents, "incident", "incidents"), fr.UnlinkedIncidents))
	case fr.Incidents == 1:
		fail.Details = append(fail.Details, "1 incident opened, linked to a deployment")
	case fr.Incidents > 1:
		fail.Details = append(fail.Details, fmt.Sprintf("%d incidents opened, each linked to a deployment", fr.Incidents))
	}
	rt := m.RecoveryTime
	rec := newTile("recovery", 3, rt.Metric)
	rec.Sample = plural(rt.SampleSize, "failed deployment recovered", "failed deployments recovered")
	rec.Details = percentiles(rt.Duration)
	if rt.Unrecovered > 0 {
		rec.Details = append(rec.Details, fmt.Sprintf("%d not recovered yet", rt.Unrecovered))
	}
	rw := newTile("rework", 4, m.ReworkRate.Metric)
	rw.Sample = rateSample(m.ReworkRate, "were rollbacks or fixes")

	series := []struct {
		tile   *doraTile
		values []*float64
		what   string
	}{
		{&freq, countValues(deploys), "successful production deployments"},
		{&lead, leads, "median change lead time"},
		{&fail, cfr, "change failure rate"},
		{&rec, recov, "median recovery time"},
		{&rw, rework, "rework rate"},
	}
	for _, s := range series {
		var err error
		title := fmt.Sprintf("Weekly %s of %s, %s", s.what, scopeName, v.Window)
		if s.tile.Spark, err = sparkBars(title, s.values); err != nil {
			return v, fmt.Errorf("drawing the %s sparkline: %w", s.what, err)
		}
		v.Tiles = append(v.Tiles, *s.tile)
	}
	return v, nil
}

// rateSample says what a rate is of: "3 of 7 production deployments
// counted as failed".
func rateSample(r dora.Rate, what string) string {
	if r.SampleSize == 0 {
		return "no production deployments"
	}
	return fmt.Sprintf("%d of %s %s", r.Count, plural(r.SampleSize, "production deployment", "production deployments"), what)
}

func newTile(id string, i int, m dora.Metric) doraTile {
	t := doraTile{ID: id, Name: doraMetricNames[i], Band: string(m.Band), BandClass: bandClass(m.Band), BandNote: m.BandNote}
	t.Value, t.Unit = metricText(m.Value, m.Unit)
	return t
}

// reportHasData reports whether anything was deployed to production or
// any incident opened in the report's window.
func reportHasData(rep dora.Report) bool {
	m := rep.Metrics
	return m.ChangeFailureRate.SampleSize > 0 || m.ChangeFailureRate.Incidents > 0 || m.LeadTime.SampleSize > 0
}

func percentiles(d dora.Duration) []string {
	if d.P75 == nil || d.P90 == nil {
		return nil
	}
	return []string{"p75 " + hoursText(d.P75) + " · p90 " + hoursText(d.P90)}
}

// bandClass is a band as a CSS class: dora-elite, dora-no-data.
func bandClass(b dora.Band) string {
	return "dora-" + strings.ReplaceAll(string(b), " ", "-")
}

// metricText splits a metric's value into the number and its unit as a
// tile prints them: "4.2" "per week", "5.3" "hours", "25" "%"; "—" with
// no value.
func metricText(v *float64, unit string) (string, string) {
	if v == nil {
		return "—", ""
	}
	switch unit {
	case dora.UnitPerWeek:
		return oneDecimal(*v), "per week"
	case dora.UnitPercent:
		return oneDecimal(*v), "%"
	case dora.UnitHours:
		return durationParts(*v)
	}
	return oneDecimal(*v), unit
}

// cellText is a metric's value as a table cell prints it: "4.2/wk",
// "5.3 hours", "25%"; "" with no value.
func cellText(v *float64, unit string) string {
	if v == nil {
		return ""
	}
	n, u := metricText(v, unit)
	switch unit {
	case dora.UnitPerWeek:
		return n + "/wk"
	case dora.UnitPercent:
		return n + "%"
	}
	return n + " " + u
}

// durationParts prints hours the way people read a duration: minutes
// under an hour, hours under two days, days beyond.
func durationParts(h float64) (string, string) {
	switch {
	case h < 1:
		m := int(math.Round(h * 60))
		if m == 1 {
			return "1", "minute"
		}
		return strconv.Itoa(m), "minutes"
	case h < 48:
		n := oneDecimal(h)
		if n == "1" {
			return n, "hour"
		}
		return n, "hours"
	}
	return oneDecimal(h / 24), "days"
}

func hoursText(h *float64) string {
	if h == nil {
		return ""
	}
	n, u := durationParts(*h)
	return n + " " + u
}

func percentText(p *float64) string {
	if p == nil {
		return ""
	}
	return oneDecimal(*p) + "%"
}

// oneDecimal prints v to one decimal, without a trailing ".0".
func oneDecimal(v float64) string {
	r := math.Round(v*10) / 10
	if r == 0 {
		r = 0 // no -0
	}
	if r == math.Trunc(r) {
		return strconv.FormatFloat(r, 'f', 0, 64)
	}
	return strconv.FormatFloat(r, 'f', 1, 64)
}

func oneDecimalPtr(v *float64) string {
	if v == nil {
		return "—"
	}
	return oneDecimal(*v)
}

// windowText prints a report's window with its last day: "Sep 2, 2025 to
// Nov 30, 2025 (90 days)".
func windowText(w dora.WindowInfo) string {
	from, err1 := time.Parse(dora.DateLayout, w.From)
	to, err2 := time.Parse(dora.DateLayout, w.To)
	if err1 != nil || err2 != nil {
		return w.From + " to " + w.To
	}
	return fmt.Sprintf("%s to %s (%s)", from.Format("Jan 2, 2006"), to.AddDate(0, 0, -1).Format("Jan 2, 2006"), plural(w.Days, "day", "days"))
}
