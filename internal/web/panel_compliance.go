package web

import (
	"cmp"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/policy"
)

// trendDays is how far back the team page's compliance trend goes.
const trendDays = 30

// expiringSoon is how many days before its expiry an exception is
// highlighted on the team page.
const expiringSoon = 14

func init() {
	teamPanels = append(teamPanels, teamPanel{
		Title:    "Compliance",
		Template: "compliance",
		Load:     loadCompliance,
	})
}

// complianceFinding is an open finding with its policy's title; Loaded is
// false for a policy that is no longer loaded (its page would 404).
type complianceFinding struct {
	findingRow
	Loaded bool
}

// exceptionRow is one of a team's exceptions.
type exceptionRow struct {
	policy.ExceptionView
	Title  string
	Loaded bool
	// Soon is set for an exception that still applies but ends within
	// expiringSoon days.
	Soon bool
}

// Scope says what the exception covers within the team.
func (e exceptionRow) Scope() []string {
	var out []string
	if e.Service != "" {
		out = append(out, "service "+e.Service)
	}
	if e.Namespace != "" {
		out = append(out, "namespace "+e.Namespace)
	}
	if e.Resource != "" {
		out = append(out, "resource "+e.Resource)
	}
	return out
}

type compliancePanel struct {
	Team       string
	Figures    []figure
	Findings   []complianceFinding
	Exceptions []exceptionRow
	Trend      template.HTML
	TrendTotal policy.Counts
	TrendDays  int
}

func loadCompliance(u *ui, r *http.Request, t catalog.Team) (any, error) {
	if u.pol == nil {
		return nil, nil
	}
	svc := u.pol
	c, err := svc.TeamCompliance(r.Context(), t.Name)
	if err != nil {
		return nil, err
	}
	if len(c.Findings) == 0 && len(c.Exceptions) == 0 && len(c.Days) == 0 {
		// Nothing to say: the panel is left out rather than empty.
		return nil, nil
	}
	data := &compliancePanel{Team: t.Name, TrendDays: trendDays}
	data.Figures = []figure{
		{Label: "Open denials", Value: c.Open.Deny},
		{Label: "Open warnings", Value: c.Open.Warn},
		{Label: "Would deny if enforced", Value: c.Open.WouldDeny},
		{Label: "Excepted", Value: c.Open.Excepted},
	}
	for _, f := range c.Findings {
		cf := complianceFinding{findingRow: findingRow{Finding: f, Title: f.Policy, Owner: teamRef{Team: t.Name, Display: t.DisplayName, Known: true}}}
		if p, ok := svc.Engine.Policy(f.Policy); ok {
			cf.Title, cf.Loaded = p.Title, true
		}
		data.Findings = append(data.Findings, cf)
	}
	slices.SortStableFunc(data.Findings, func(a, b complianceFinding) int {
		return cmp.Or(cmp.Compare(actionRank(a.Action), actionRank(b.Action)),
			cmp.Compare(severityRank(a.Severity), severityRank(b.Severity)),
			strings.Compare(a.Title, b.Title))
	})
	for _, e := range c.Exceptions {
		er := exceptionRow{ExceptionView: e, Title: e.Policy, Soon: !e.Expired && e.DaysLeft < expiringSoon}
		if p, ok := svc.Engine.Policy(e.Policy); ok {
			er.Title, er.Loaded = p.Title, true
		}
		data.Exceptions = append(data.Exceptions, er)
	}
	days, ss, totals := dailySeries(c.Days, svc.Now(), trendDays)
	data.TrendTotal = totals
	if data.Trend, err = stackedBars(fmt.Sprintf("Policy results per day for %s, last %d days", t.DisplayName, trendDays), days, ss,
		stackOptions{Height: 200, LabelCount: 6}); err != nil {
		return nil, fmt.Errorf("drawing the compliance trend: %w", err)
	}
	return data, nil
}
