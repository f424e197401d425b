package web

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/delivery"
	"github.com/paved-dev/paved/internal/delivery/dora"
)

// The Delivery page shows DORA for the organisation, a team or a
// service over a window, with the latest deployments and incidents that
// make the numbers and the repositories no team owns. It arranges what
// dora.Service and delivery.Service return; it computes nothing.
const (
	// deliveryDefaultDays is the window when the page is opened plainly.
	deliveryDefaultDays = dora.DefaultDays
	// deploymentsShown and incidentsShown bound the latest lists; the
	// JSON API lists everything.
	deploymentsShown = 25
	incidentsShown   = 25
	unownedShown     = 25
	// orgServicesShown bounds the organisation's service table: the
	// services with the most deployments; a team's view lists all of its.
	orgServicesShown = 100
)

// deliveryWindows are the windows the page offers, in days.
var deliveryWindows = []int{30, 90, 180, 365}

type deliveryPage struct {
	// Kind is dora.Organisation, dora.TeamScope or dora.ServiceScope.
	Kind string
	// Team is the team of a team's or a service's view; Service the
	// service of a service's view.
	Team    teamRef
	Service string
	Window  deliveryWindow
	// OrgHref and TeamHref are the crumbs, in the same window.
	OrgHref, TeamHref string
	DORA              template.HTML
	// Teams and Services are the rows of the breakdown tables, which
	// TeamTable and ServiceTable draw.
	Teams                   []doraRow
	Services                []doraRow
	TeamTable, ServiceTable doraTable
	// ServicesWithData and ServicesQuiet count the scope's services with
	// and without deliveries in the window, for the table's note.
	ServicesWithData, ServicesQuiet int
	Deployments                     []deploymentRow
	Incidents                       []incidentRow
	// IncidentWindow is delivery.incident_window, as people read it.
	IncidentWindow string
	// Unowned are the repositories deliveries arrived for without an
	// owner; shown on the organisation's and the unowned team's view.
	Unowned      []delivery.Unowned
	UnownedTotal int
	ShowUnowned  bool
	// Received is false until any deployment or incident has arrived:
	// the page then explains how to send them.
	Received bool
	HasData  bool
}

// deliveryWindow is the window and the links that change it.
type deliveryWindow struct {
	Text     string
	From, To string // YYYY-MM-DD, to exclusive
	Days     int
	Custom   bool
	Presets  []windowLink
	// Query is the window as query parameters, for links that keep it.
	Query string
}

type windowLink struct {
	Days   int
	Href   string
	Active bool
}

// doraRow is a team or a service with its five metrics.
type doraRow struct {
	Name, Href string
	Team       teamRef
	Cells      []doraCell
	// Deployments orders the organisation's service table.
	Deployments int
	// HasData is set when anything was delivered or opened in the window.
	HasData bool
}

type doraCell struct {
	Value, Band, BandClass string
}

// doraTable is what the "dora-table" template draws.
type doraTable struct {
	Head     string
	ShowTeam bool
	Rows     []doraRow
}

