package reviewdoc

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/paved-dev/paved/internal/cost"
)

// The sections of a review, in reading order, each a few tables with the
// sentence that says how to read them and what to do about them.

func spendSection(r cost.Review) Section {
	s := Section{ID: "spend", Title: "Spend", Empty: fmt.Sprintf("No spend in %s.", monthName(r.Month))}
	t := Table{Columns: []Column{col("Currency"), num(monthColumn(r)), num(previousColumn(r)), num("Change"), num("%")}}
	if r.Current {
		t.Columns = append(t.Columns, num("Forecast"))
	}
	t.Columns = append(t.Columns, num("Budget"), num("Used"))
	if r.Current {
		t.Columns = append(t.Columns, num("Forecast used"))
	}
	budgets := false
	for _, sp := range r.Spend {
		c := sp.Currency
		forecast, budget, used, forecastUsed := "-", "-", "-", "-"
		if sp.Forecast != nil {
			forecast = money(*sp.Forecast, c)
		}
		if b := sp.Budget; b != nil {
			budgets = true
			budget, used, forecastUsed = money(b.Amount, c), percent(b.UsedPercent), percent(b.ForecastPercent)
		}
		row := []Cell{text(c), text(money(sp.Spend, c)), text(money(sp.Previous, c)), toned(signedMoney(sp.Change, c), sp.Change), toned(change(sp.ChangePct), sp.Change)}
		if r.Current {
			row = append(row, text(forecast))
		}
		row = append(row, text(budget), text(used))
		if r.Current {
			row = append(row, text(forecastUsed))
		}
		t.add(row...)
	}
	if len(t.Rows) > 0 {
		s.Tables = []Table{t}
	}
	if budgets && r.Team == "" {
		s.Notes = append(s.Notes, "Budget adds up the team-wide budgets in each currency; Used is what the teams that have one spent against it, so spend of teams without a budget does not count.")
	}
	if r.Current {
		s.Notes = append(s.Notes, "Forecasts add the run rate of recent days (weekdays and weekends apart) to the spend so far.")
	}
	return s
}

func moversSection(r cost.Review) Section {
	s := Section{ID: "movers", Title: "Top movers"}
	what, behind := "Team", "Services behind the change"
	if r.Team == "" {
		s.Intro = fmt.Sprintf("Teams whose spend changed most from %s, with the services that moved most the same way.", against(r))
	} else {
		what, behind = "Service", "Cloud services behind the change"
		s.Intro = fmt.Sprintf("Services of %s whose spend changed most from %s, with the cloud services that moved most the same way.", who(r), against(r))
	}
	switch {
	case !r.HasPrevious:
		s.Intro = ""
		s.Empty = fmt.Sprintf("%s has no billing data to compare with.", monthName(r.Previous))
	case len(r.Movers) == 0:
		s.Empty = "No spend changed."
	}
	t := Table{Columns: []Column{col(what), num(previousColumn(r)), num(monthColumn(r)), num("Change"), num("%"), col(behind)}}
	for _, m := range r.Movers {
		name := text(moverName(m.Name))
		if r.Team == "" {
			name.Team = m.Name
		}
		var parts []string
		for _, c := range m.Behind {
			parts = append(parts, contributorName(r, c.Name)+" "+signedMoney(c.Change, m.Currency))
		}
		t.add(name, text(money(m.Previous, m.Currency)), text(money(m.Current, m.Currency)),
			toned(signedMoney(m.Change, m.Currency), m.Change), toned(change(m.ChangePct), m.Change), text(strings.Join(parts, "; ")))
	}
	if len(t.Rows) > 0 {
		s.Tables = []Table{t}
	}
	if r.MoversTotal > len(r.Movers) {
		s.Notes = append(s.Notes, fmt.Sprintf("The %d largest changes of %d.", len(r.Movers), r.MoversTotal))
	}
	return s
}

func anomaliesSection(r cost.Review) Section {
	s := Section{ID: "anomalies", Title: "Anomalies",
		Intro: "Days whose spend fell outside its normal range, judged against the days before, largest difference first. " +
			"A team's day and the same day of one of its services are listed apart.",
		Empty: fmt.Sprintf("No anomalies in %s.", monthName(r.Month))}
	if r.Current {
		s.Empty = fmt.Sprintf("No anomalies in %s so far.", monthName(r.Month))
	}
	t := Table{Columns: []Column{col("Day")}}
	if r.Team == "" {
		t.Columns = append(t.Columns, col("Team"))
	}
	t.Columns = append(t.Columns, col("Service"), num("Spend"), num("Expected"), num("Difference"), col("Driven by"))
	for _, a := range r.Anomalies {
		row := []Cell{text(a.Day)}
		if r.Team == "" {
			row = append(row, Cell{Text: a.Team, Team: a.Team})
		}
		svc := a.Service
		if svc == "" {
			svc = "whole team"
		}
		var drivers []string
		for _, d := range a.Drivers {
			drivers = append(drivers, d.ServiceName+" "+signedMoney(d.Change, a.Currency))
		}
		row = append(row, text(svc), text(money(a.Actual, a.Currency)), text(money(a.Expected, a.Currency)),
			toned(signedMoney(a.Impact, a.Currency), a.Impact), text(strings.Join(drivers, "; ")))
		t.add(row...)
	}
	if len(t.Rows) > 0 {
		s.Tables = []Table{t}
	}
	if r.AnomaliesTotal > len(r.Anomalies) {
		s.Notes = append(s.Notes, fmt.Sprintf("The %d largest of %d anomalies; paved cost alerts lists those that alerted.", len(r.Anomalies), r.AnomaliesTotal))
	}
	return s
}

