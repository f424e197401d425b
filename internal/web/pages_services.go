package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/catalog"
)

// servicesPerPage bounds the services table, so the page stays small and
// fast for a catalog of thousands.
const servicesPerPage = 100

type serviceRow struct {
	catalog.Service
	TeamDisplay string
	// Envs are the environments the service runs or spends in, in catalog
	// order.
	Envs []catalog.Environment
}

type servicesPage struct {
	Rows       []serviceRow
	Teams      []catalog.Team
	Lifecycles []string
	// Team and Lifecycle are the active filters ("" = any).
	Team, Lifecycle  string
	Matching         int
	From, To         int
	PrevURL, NextURL string
}

func (u *ui) services(w http.ResponseWriter, r *http.Request, v *viewer) error {
	q := r.URL.Query()
	data := servicesPage{Team: q.Get("team"), Lifecycle: q.Get("lifecycle")}
	snap := u.cat.Current()
	data.Teams = snap.Teams
	data.Lifecycles = lifecycleOptions(snap.Services, data.Lifecycle)
	display := make(map[string]string, len(snap.Teams))
	for _, t := range snap.Teams {
		display[t.Name] = t.DisplayName
	}

	var matching []catalog.Service
	for _, s := range snap.Services {
		if (data.Team == "" || s.Team == data.Team) && (data.Lifecycle == "" || s.Lifecycle == data.Lifecycle) {
			matching = append(matching, s)
		}
	}
	data.Matching = len(matching)
	pageNo, _ := strconv.Atoi(q.Get("page"))
	pageNo = max(1, min(pageNo, (len(matching)+servicesPerPage-1)/servicesPerPage))
	start := (pageNo - 1) * servicesPerPage
	end := min(start+servicesPerPage, len(matching))
	data.From, data.To = start+1, end
	for _, s := range matching[start:end] {
		data.Rows = append(data.Rows, serviceRow{Service: s, TeamDisplay: display[s.Team], Envs: serviceEnvs(snap.Environments, s)})
	}
	link := func(p int) string {
		v := url.Values{}
		if data.Team != "" {
			v.Set("team", data.Team)
		}
		if data.Lifecycle != "" {
			v.Set("lifecycle", data.Lifecycle)
		}
		v.Set("page", strconv.Itoa(p))
		return "/services?" + v.Encode()
	}
	if start > 0 {
		data.PrevURL = link(pageNo - 1)
	}
	if end < len(matching) {
		data.NextURL = link(pageNo + 1)
	}
	u.render(w, r, v, http.StatusOK, "services", "Services", data)
	return nil
}

// lifecycleOptions lists Backstage's lifecycles, then any other value in
// use, so that every service can be filtered for.
func lifecycleOptions(services []catalog.Service, selected string) []string {
	out := slices.Clone(catalog.Lifecycles)
	for _, s := range services {
		if s.Lifecycle != "" && !slices.Contains(out, s.Lifecycle) {
			out = append(out, s.Lifecycle)
		}
	}
	if selected != "" && !slices.Contains(out, selected) {
		out = append(out, selected)
	}
	return out
}

// serviceEnvs returns the environments s has a namespace or account in.
func serviceEnvs(envs []catalog.Environment, s catalog.Service) []catalog.Environment {
	var out []catalog.Environment
	for _, e := range envs {
		in := slices.ContainsFunc(s.Namespaces, func(n catalog.Namespace) bool { return n.Environment == e.Name }) ||
			slices.ContainsFunc(s.CloudAccounts, func(a catalog.CloudAccount) bool { return a.Environment == e.Name })
		if in {
			out = append(out, e)
		}
	}
	return out
}

type servicePage struct {
	Service    catalog.Service
	Team       catalog.Team
	Production map[string]bool
}

func (u *ui) service(w http.ResponseWriter, r *http.Request, v *viewer) error {
	ctx := r.Context()
	s, err := u.cat.Service(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	t, err := u.cat.Team(ctx, s.Team)
	if api.IsNotFound(err) {
		// The store keeps services' teams valid; should one still be
		// missing, the page shows the raw name instead of failing.
		t, err = catalog.Team{Name: s.Team, DisplayName: s.Team}, nil
	}
	if err != nil {
		return err
	}
	envs, err := u.cat.Environments(ctx)
	if err != nil {
		return err
	}
	sortNamespaces(envs, []catalog.Service{s})
	title := s.Name
	if s.DisplayName != "" {
		title = s.DisplayName
	}
	u.render(w, r, v, http.StatusOK, "service", title, servicePage{Service: s, Team: t, Production: productionSet(envs)})
	return nil
}