func (u *ui) deliveryPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if u.dora == nil || u.delivery == nil {
		return api.NotFound("delivery metrics are not enabled on this server")
	}
	ctx := r.Context()
	q := r.URL.Query()
	team, service := strings.TrimSpace(q.Get("team")), strings.TrimSpace(q.Get("service"))
	win, data, err := u.deliveryWindow(q, team, service)
	if err != nil {
		return fieldError(err)
	}
	names := u.teamNames()
	var rep dora.Report
	switch {
	case service != "":
		if rep, err = u.dora.Report(ctx, dora.Query{Team: team, Service: service, Window: win}); err != nil {
			return fieldError(err)
		}
		data.Kind, data.Service, data.Team = dora.ServiceScope, service, refTo(names, rep.Scope.Team)
	case team != "":
		if rep, err = u.dora.Report(ctx, dora.Query{Team: team, Window: win}); err != nil {
			return fieldError(err)
		}
		data.Kind, data.Team = dora.TeamScope, refTo(names, team)
		if team == catalog.Unowned {
			data.Team.Display = "Unowned"
		}
		if data.Services, err = u.teamServiceRows(ctx, team, win, data.Window.Query); err != nil {
			return err
		}
		data.ShowUnowned = team == catalog.Unowned
	default:
		b, err := u.dora.Breakdown(ctx, win)
		if err != nil {
			return fmt.Errorf("computing the DORA breakdown: %w", err)
		}
		rep, data.Kind, data.ShowUnowned = b.Organisation, dora.Organisation, true
		for _, t := range b.Teams {
			data.Teams = append(data.Teams, u.doraRow(t, names, data.Window.Query))
		}
		// By the names people read, with the deliveries no team owns last.
		slices.SortStableFunc(data.Teams, func(a, b doraRow) int {
			return cmp.Or(cmp.Compare(boolRank(a.Team.Team == catalog.Unowned), boolRank(b.Team.Team == catalog.Unowned)),
				strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)))
		})
		data.Services = orgServiceRows(u, b.Services, names, data.Window.Query)
	}
	for _, row := range data.Services {
		if row.HasData {
			data.ServicesWithData++
		} else {
			data.ServicesQuiet++
		}
	}
	if data.Kind == dora.Organisation {
		// A team's view lists its quiet services too; the organisation's
		// would be a page of dashes.
		data.Services = slices.DeleteFunc(data.Services, func(r doraRow) bool { return !r.HasData })
		data.Services = data.Services[:min(len(data.Services), orgServicesShown)]
	}
	data.OrgHref = "/delivery?" + data.Window.Query
	if data.Team.Team != "" {
		data.TeamHref = "/delivery?team=" + url.QueryEscape(data.Team.Team) + "&" + data.Window.Query
	}
	data.TeamTable = doraTable{Head: "Team", Rows: data.Teams}
	data.ServiceTable = doraTable{Head: "Service", ShowTeam: data.Kind == dora.Organisation, Rows: data.Services}
	scopeName := "the organisation"
	switch data.Kind {
	case dora.TeamScope:
		scopeName = data.Team.Display
	case dora.ServiceScope:
		scopeName = service
	}
	view, err := newDoraView(rep, scopeName)
	if err != nil {
		return err
	}
	data.HasData, data.Window.Text = view.HasData, view.Window
	if data.DORA, err = u.doraTiles(view); err != nil {
		return err
	}
	if err := u.deliveryLists(ctx, &data, team, service, win); err != nil {
		return err
	}
	title := "Delivery"
	if data.Kind != dora.Organisation {
		title = "Delivery: " + scopeName
	}
	u.render(w, r, v, http.StatusOK, "delivery", title, data)
	return nil
}

// deliveryWindow reads the window: from and to (YYYY-MM-DD, to
// exclusive, as the API takes them), else days back from tomorrow.
func (u *ui) deliveryWindow(q url.Values, team, service string) (dora.Window, deliveryPage, error) {
	var data deliveryPage
	from, to, daysParam := strings.TrimSpace(q.Get("from")), strings.TrimSpace(q.Get("to")), strings.TrimSpace(q.Get("days"))
	var win dora.Window
	var err error
	if from != "" || to != "" {
		if win, err = u.dora.Window(from, to); err != nil {
			return win, data, err
		}
		data.Window.Custom = true
		data.Window.Query = "from=" + win.From.Format(dora.DateLayout) + "&to=" + win.To.Format(dora.DateLayout)
	} else {
		days := deliveryDefaultDays
		if daysParam != "" {
			if days, err = strconv.Atoi(daysParam); err != nil || days < 1 || days > dora.MaxDays {
				return win, data, api.Invalid("days", "%q is not a number of days from 1 to %d, e.g. 90", daysParam, dora.MaxDays)
			}
		}
		// The service's clock decides "tomorrow", so that today counts.
		def, err := u.dora.Window("", "")
		if err != nil {
			return win, data, err
		}
		if win, err = dora.NewWindow(def.To.AddDate(0, 0, -days), def.To); err != nil {
			return win, data, err
		}
		data.Window.Query = "days=" + strconv.Itoa(days)
	}
	data.Window.From, data.Window.To, data.Window.Days = win.From.Format(dora.DateLayout), win.To.Format(dora.DateLayout), win.Days()
	scope := ""
	if service != "" {
		scope = "service=" + url.QueryEscape(service) + "&"
	} else if team != "" {
		scope = "team=" + url.QueryEscape(team) + "&"
	}
	for _, d := range deliveryWindows {
		data.Window.Presets = append(data.Window.Presets, windowLink{Days: d, Href: "/delivery?" + scope + "days=" + strconv.Itoa(d),
			Active: !data.Window.Custom && d == win.Days()})
	}
	return win, data, nil
}

