package dora

import (
	"net/http"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/store"
)

// Routes returns the DORA JSON API on db and cat.
func Routes(db *store.DB, cat *catalog.Catalog) []api.Route { return NewService(db, cat).Routes() }

// Routes returns the DORA JSON API.
func (s *Service) Routes() []api.Route {
	const tag = "dora"
	from := api.Param{Name: "from", Description: "first day counted, YYYY-MM-DD (UTC); default: 90 days before to"}
	to := api.Param{Name: "to", Description: "the day after the last day counted, YYYY-MM-DD (UTC): the window is [from, to); default: tomorrow, so that today counts"}
	return []api.Route{
		{Method: "GET", Pattern: "/api/v1/dora", Perm: api.Read, Tag: tag,
			Summary: "The five DORA metrics with DORA 2024 bands and a weekly series, for the organisation, a team or a service",
			Query: []api.Param{
				{Name: "team", Description: "a team, or unowned; omit both team and service for the organisation"},
				{Name: "service", Description: "a service"},
				from, to,
			},
			Response: Report{}, Handler: s.report},
		{Method: "GET", Pattern: "/api/v1/teams/{name}/dora", Perm: api.Read, Tag: tag,
			Summary: "A team's five DORA metrics with DORA 2024 bands and a weekly series",
			Query:   []api.Param{from, to}, Response: Report{}, Handler: s.teamReport},
		{Method: "GET", Pattern: "/api/v1/dora/breakdown", Perm: api.Read, Tag: tag,
			Summary: "The DORA metrics of the organisation and of every team and service, without weekly series",
			Query:   []api.Param{from, to}, Response: Breakdown{}, Handler: s.breakdown},
	}
}

func (s *Service) report(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.serveReport(w, r, q.Get("team"), q.Get("service"))
}

func (s *Service) teamReport(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if name != catalog.Unowned && !hasTeam(s.cat.Current(), name) {
		api.WriteError(w, r, api.NotFound("team %q does not exist", name))
		return
	}
	s.serveReport(w, r, name, "")
}

func (s *Service) serveReport(w http.ResponseWriter, r *http.Request, team, service string) {
	win, err := s.Window(r.URL.Query().Get("from"), r.URL.Query().Get("to"))
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	rep, err := s.Report(r.Context(), Query{Team: team, Service: service, Window: win})
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, rep)
}

func (s *Service) breakdown(w http.ResponseWriter, r *http.Request) {
	win, err := s.Window(r.URL.Query().Get("from"), r.URL.Query().Get("to"))
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	b, err := s.Breakdown(r.Context(), win)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	// A year of weeks for a thousand services is megabytes nobody asked
	// for here; /api/v1/dora has each scope's series.
	b.Organisation.Weeks = nil
	for i := range b.Teams {
		b.Teams[i].Weeks = nil
	}
	for i := range b.Services {
		b.Services[i].Weeks = nil
	}
	api.WriteJSON(w, http.StatusOK, b)
}
