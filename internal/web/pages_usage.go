package web

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/go-analyze/charts"
	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/usage"
)

// uiFeatures names the feature each page records a use of, by the route
// pattern that serves it. A page missing here still records, under a
// name made from its path (see pageFeature), but is not known as a
// feature until it is used; usage_test.go checks that every page of
// web.go is listed.
var uiFeatures = map[string]string{
	"GET /{$}":                     "ui.overview",
	"GET /teams":                   "ui.teams",
	"POST /teams":                  "ui.teams",
	"GET /teams/{name}":            "ui.team",
	"GET /services":                "ui.services",
	"GET /services/{name}":         "ui.service",
	"GET /policies":                "ui.policies",
	"GET /policies/{id}":           "ui.policy",
	"GET /costs":                   "ui.costs",
	"GET /costs/review":            "ui.costs.review",
	"GET /costs/review.md":         "ui.costs.review",
	"GET /costs/review.html":       "ui.costs.review",
	"GET /surveys":                 "ui.surveys",
	"POST /surveys":                "ui.surveys",
	"GET /surveys/{id}":            "ui.survey",
	"POST /surveys/{id}/invites":   "ui.survey",
	"GET /surveys/{id}/export.csv": "ui.survey",
	"GET /delivery":                "ui.delivery",
	"GET /usage":                   "ui.usage",
}