// doraRow formats one team's or service's report as a table row.
func (u *ui) doraRow(rep dora.Report, names map[string]string, windowQuery string) doraRow {
	m := rep.Metrics
	row := doraRow{Name: rep.Scope.Name, Deployments: m.DeploymentFrequency.SampleSize, HasData: reportHasData(rep)}
	switch rep.Scope.Kind {
	case dora.TeamScope:
		row.Team = refTo(names, rep.Scope.Name)
		if rep.Scope.Name == catalog.Unowned {
			row.Team.Display = "Unowned"
		}
		row.Name, row.Href = row.Team.Display, "/delivery?team="+url.QueryEscape(rep.Scope.Name)+"&"+windowQuery
	case dora.ServiceScope:
		row.Team = refTo(names, rep.Scope.Team)
		row.Href = "/delivery?service=" + url.QueryEscape(rep.Scope.Name) + "&" + windowQuery
	}
	for _, c := range []struct {
		m dora.Metric
	}{{m.DeploymentFrequency.Metric}, {m.LeadTime.Metric}, {m.ChangeFailureRate.Metric}, {m.RecoveryTime.Metric}, {m.ReworkRate.Metric}} {
		row.Cells = append(row.Cells, doraCell{Value: cellText(c.m.Value, c.m.Unit), Band: string(c.m.Band), BandClass: bandClass(c.m.Band)})
	}
	return row
}

// orgServiceRows are the organisation's services with the most
// successful production deployments first.
func orgServiceRows(u *ui, reports []dora.Report, names map[string]string, windowQuery string) []doraRow {
	rows := make([]doraRow, 0, len(reports))
	for _, rep := range reports {
		rows = append(rows, u.doraRow(rep, names, windowQuery))
	}
	slices.SortStableFunc(rows, func(a, b doraRow) int {
		return cmp.Or(cmp.Compare(b.Deployments, a.Deployments), strings.Compare(a.Name, b.Name))
	})
	return rows
}

// teamServiceRows reports on each of a team's catalog services, by name.
func (u *ui) teamServiceRows(ctx context.Context, team string, win dora.Window, windowQuery string) ([]doraRow, error) {
	var names []string
	for _, s := range u.cat.Current().Services {
		if s.Team == team {
			names = append(names, s.Name)
		}
	}
	slices.Sort(names)
	teams := u.teamNames()
	rows := make([]doraRow, 0, len(names))
	for _, name := range names {
		rep, err := u.dora.Report(ctx, dora.Query{Service: name, Window: win})
		if err != nil {
			return nil, fmt.Errorf("reporting on service %s: %w", name, err)
		}
		rows = append(rows, u.doraRow(rep, teams, windowQuery))
	}
	return rows, nil
}

// doraTiles renders a report's tiles with the delivery page's template,
// which the team page's panel shares.
func (u *ui) doraTiles(v doraView) (template.HTML, error) {
	var buf bytes.Buffer
	// Executed by html/template, so the result is escaped HTML.
	if err := u.pages.byName["delivery"].ExecuteTemplate(&buf, "dora-tiles", v); err != nil {
		return "", fmt.Errorf("rendering the DORA tiles: %w", err)
	}
	return template.HTML(buf.Bytes()), nil
}

