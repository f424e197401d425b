package web

import (
	"cmp"
	"fmt"
	"html/template"
	"net/http"
	"slices"

	"github.com/paved-dev/paved/internal/catalog"
)

// chartTeams caps the services-per-team chart; a large organisation's
// long tail is on the Teams page.
const chartTeams = 15

// figure is one headline count.
type figure struct {
	Label string
	Value int
	Href  string
	Note  string
}

// share is a coverage figure: N of Total.
type share struct {
	Label    string
	N, Total int
}

// Pct is the share in whole percent.
func (s share) Pct() int { return percent(s.N, s.Total) }

// envRow summarises what runs in one environment.
type envRow struct {
	Name                           string
	Production                     bool
	Services, Namespaces, Accounts int
}

type overviewPage struct {
	Figures          []figure
	ServiceCoverage  []share
	TeamCoverage     []share
	TeamBars         []bar
	TeamChart        template.HTML
	TeamChartNote    string
	Lifecycles       []bar
	LifecycleChart   template.HTML
	Environments     []envRow
	UnplacedServices int
}

func (u *ui) overview(w http.ResponseWriter, r *http.Request, v *viewer) error {
	snap := u.cat.Current()
	data := summarize(snap)
	var err error
	if data.TeamChart, err = horizontalBars("Services per team", data.TeamBars); err != nil {
		return fmt.Errorf("drawing the services-per-team chart: %w", err)
	}
	if data.LifecycleChart, err = doughnut("Services by lifecycle", data.Lifecycles); err != nil {
		return fmt.Errorf("drawing the lifecycle chart: %w", err)
	}
	u.render(w, r, v, http.StatusOK, "overview", "Overview", data)
	return nil
}

// summarize computes every overview figure from one catalog snapshot, in
// one pass over the services.
func summarize(snap *catalog.Snapshot) overviewPage {
	var (
		namespaces   = make(map[string]bool, 3*len(snap.Services))
		accounts     = map[string]bool{}
		perTeam      = map[string]int{}
		lifecycles   = map[string]int{}
		envServices  = map[string]int{}
		envNS        = map[string]int{}
		envAccounts  = map[string]map[string]bool{}
		withRepo     int
		withNS       int
		withAccounts int
		withPath     int
		unplaced     int
		envs         []string
	)
	for _, s := range snap.Services {
		perTeam[s.Team]++
		lifecycles[s.Lifecycle]++
		if s.Repository != "" {
			withRepo++
		}
		if len(s.Namespaces) > 0 {
			withNS++
		}
		if len(s.CloudAccounts) > 0 {
			withAccounts++
		}
		if s.GoldenPath != "" {
			withPath++
		}
		// A service is in a handful of environments: a slice beats a map.
		envs = envs[:0]
		for _, ns := range s.Namespaces {
			namespaces[ns.Name] = true
			envNS[ns.Environment]++
			if !slices.Contains(envs, ns.Environment) {
				envs = append(envs, ns.Environment)
			}
		}
		for _, a := range s.CloudAccounts {
			accounts[a.ID] = true
			if envAccounts[a.Environment] == nil {
				envAccounts[a.Environment] = map[string]bool{}
			}
			envAccounts[a.Environment][a.ID] = true
			if !slices.Contains(envs, a.Environment) {
				envs = append(envs, a.Environment)
			}
		}
		if len(envs) == 0 {
			unplaced++
		}
		for _, e := range envs {
			envServices[e]++
		}
	}

	prod := 0
	var envRows []envRow
	for _, e := range snap.Environments {
		if e.Production {
			prod++
		}
		envRows = append(envRows, envRow{Name: e.Name, Production: e.Production,
			Services: envServices[e.Name], Namespaces: envNS[e.Name], Accounts: len(envAccounts[e.Name])})
	}
	// Namespaces and accounts not tied to an environment are shown, not
	// dropped: they are the gaps an owner should fill.
	if envServices[""] > 0 {
		envRows = append(envRows, envRow{Name: "", Services: envServices[""], Namespaces: envNS[""], Accounts: len(envAccounts[""])})
	}

	n, t := len(snap.Services), len(snap.Teams)
	contact, owning := 0, 0
	bars := make([]bar, 0, t)
	for _, tm := range snap.Teams {
		if tm.Contact.Chat != "" || tm.Contact.Email != "" {
			contact++
		}
		if perTeam[tm.Name] > 0 {
			owning++
		}
		bars = append(bars, bar{Label: tm.DisplayName, Value: perTeam[tm.Name]})
	}
	slices.SortStableFunc(bars, func(a, b bar) int { return cmp.Compare(b.Value, a.Value) })
	note := ""
	if len(bars) > chartTeams {
		note = fmt.Sprintf("The %d teams owning the most services, of %d teams.", chartTeams, len(bars))
		bars = bars[:chartTeams]
	}

	return overviewPage{
		Figures: []figure{
			{Label: "Teams", Value: t, Href: "/teams"},
			{Label: "Services", Value: n, Href: "/services"},
			{Label: "Environments", Value: len(snap.Environments), Note: fmt.Sprintf("%d production", prod)},
			{Label: "Namespaces", Value: len(namespaces)},
			{Label: "Cloud accounts", Value: len(accounts)},
		},
		ServiceCoverage: []share{
			{Label: "have a source repository", N: withRepo, Total: n},
			{Label: "run in a Kubernetes namespace", N: withNS, Total: n},
			{Label: "spend in a cloud account", N: withAccounts, Total: n},
			{Label: "follow a golden path", N: withPath, Total: n},
		},
		TeamCoverage: []share{
			{Label: "own at least one service", N: owning, Total: t},
			{Label: "have a chat channel or email", N: contact, Total: t},
		},
		TeamBars:         bars,
		TeamChartNote:    note,
		Lifecycles:       lifecycleBars(lifecycles),
		Environments:     envRows,
		UnplacedServices: unplaced,
	}
}

// lifecycleBars orders Backstage's well-known lifecycles first, then any
// others by name, then services without one.
func lifecycleBars(counts map[string]int) []bar {
	var out []bar
	for _, l := range catalog.Lifecycles {
		if counts[l] > 0 {
			out = append(out, bar{Label: l, Value: counts[l]})
		}
	}
	var other []string
	for l := range counts {
		if l != "" && !slices.Contains(catalog.Lifecycles, l) {
			other = append(other, l)
		}
	}
	slices.Sort(other)
	for _, l := range other {
		out = append(out, bar{Label: l, Value: counts[l]})
	}
	if counts[""] > 0 {
		out = append(out, bar{Label: "not set", Value: counts[""]})
	}
	return out
}
