package web

import (
	"cmp"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/policy"
)

// modeScheduled is the mode filter for policies that warn today and have
// a date from which they enforce: the rollout pipeline.
const modeScheduled = "scheduled"

// A policy page lists at most this many open findings, and in its
// enforcement preview this many teams with this many findings each, so it
// stays small for a policy that a whole organisation violates; the JSON
// API lists them all.
const (
	findingsShown  = 200
	previewTeams   = 20
	previewPerTeam = 25
)

// historyDays is how far back a policy's "Violations over time" goes.
const historyDays = 90

// policyRow is one line of the Guardrails table.
type policyRow struct {
	policy.PolicySummary
}

// Scheduled reports whether the policy warns today ahead of an enforcement
// date.
func (p policyRow) Scheduled() bool {
	return p.Rollout.Mode == config.ModeWarn && p.Rollout.EnforceFrom != ""
}

// filterOption is one choice of a filter's select.
type filterOption struct {
	Value, Label string
}

type policiesPage struct {
	Figures []figure
	Rows    []policyRow
	Total   int
	// Severity, Mode and Set are the active filters ("" = any).
	Severity, Mode, Set string
	Severities          []string
	Modes               []filterOption
	Sets                []string
	// Pipeline lists the policies that start enforcing on a date, soonest
	// first.
	Pipeline  []policyRow
	TeamChart template.HTML
	TeamBars  []teamCounts
	TeamNote  string
	// Findings is the number of open findings of every loaded policy.
	Findings int
}

// teamRef names a team that findings are keyed on. Known is false for
// one that is not in the catalog ("unowned", or a team since removed),
// which has no page to link to.
type teamRef struct {
	Team, Display string
	Known         bool
}

func refTo(names map[string]string, team string) teamRef {
	if d, ok := names[team]; ok {
		return teamRef{Team: team, Display: d, Known: true}
	}
	return teamRef{Team: team, Display: team}
}

// teamCounts is one team's open findings.
type teamCounts struct {
	teamRef
	policy.Counts
}

func (u *ui) guardrails() (*policy.Service, error) {
	if u.pol == nil {
		return nil, api.NotFound("guardrails are not enabled on this server")
	}
	return u.pol, nil
}

func (u *ui) policies(w http.ResponseWriter, r *http.Request, v *viewer) error {
	svc, err := u.guardrails()
	if err != nil {
		return err
	}
	ctx := r.Context()
	q := r.URL.Query()
	data := policiesPage{
		Severity: q.Get("severity"), Mode: q.Get("mode"), Set: q.Get("set"),
		Severities: policy.Severities,
		Modes: []filterOption{
			{config.ModeEnforce, "enforce"}, {config.ModeWarn, "warn"},
			{modeScheduled, "warn, enforce date set"}, {config.ModeOff, "off"},
		},
		Sets: policy.Sets(svc.Engine.Policies()),
	}
	// Both read every open finding: side by side, the page takes as long
	// as one read.
	var (
		wg      sync.WaitGroup
		teamErr error
	)
	wg.Go(func() { data.TeamBars, teamErr = u.findingsByTeam(ctx, svc) })
	summaries, err := svc.Summaries(ctx)
	wg.Wait()
	if err != nil {
		return fmt.Errorf("listing policies: %w", err)
	}
	if teamErr != nil {
		return teamErr
	}
	data.Total = len(summaries)
	var open policy.Counts
	for _, s := range summaries {
		row := policyRow{s}
		open.Deny += s.Open.Deny
		open.Warn += s.Open.Warn
		open.Excepted += s.Open.Excepted
		open.WouldDeny += s.Open.WouldDeny
		if row.Scheduled() {
			data.Pipeline = append(data.Pipeline, row)
		}
		if data.Severity != "" && s.Severity != data.Severity {
			continue
		}
		if data.Set != "" && !slices.Contains(s.Sets, data.Set) {
			continue
		}
		if m := data.Mode; m != "" && !(m == s.Rollout.Mode || m == modeScheduled && row.Scheduled()) {
			continue
		}
		data.Rows = append(data.Rows, row)
	}
	slices.SortStableFunc(data.Rows, comparePolicies)
	slices.SortStableFunc(data.Pipeline, func(a, b policyRow) int {
		return cmp.Or(strings.Compare(a.Rollout.EnforceFrom, b.Rollout.EnforceFrom), strings.Compare(a.ID, b.ID))
	})
	data.Findings = open.Deny + open.Warn + open.Excepted

	active, err := activeExceptions(ctx, svc)
	if err != nil {
		return err
	}
	data.Figures = []figure{
		{Label: "Open denials", Value: open.Deny, Note: "blocked in CI or at admission"},
		{Label: "Open warnings", Value: open.Warn, Note: fmt.Sprintf("%d would be denied if enforced", open.WouldDeny)},
		{Label: "Active exceptions", Value: active, Note: plural(open.Excepted, "finding", "findings") + " excepted"},
		{Label: "Rollouts scheduled", Value: len(data.Pipeline), Href: "/policies?mode=" + modeScheduled, Note: "warn now, enforce from a date"},
	}

	bars := data.TeamBars
	if len(bars) > chartTeams {
		data.TeamNote = fmt.Sprintf("The %d teams with the most open findings, of %d teams with findings.", chartTeams, len(bars))
		bars = bars[:chartTeams]
	}
	labels := make([]string, len(bars))
	deny, warn := make([]int, len(bars)), make([]int, len(bars))
	for i, b := range bars {
		labels[i], deny[i], warn[i] = b.Display, b.Deny, b.Warn
	}
	data.TeamChart, err = stackedBars("Open findings by team", labels,
		[]series{{"deny", colorDeny, deny}, {"warn", colorWarn, warn}}, stackOptions{Horizontal: true, Legend: true})
	if err != nil {
		return fmt.Errorf("drawing the findings-by-team chart: %w", err)
	}
	u.render(w, r, v, http.StatusOK, "policies", "Guardrails", data)
	return nil
}