// deploymentRow is a deployment as the latest deployments list shows it.
type deploymentRow struct {
	delivery.Deployment
	Anchor   string
	When     string
	ShortSHA string
	// ServiceHref is the service's Delivery view, for a catalog service.
	ServiceHref string
	FailureText string
	Recovery    recoveryText
}

// recoveryText says when and by what a failed deployment recovered.
type recoveryText struct {
	When, By, Href string
}

// incidentRow is an incident as the incidents list shows it.
type incidentRow struct {
	delivery.Incident
	Anchor         string
	Opened         string
	Resolved       string
	ServiceHref    string
	LinkText       string
	DeploymentText string
	DeploymentHref string
}

// failureTexts say why a deployment counts as failed.
var failureTexts = map[string]string{
	delivery.FailureFailed:     "the deployment failed",
	delivery.FailureRolledBack: "rolled back",
	delivery.FailureFixed:      "fixed by a later deployment",
	delivery.FailureIncident:   "an incident is linked to it",
}

// deliveryLists loads the latest deployments and incidents of the scope
// in the window, and the unowned repositories.
func (u *ui) deliveryLists(ctx context.Context, data *deliveryPage, team, service string, win dora.Window) error {
	f := delivery.Filter{Team: team, Service: service, From: win.From, To: win.To, Limit: deploymentsShown}
	deps, err := u.delivery.Deployments(ctx, f)
	if err != nil {
		return fmt.Errorf("listing deployments: %w", err)
	}
	f.Limit = incidentsShown
	incs, err := u.delivery.Incidents(ctx, f)
	if err != nil {
		return fmt.Errorf("listing incidents: %w", err)
	}
	known := map[string]bool{}
	for _, s := range u.cat.Current().Services {
		known[s.Name] = true
	}
	serviceHref := func(name string) string {
		if !known[name] {
			return ""
		}
		return "/delivery?service=" + url.QueryEscape(name) + "&" + data.Window.Query
	}
	depByID := make(map[string]delivery.Deployment, len(deps))
	for _, d := range deps {
		depByID[d.ID] = d
	}
	incByID := make(map[string]delivery.Incident, len(incs))
	for _, in := range incs {
		incByID[in.ID] = in
	}
	// What recovered a listed deployment, or caused a listed incident, may
	// be older than the lists: read those few by id, to name them.
	offDeps, offIncs := map[string]delivery.Deployment{}, map[string]delivery.Incident{}
	lookUp := func(id string) error {
		if _, ok := depByID[id]; ok || id == "" {
			return nil
		}
		if _, ok := incByID[id]; ok {
			return nil
		}
		d, err := u.delivery.Deployment(ctx, id)
		if err == nil {
			offDeps[id] = d
			return nil
		}
		if !api.IsNotFound(err) {
			return err
		}
		in, err := u.delivery.Incident(ctx, id)
		if err == nil {
			offIncs[id] = in
		} else if !api.IsNotFound(err) {
			return err
		}
		return nil
	}
	for _, d := range deps {
		if d.Failure != "" {
			if err := lookUp(d.RecoveredBy); err != nil {
				return fmt.Errorf("reading what recovered %s: %w", d.ID, err)
			}
		}
	}
	for _, in := range incs {
		if err := lookUp(in.DeploymentID); err != nil {
			return fmt.Errorf("reading the deployment of incident %s: %w", in.ID, err)
		}
	}
	for _, d := range deps {
		row := deploymentRow{Deployment: d, Anchor: "dep-" + d.ID, When: stamp(d.DeployedAt), ShortSHA: shortSHA(d.SHA),
			ServiceHref: serviceHref(d.Service), FailureText: failureTexts[d.Failure]}
		if d.Failure != "" && !d.RecoveredAt.IsZero() {
			row.Recovery = recoveredBy(d.RecoveredAt, d.RecoveredBy, depByID, incByID)
			if row.Recovery.Href == "" {
				// Not on the page: name it without a link.
				row.Recovery = recoveredBy(d.RecoveredAt, d.RecoveredBy, offDeps, offIncs)
				row.Recovery.Href = ""
			}
		}
		data.Deployments = append(data.Deployments, row)
	}
	n, unit := durationParts(u.delivery.IncidentWindow().Hours())
	data.IncidentWindow = n + " " + unit
	for _, in := range incs {
		row := incidentRow{Incident: in, Anchor: "inc-" + in.ID, Opened: stamp(in.OpenedAt), ServiceHref: serviceHref(in.Service)}
		if !in.ResolvedAt.IsZero() {
			row.Resolved = stamp(in.ResolvedAt)
		}
		switch in.Link {
		case delivery.LinkExplicit:
			row.LinkText = "named by the incident"
		case delivery.LinkWindow:
			row.LinkText = "the service's last production deployment within the incident window (" + data.IncidentWindow + ") before it opened"
		}
		if in.DeploymentID != "" {
			row.DeploymentText = in.DeploymentID
			if d, ok := depByID[in.DeploymentID]; ok {
				row.DeploymentHref = "#dep-" + d.ID
				if d.SHA != "" {
					row.DeploymentText = shortSHA(d.SHA)
				}
			} else if d, ok := offDeps[in.DeploymentID]; ok && d.SHA != "" {
				row.DeploymentText = shortSHA(d.SHA)
			}
		}
		data.Incidents = append(data.Incidents, row)
	}
	data.Received = len(deps) > 0 || len(incs) > 0
	if !data.Received {
		// Nothing in this window: has anything arrived at all?
		anyDep, err := u.delivery.Deployments(ctx, delivery.Filter{Limit: 1})
		if err != nil {
			return fmt.Errorf("listing deployments: %w", err)
		}
		anyInc, err := u.delivery.Incidents(ctx, delivery.Filter{Limit: 1})
		if err != nil {
			return fmt.Errorf("listing incidents: %w", err)
		}
		data.Received = len(anyDep) > 0 || len(anyInc) > 0
	}
	if data.ShowUnowned {
		un, err := u.delivery.Unowned(ctx)
		if err != nil {
			return fmt.Errorf("listing unowned repositories: %w", err)
		}
		data.UnownedTotal = len(un)
		data.Unowned = un[:min(len(un), unownedShown)]
		data.Received = data.Received || len(un) > 0
	}
	return nil
}