// bandLevel grades a FinOps maturity band.
func bandLevel(band string) string {
	switch band {
	case "run":
		return LevelGood
	case "walk":
		return LevelWarn
	case "crawl":
		return LevelBad
	}
	return LevelNone
}

func coverageSection(r cost.Review) Section {
	s := Section{ID: "coverage", Title: "Allocation coverage",
		Intro: "The share of spend allocated to a team, and the FinOps Foundation's maturity band it reaches: run above 90%, walk from 80%, crawl below.",
		Empty: fmt.Sprintf("No spend to allocate in %s.", monthName(r.Month))}
	if r.Coverage == nil {
		return s
	}
	overall := Table{Caption: "Overall", Columns: []Column{col("Currency"), num("Spend"), num("Unallocated"), num("Allocated"), col("Band")}}
	for _, o := range r.Coverage.Overall {
		overall.add(text(o.Currency), text(money(o.Effective, o.Currency)), text(money(o.Unallocated, o.Currency)), text(share(o.Share)),
			Cell{Text: o.Band, Level: bandLevel(o.Band)})
	}
	accounts := Table{Caption: "By account, the most unallocated first", Columns: []Column{col("Provider"), col("Account"), num("Spend"), num("Unallocated"), num("Allocated"), col("Band")}}
	for _, a := range r.Coverage.Rows {
		accounts.add(text(a.Provider), code(orNone(a.Account, "no account id")), text(money(a.Effective, a.Currency)), text(money(a.Unallocated, a.Currency)),
			text(share(a.Share)), Cell{Text: a.Band, Level: bandLevel(a.Band)})
	}
	if len(overall.Rows) > 0 {
		s.Tables = []Table{overall, accounts}
	}
	if r.CoverageAccounts > len(r.Coverage.Rows) {
		s.Notes = append(s.Notes, fmt.Sprintf("The %d accounts with the most unallocated spend of %d; paved cost coverage lists them all.", len(r.Coverage.Rows), r.CoverageAccounts))
	}
	return s
}

func orNone(s, none string) string {
	if s == "" {
		return none
	}
	return s
}

// methodName says how spend was allocated.
func methodName(a cost.AllocationShare) string {
	switch a.Method {
	case cost.ByTag:
		return "tags"
	case cost.ByAccount:
		return "catalog account"
	case cost.ByRule:
		return "allocation rule " + a.Rule
	case strings.TrimSuffix(cost.SharedPrefix, ":"):
		return "share of shared cost " + a.Rule
	}
	return a.Method
}

func allocationSection(r cost.Review) Section {
	s := Section{ID: "allocation", Title: "How the spend was allocated",
		Intro: fmt.Sprintf("How the spend of %s came to be allocated to it: by its resources' tags, by the catalog's cloud accounts of its services, by allocation rules, or as a share of shared costs.", who(r)),
		Empty: fmt.Sprintf("No spend in %s.", monthName(r.Month))}
	t := Table{Columns: []Column{col("Allocated by"), col("Currency"), num("Spend"), num("Share")}}
	for _, a := range r.Allocation {
		t.add(text(methodName(a)), text(a.Currency), text(money(a.EffectiveCost, a.Currency)), text(share(a.Share)))
	}
	if len(t.Rows) > 0 {
		s.Tables = []Table{t}
	}
	return s
}

// suggestion is the owner and reason cells of a suggestion.
func suggestion(sg *cost.OwnerSuggestion) []Cell {
	if sg == nil {
		return []Cell{text("-"), text("nothing to go on")}
	}
	return []Cell{{Text: sg.Team, Team: sg.Team}, text(sg.Reason)}
}