// comparePolicies orders the most severe first, then those with the most
// open findings, then by title.
func comparePolicies(a, b policyRow) int {
	return cmp.Or(
		cmp.Compare(severityRank(a.Severity), severityRank(b.Severity)),
		cmp.Compare(b.Open.Deny+b.Open.Warn, a.Open.Deny+a.Open.Warn),
		strings.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title)),
	)
}

func severityRank(s string) int {
	if i := slices.Index(policy.Severities, s); i >= 0 {
		return i
	}
	return len(policy.Severities)
}

func activeExceptions(ctx context.Context, svc *policy.Service) (int, error) {
	ex, err := svc.Exceptions(ctx, "")
	if err != nil {
		return 0, fmt.Errorf("listing exceptions: %w", err)
	}
	n := 0
	for _, e := range ex {
		if !e.Expired {
			n++
		}
	}
	return n, nil
}

// findingsByTeam counts the open findings of loaded policies per team,
// most denials first.
func (u *ui) findingsByTeam(ctx context.Context, svc *policy.Service) ([]teamCounts, error) {
	findings, err := svc.Store.Findings(ctx, "", "")
	if err != nil {
		return nil, fmt.Errorf("listing findings: %w", err)
	}
	byTeam := map[string]*teamCounts{}
	var order []string
	for _, f := range findings {
		if _, ok := svc.Engine.Policy(f.Policy); !ok {
			continue
		}
		tc := byTeam[f.Team]
		if tc == nil {
			tc = &teamCounts{teamRef: teamRef{Team: f.Team}}
			byTeam[f.Team] = tc
			order = append(order, f.Team)
		}
		addFinding(&tc.Counts, f)
	}
	names := u.teamNames()
	out := make([]teamCounts, 0, len(order))
	for _, t := range order {
		tc := *byTeam[t]
		tc.teamRef = refTo(names, t)
		out = append(out, tc)
	}
	slices.SortStableFunc(out, func(a, b teamCounts) int {
		return cmp.Or(cmp.Compare(b.Deny, a.Deny), cmp.Compare(b.Warn, a.Warn), strings.Compare(a.Display, b.Display))
	})
	return out, nil
}

// addFinding counts f the way policy.Counts does.
func addFinding(c *policy.Counts, f policy.Finding) {
	switch f.Action {
	case policy.ActionDeny:
		c.Deny++
	case policy.ActionWarn:
		c.Warn++
		if f.Mode == config.ModeWarn {
			c.WouldDeny++
		}
	case policy.ActionExcepted:
		c.Excepted++
	}
}

// teamNames maps team slugs to display names, from the catalog.
func (u *ui) teamNames() map[string]string {
	snap := u.cat.Current()
	m := make(map[string]string, len(snap.Teams))
	for _, t := range snap.Teams {
		m[t.Name] = t.DisplayName
	}
	return m
}

// findingRow is an open finding as a table shows it.
type findingRow struct {
	policy.Finding
	Title string
	Owner teamRef
}

// Where is the file and line the finding was found at.
func (f findingRow) Where() string {
	if f.File == "" {
		return ""
	}
	if f.Line > 0 {
		return fmt.Sprintf("%s:%d", f.File, f.Line)
	}
	return f.File
}

// previewTeam is one team of an enforcement preview.
type previewTeam struct {
	teamRef
	Findings []findingRow
	// Total counts the team's findings, shown or not.
	Total int
}

// More is how many of the team's findings are not listed.
func (p previewTeam) More() int { return p.Total - len(p.Findings) }

type policyPage struct {
	policyRow
	Figures  []figure
	Teams    []teamCounts
	Findings []findingRow
	// FindingsTotal counts the open findings, listed or not.
	FindingsTotal int
	// Preview lists what enforcing today would deny, by team, the teams
	// with the most first.
	Preview      []previewTeam
	PreviewTotal int
	// PreviewTeams counts the teams in the preview, listed or not.
	PreviewTeams int
	History      template.HTML
	HistoryTotal policy.Counts
	HistoryDays  int
}