// recoveredBy names what restored service: a listed deployment by its
// commit, a listed incident by its title, else the id stored.
func recoveredBy(at time.Time, by string, deps map[string]delivery.Deployment, incs map[string]delivery.Incident) recoveryText {
	rt := recoveryText{When: stamp(at), By: by}
	if d, ok := deps[by]; ok {
		rt.Href = "#dep-" + d.ID
		switch {
		case d.Rollback:
			rt.By = "rollback " + shortSHA(d.SHA)
		case d.Fixes != "":
			rt.By = "fix " + shortSHA(d.SHA)
		default:
			rt.By = "deployment " + shortSHA(d.SHA)
		}
		rt.By = strings.TrimSpace(rt.By)
	} else if in, ok := incs[by]; ok {
		rt.Href = "#inc-" + in.ID
		rt.By = "incident resolved"
		if in.Title != "" {
			rt.By += ": " + in.Title
		}
	}
	return rt
}

// fieldError names the query parameter at fault in a client error, as
// the error page shows it ("Days: ...").
func fieldError(err error) error {
	var e *api.Error
	if errors.As(err, &e) && e.Field != "" && e.Status < 500 {
		named := *e
		named.Message = strings.ToUpper(e.Field[:1]) + e.Field[1:] + ": " + e.Message
		return &named
	}
	return err
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// shortSHA is a commit as people quote it: its first 7 hex digits.
func shortSHA(sha string) string { return sha[:min(len(sha), 7)] }

// stamp prints a time in UTC to the minute.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") }