// pageFeatures lists the UI's features once each, sorted.
func pageFeatures() []string {
	var out []string
	for _, f := range uiFeatures {
		out = append(out, f)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// pageFeature is the feature a request to pattern uses: its entry in
// uiFeatures, or "ui." and the pattern's fixed path segments joined with
// dots ("GET /things/{id}/edit" is ui.things.edit).
func pageFeature(pattern string) string {
	if f, ok := uiFeatures[pattern]; ok {
		return f
	}
	_, path, ok := strings.Cut(pattern, " ")
	if !ok {
		path = pattern
	}
	var parts []string
	for _, seg := range strings.Split(path, "/") {
		if seg == "" || strings.HasPrefix(seg, "{") {
			continue
		}
		seg, _, _ = strings.Cut(seg, ".")
		parts = append(parts, seg)
	}
	if len(parts) == 0 {
		return "ui.overview"
	}
	f, err := usage.CheckFeature("ui." + strings.Join(parts, "."))
	if err != nil {
		return ""
	}
	return f
}

// recordUse records a page the viewer was shown (or a form they sent) as
// a use of its feature, by the viewer's token, hashed, and the team that
// lists the token's name among its members. It never blocks the page.
func (u *ui) recordUse(r *http.Request, perm api.Permission, v *viewer) {
	if u.usageSvc == nil || perm == api.Public {
		return
	}
	f := pageFeature(r.Pattern)
	if f == "" {
		return
	}
	ev := usage.Event{Feature: f, Action: "view"}
	if r.Method != http.MethodGet {
		ev.Action = "submit"
	}
	if v != nil && v.sess != nil {
		ev.Actor = v.sess.Token.ID
		ev.Team = u.usageSvc.TeamOf(v.sess.Token.Name)
	}
	u.usageSvc.Record(ev)
}

// usageChartFeatures is how many features the usage charts draw one by
// one, beside the platform as a whole: one per colour left in
// teamColors.
const usageChartFeatures = 7

// usageWindows are the windows the page offers, in weeks.
var usageWindows = []int{4, 12, 26, 52}

type usagePage struct {
	Summary usage.Summary
	Weeks   int
	Windows []usageWindow
	Labels  []string
	// Focus is the week the headline figures are for: the last complete
	// one, or the current one when the window has only it.
	Focus      string
	Figures    []figure
	TeamsChart template.HTML
	UsersChart template.HTML
	ChartNote  string
	Rows       []usageRow
	// Platform is the use of any feature, as a row of the tables.
	Platform usageRow
	// Weekly are the rows of the weekly figures: Platform, then Rows.
	Weekly []usageRow
	// GivenUp are the unused features that were used before the window;
	// Never the ones never used, by where paved knows them from.
	GivenUp []usage.UnusedFeature
	Never   []neverUsed
}

// neverUsed are the features of one source nobody has ever used.
type neverUsed struct {
	Source, Label string
	Features      []string
}

// sourceLabels name the sources of known features, in the order the
// page lists them.
var sourceLabels = []struct{ source, label string }{
	{usage.SourceConfig, "Declared in paved.yaml"},
	{usage.SourceUI, "Pages of paved"},
	{usage.SourceCLI, "Commands of paved"},
}

type usageWindow struct {
	Weeks  int
	Active bool
}

// usageRow is one feature of the table.
type usageRow struct {
	usage.FeatureUsage
	// Key names the row's colour class when the charts draw it.
	Key string
	// Pct is the adoption in whole percent, for the meter.
	Pct int
	// FocusTeams and FocusUsers are the figures of the focus week.
	FocusTeams, FocusUsers int
	// Unknown is how many of the teams that used it are not in the
	// catalog.
	Unknown int
}

func (u *ui) usageSummary(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if u.usageSvc == nil {
		return api.NotFound("usage is not enabled on this server")
	}
	weeks, err := usage.WeeksParam(r.URL.Query().Get("weeks"))
	if err != nil {
		return err
	}
	sum, err := u.usageSvc.Summary(r.Context(), weeks)
	if err != nil {
		return fmt.Errorf("summarising usage: %w", err)
	}
	data := usagePage{Summary: sum, Weeks: weeks}
	for _, n := range usageWindows {
		data.Windows = append(data.Windows, usageWindow{Weeks: n, Active: n == weeks})
	}
	for _, wk := range sum.Weeks {
		data.Labels = append(data.Labels, dayName(wk))
	}
	focus := max(len(sum.Weeks)-2, 0)
	data.Focus = sum.Weeks[focus]
	row := func(f usage.FeatureUsage, key string) usageRow {
		return usageRow{FeatureUsage: f, Key: key, Pct: int(f.Adoption*100 + 0.5),
			FocusTeams: f.WeeklyActiveTeams[focus], FocusUsers: f.WeeklyActiveUsers[focus], Unknown: f.Teams - f.AdoptedTeams}
	}
	data.Platform = row(usage.FeatureUsage{Feature: "any feature", Activity: sum.Platform}, "other")
	for i, f := range sum.Features {
		key := ""
		if i < usageChartFeatures {
			key = fmt.Sprintf("team-%d", i)
		}
		data.Rows = append(data.Rows, row(f, key))
	}
	data.Weekly = append([]usageRow{data.Platform}, data.Rows...)
	data.GivenUp, data.Never = splitUnused(sum.Unused)
	data.Figures = usageFigures(sum, focus)
	if len(sum.Features) > usageChartFeatures {
		data.ChartNote = fmt.Sprintf("The charts draw the %d most widely adopted features of %d; the table lists them all.", usageChartFeatures, len(sum.Features))
	}
	if sum.Platform.Events > 0 {
		teams, users := usageLines(data)
		if data.TeamsChart, err = countLines("Weekly active teams per feature", data.Labels, teams); err != nil {
			return fmt.Errorf("drawing the weekly active teams chart: %w", err)
		}
		if data.UsersChart, err = countLines("Weekly active users per feature", data.Labels, users); err != nil {
			return fmt.Errorf("drawing the weekly active users chart: %w", err)
		}
	}
	u.render(w, r, v, http.StatusOK, "usage", "Usage", data)
	return nil
}

// splitUnused separates the features used before the window from those
// never used, grouping the latter by source.
func splitUnused(unused []usage.UnusedFeature) (givenUp []usage.UnusedFeature, never []neverUsed) {
	bySource := map[string][]string{}
	for _, f := range unused {
		if f.LastUsed != nil {
			givenUp = append(givenUp, f)
		} else {
			bySource[f.Source] = append(bySource[f.Source], f.Feature)
		}
	}
	for _, s := range sourceLabels {
		if fs := bySource[s.source]; len(fs) > 0 {
			never = append(never, neverUsed{Source: s.source, Label: s.label, Features: fs})
		}
	}
	return givenUp, never
}

// usageFigures are the headline figures: the platform's active teams and
// users in the focus week, the features used, and adoption.
func usageFigures(sum usage.Summary, focus int) []figure {
	week := dayName(sum.Weeks[focus])
	last := len(sum.Weeks) - 1
	p := sum.Platform
	teams := figure{Label: "Active teams, week of " + week, Value: p.WeeklyActiveTeams[focus]}
	users := figure{Label: "Active users, week of " + week, Value: p.WeeklyActiveUsers[focus]}
	if focus != last {
		teams.Note = fmt.Sprintf("%d this week so far", p.WeeklyActiveTeams[last])
		users.Note = fmt.Sprintf("%d this week so far", p.WeeklyActiveUsers[last])
	}
	return []figure{
		teams, users,
		{Label: "Features used", Value: len(sum.Features), Note: fmt.Sprintf("in %d weeks; %d known features unused", len(sum.Weeks), len(sum.Unused))},
		{Label: "Teams using the platform", Value: p.AdoptedTeams, Note: fmt.Sprintf("of %d in the catalog (%d%%)", sum.CatalogTeams, percent(p.AdoptedTeams, sum.CatalogTeams))},
	}
}

// usageLines are the charts' lines: the platform as a whole, then the
// charted features.
func usageLines(data usagePage) (teams, users []countLine) {
	for _, r := range data.Weekly {
		if r.Key == "" {
			break
		}
		teams = append(teams, countLine{Name: r.Feature, Color: keyColor(r.Key), Values: r.WeeklyActiveTeams})
		users = append(users, countLine{Name: r.Feature, Color: keyColor(r.Key), Values: r.WeeklyActiveUsers})
	}
	return teams, users
}

// countLine is one line of a count chart, one value per category.
type countLine struct {
	Name   string
	Color  string
	Values []int
}

// countLines draws counts per week as lines on a whole-number axis from
// zero. It returns "" when there is nothing to draw.
func countLines(title string, labels []string, lines []countLine) (template.HTML, error) {
	if len(labels) == 0 || len(lines) == 0 {
		return "", nil
	}
	highest := 0
	values := make([][]float64, len(lines))
	names := make([]string, len(lines))
	colors := make([]charts.Color, len(lines))
	for i, l := range lines {
		values[i] = make([]float64, len(labels))
		for j := range labels {
			if j < len(l.Values) {
				values[i][j] = float64(l.Values[j])
				highest = max(highest, l.Values[j])
			}
		}
		names[i], colors[i] = l.Name, charts.ColorFromHex(l.Color)
	}
	top, ticks := countAxis(highest, 5)
	opt := charts.NewLineChartOptionWithData(values)
	opt.Theme = chartTheme.WithSeriesColors(colors)
	opt.Padding = charts.Box{Top: 10, Right: 30, Bottom: 10, Left: 10}
	for i := range opt.SeriesList {
		opt.SeriesList[i].Name = names[i]
	}
	opt.Legend.SeriesNames = names
	opt.Legend.FontStyle = charts.NewFontStyleWithSize(chartFontSize)
	opt.XAxis.Labels = labels
	opt.XAxis.LabelFontStyle = charts.NewFontStyleWithSize(chartFontSize)
	if len(labels) > 13 {
		opt.XAxis.LabelCount = 13
	}
	opt.YAxis[0].Min = charts.Ptr(0.0)
	opt.YAxis[0].Max = charts.Ptr(float64(top))
	opt.YAxis[0].LabelCount = ticks
	opt.YAxis[0].PreferNiceIntervals = charts.Ptr(false)
	opt.YAxis[0].ValueFormatter = formatCount
	opt.YAxis[0].LabelFontStyle = charts.NewFontStyleWithSize(chartFontSize)
	opt.LineStrokeWidth = 2
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputSVG, Width: 960, Height: 280})
	if err := p.LineChart(opt); err != nil {
		return "", err
	}
	return svgBytes(p, title)
}