func (u *ui) policy(w http.ResponseWriter, r *http.Request, v *viewer) error {
	svc, err := u.guardrails()
	if err != nil {
		return err
	}
	d, err := svc.Detail(r.Context(), r.PathValue("id"))
	if api.IsNotFound(err) {
		return api.NotFound("there is no policy %q; the Guardrails page lists every loaded policy", r.PathValue("id"))
	}
	if err != nil {
		return fmt.Errorf("loading policy %q: %w", r.PathValue("id"), err)
	}
	names := u.teamNames()
	row := func(f policy.Finding) findingRow {
		return findingRow{Finding: f, Title: d.Title, Owner: refTo(names, f.Team)}
	}
	data := policyPage{policyRow: policyRow{d.PolicySummary}, HistoryDays: historyDays}
	byTeam := map[string]*teamCounts{}
	for _, f := range d.Findings {
		data.Findings = append(data.Findings, row(f))
		tc := byTeam[f.Team]
		if tc == nil {
			tc = &teamCounts{teamRef: refTo(names, f.Team)}
			byTeam[f.Team] = tc
		}
		addFinding(&tc.Counts, f)
	}
	for _, tc := range byTeam {
		data.Teams = append(data.Teams, *tc)
	}
	slices.SortFunc(data.Teams, func(a, b teamCounts) int {
		return cmp.Or(cmp.Compare(b.Deny, a.Deny), cmp.Compare(b.Warn, a.Warn), strings.Compare(a.Display, b.Display))
	})
	// Denials first: they block someone today.
	slices.SortStableFunc(data.Findings, func(a, b findingRow) int {
		return cmp.Compare(actionRank(a.Action), actionRank(b.Action))
	})
	data.FindingsTotal = len(data.Findings)
	data.Findings = data.Findings[:min(len(data.Findings), findingsShown)]
	for team, fs := range d.Preview.Teams {
		pt := previewTeam{teamRef: refTo(names, team), Total: len(fs)}
		for _, f := range fs[:min(len(fs), previewPerTeam)] {
			pt.Findings = append(pt.Findings, row(f))
		}
		data.Preview = append(data.Preview, pt)
		data.PreviewTotal += len(fs)
	}
	slices.SortFunc(data.Preview, func(a, b previewTeam) int {
		return cmp.Or(cmp.Compare(b.Total, a.Total), strings.Compare(a.Display, b.Display))
	})
	data.PreviewTeams = len(data.Preview)
	data.Preview = data.Preview[:min(len(data.Preview), previewTeams)]
	data.Figures = []figure{
		{Label: "Open denials", Value: d.Open.Deny},
		{Label: "Open warnings", Value: d.Open.Warn},
		{Label: "Would deny if enforced", Value: d.Open.WouldDeny},
		{Label: "Excepted", Value: d.Open.Excepted},
		{Label: "Teams affected", Value: len(d.Teams)},
	}
	days, ss, totals := dailySeries(d.Days, svc.Now(), historyDays)
	data.HistoryTotal = totals
	if data.History, err = stackedBars("Violations per day, last 90 days", days, ss,
		stackOptions{Height: 280, LabelCount: 10}); err != nil {
		return fmt.Errorf("drawing the history chart: %w", err)
	}
	u.render(w, r, v, http.StatusOK, "policy", d.Title, data)
	return nil
}

func actionRank(a string) int {
	switch a {
	case policy.ActionDeny:
		return 0
	case policy.ActionWarn:
		return 1
	}
	return 2
}

// dailySeries turns rollup cells into one value per day for the last n
// days up to today (UTC), per action, with the totals. Days are labelled
// "Jan 2".
func dailySeries(cells []policy.DayCount, now time.Time, n int) ([]string, []series, policy.Counts) {
	today := now.UTC().Truncate(24 * time.Hour)
	first := today.AddDate(0, 0, -(n - 1))
	labels := make([]string, n)
	index := make(map[string]int, n)
	for i := range n {
		d := first.AddDate(0, 0, i)
		labels[i] = d.Format("Jan 2")
		index[d.Format(config.DateLayout)] = i
	}
	deny, warn, excepted := make([]int, n), make([]int, n), make([]int, n)
	var total policy.Counts
	for _, c := range cells {
		i, ok := index[c.Day]
		if !ok {
			continue
		}
		switch c.Action {
		case policy.ActionDeny:
			deny[i] += c.Count
			total.Deny += c.Count
		case policy.ActionWarn:
			warn[i] += c.Count
			total.Warn += c.Count
		case policy.ActionExcepted:
			excepted[i] += c.Count
			total.Excepted += c.Count
		}
	}
	return labels, []series{
		{"deny", colorDeny, deny}, {"warn", colorWarn, warn}, {"excepted", colorExcepted, excepted},
	}, total
}

// plural writes a count with the noun that fits it: "1 finding", "2 findings".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