// tagList turns a resource's tags (a JSON object) into sorted key=value
// pairs.
func tagList(tags string) string {
	var m map[string]string
	if err := json.Unmarshal([]byte(tags), &m); err != nil {
		if tags == "" || tags == "{}" {
			return ""
		}
		return tags
	}
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

// tagsCell shows a resource's tags as code, or says it has none.
func tagsCell(tags string) Cell {
	if l := tagList(tags); l != "" {
		return code(l)
	}
	return text("untagged")
}

func unallocatedSection(r cost.Review) Section {
	s := Section{ID: "unallocated", Title: "Unallocated spend",
		Intro: "Spend no tag, catalog account or allocation rule gives to a team, largest first, with the team it most likely belongs to and why. " +
			"A suggestion is a lead to check with that team, not an allocation: tag the resources, add the account to a service in the catalog, or write a cost.allocation rule.",
		Empty: fmt.Sprintf("Every charge of %s is allocated to a team.", monthName(r.Month))}
	if r.Team != "" {
		s.Title = "Unallocated spend that may belong to " + who(r)
		s.Intro = fmt.Sprintf("Spend nobody owns that paved suggests belongs to %s, and why. If it is, tag the resources with the team, or add the account to one of its services in the catalog.", who(r))
		s.Empty = fmt.Sprintf("Nothing unallocated in %s points to %s.", monthName(r.Month), who(r))
	}
	un := r.Unallocated
	accounts := Table{Caption: "By account", Columns: []Column{col("Account"), col("Name"), col("Provider"), num("Resources"), num("Spend"), col("Suggested owner"), col("Why")}}
	for _, a := range un.Accounts {
		accounts.add(append([]Cell{code(orNone(a.Account, "no account id")), text(orNone(a.AccountName, "-")), text(a.Provider),
			text(fmt.Sprint(a.Resources)), text(money(a.EffectiveCost, a.Currency))}, suggestion(a.Suggested)...)...)
	}
	resources := Table{Caption: "Largest resources", Columns: []Column{col("Resource"), col("Account"), col("Service"), col("Tags"), num("Spend"), col("Suggested owner"), col("Why")}}
	for _, d := range un.Resources {
		res := orNone(d.ResourceID, "no resource id")
		if d.ResourceName != "" && d.ResourceName != d.ResourceID {
			res = d.ResourceName + " (" + res + ")"
		}
		resources.add(append([]Cell{code(res), code(orNone(d.Account, "no account id")), text(orNone(d.ServiceName, "-")), tagsCell(d.Tags),
			text(money(d.EffectiveCost, d.Currency))}, suggestion(d.Suggested)...)...)
	}
	for _, t := range []Table{accounts, resources} {
		if len(t.Rows) > 0 {
			s.Tables = append(s.Tables, t)
		}
	}
	if un.MoreAccounts {
		s.Notes = append(s.Notes, fmt.Sprintf("Only the %d accounts with the most unallocated spend are listed; paved cost unallocated lists them all.", len(un.Accounts)))
	}
	if un.MoreResources {
		s.Notes = append(s.Notes, fmt.Sprintf("Only the %d largest resources are listed; paved cost unallocated lists them all.", len(un.Resources)))
	}
	return s
}

// statusCell grades a budget status.
func statusCell(status string) Cell {
	switch status {
	case cost.BudgetOver:
		return Cell{Text: "over", Level: LevelBad}
	case cost.BudgetAtRisk:
		return Cell{Text: "at risk", Level: LevelWarn}
	}
	return Cell{Text: "on track", Level: LevelGood}
}

func budgetsSection(r cost.Review) Section {
	s := Section{ID: "budgets", Title: "Budgets",
		Intro: "Team-wide budgets, the most pressing first; each team's own review lists its service and environment budgets too.",
		Empty: fmt.Sprintf("No budgets for %s. Set them in paved.yaml (cost.budgets) or with paved cost budget set.", monthName(r.Month))}
	first := col("Team")
	if r.Team != "" {
		first = col("Scope")
		s.Intro = fmt.Sprintf("The budgets of %s, the most pressing first.", who(r))
	}
	t := Table{Columns: []Column{first, num("Budget"), num("Spent"), num("Used")}}
	if r.Current {
		t.Columns = append(t.Columns, num("Forecast"), num("Forecast used"))
	}
	t.Columns = append(t.Columns, col("Status"))
	for _, b := range r.Budgets {
		name := Cell{Text: b.Team, Team: b.Team}
		if r.Team != "" {
			name = text(scopeName(b.Budget))
		}
		row := []Cell{name, text(money(b.Amount, b.Currency)), text(money(b.MonthToDate, b.Currency)), text(percent(b.UsedPercent))}
		if r.Current {
			row = append(row, text(money(b.Forecast, b.Currency)), text(percent(b.ForecastPercent)))
		}
		t.add(append(row, statusCell(b.Status))...)
	}
	if len(t.Rows) > 0 {
		s.Tables = []Table{t}
	}
	return s
}

func scopeName(b cost.Budget) string {
	var parts []string
	if b.Service != "" {
		parts = append(parts, "service "+b.Service)
	}
	if b.Environment != "" {
		parts = append(parts, "environment "+b.Environment)
	}
	if len(parts) == 0 {
		return "whole team"
	}
	return strings.Join(parts, ", ")
}
