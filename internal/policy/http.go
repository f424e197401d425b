package policy

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/config"
)

// PolicyList is the body of GET /api/v1/policies.
type PolicyList struct {
	Policies []PolicySummary `json:"policies"`
}

// PolicyDetail is the body of GET /api/v1/policies/{id}.
type PolicyDetail struct {
	PolicySummary
	// Days is the daily count of results by team and action, last 90 days.
	Days     []DayCount `json:"days"`
	Findings []Finding  `json:"findings"`
	Preview  Preview    `json:"preview"`
}

// Compliance is the body of GET /api/v1/teams/{name}/compliance.
type Compliance struct {
	Team       string          `json:"team"`
	Open       Counts          `json:"open"`
	Findings   []Finding       `json:"findings"`
	Days       []DayCount      `json:"days"`
	Exceptions []ExceptionView `json:"exceptions"`
}

// Recorded is the body answering POST /api/v1/decisions.
type Recorded struct {
	Recorded int `json:"recorded"`
}

// Routes returns the guardrails JSON API.
func (s *Service) Routes() []api.Route {
	const tag = "guardrails"
	return []api.Route{
		{Method: "GET", Pattern: "/api/v1/policies", Perm: api.Read, Tag: tag, Summary: "List policies with their mode today and open findings", Response: PolicyList{}, Handler: s.listPolicies},
		{Method: "GET", Pattern: "/api/v1/policies/{id}", Perm: api.Read, Tag: tag, Summary: "A policy with its history, open findings and enforcement preview", Response: PolicyDetail{}, Handler: s.getPolicy},
		{Method: "GET", Pattern: "/api/v1/policies/{id}/preview", Perm: api.Read, Tag: tag, Summary: "What a warn-mode policy would deny if it were enforced today", Response: Preview{}, Handler: s.preview},
		{Method: "GET", Pattern: "/api/v1/teams/{name}/compliance", Perm: api.Read, Tag: tag, Summary: "A team's open findings, trend and exceptions", Response: Compliance{}, Handler: s.compliance},
		{Method: "POST", Pattern: "/api/v1/decisions", Perm: api.Ingest, Tag: tag, Summary: "Record check results as decisions (paved check --report-to)", Request: Upload{}, Response: Recorded{}, MaxBodyBytes: 64 << 20, Handler: s.record},
		{Method: "GET", Pattern: "/api/v1/exceptions", Perm: api.Read, Tag: tag, Summary: "List policy exceptions (from paved.yaml and the API)", Query: []api.Param{{Name: "team", Description: "only this team's"}}, Response: ExceptionList{}, Handler: s.listExceptions},
		{Method: "POST", Pattern: "/api/v1/exceptions", Perm: api.Write, Tag: tag, Summary: "Create a time-boxed policy exception", Request: config.PolicyException{}, Response: Exception{}, Status: http.StatusCreated, Handler: s.createException},
		{Method: "DELETE", Pattern: "/api/v1/exceptions/{id}", Perm: api.Write, Tag: tag, Summary: "Revoke a policy exception", Status: http.StatusNoContent, Handler: s.revokeException},
	}
}

func notFoundPolicy(id string) error {
	return api.NotFound("policy %q is not loaded; GET /api/v1/policies lists them", id)
}

func (s *Service) listPolicies(w http.ResponseWriter, r *http.Request) {
	ps, err := s.Summaries(r.Context())
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, PolicyList{Policies: ps})
}

// Detail assembles one policy's page.
func (s *Service) Detail(ctx context.Context, id string) (PolicyDetail, error) {
	ps, err := s.Summaries(ctx)
	if err != nil {
		return PolicyDetail{}, err
	}
	var d PolicyDetail
	found := false
	for _, p := range ps {
		if p.ID == id {
			d.PolicySummary, found = p, true
		}
	}
	if !found {
		return d, notFoundPolicy(id)
	}
	if d.Days, err = s.Store.Days(ctx, s.Now().AddDate(0, 0, -90), "", id); err != nil {
		return d, err
	}
	if d.Findings, err = s.Store.Findings(ctx, "", id); err != nil {
		return d, err
	}
	d.Preview, err = s.Preview(ctx, id)
	return d, err
}

func (s *Service) getPolicy(w http.ResponseWriter, r *http.Request) {
	d, err := s.Detail(r.Context(), r.PathValue("id"))
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, d)
}

func (s *Service) preview(w http.ResponseWriter, r *http.Request) {
	pv, err := s.Preview(r.Context(), r.PathValue("id"))
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, pv)
}

// TeamCompliance assembles a team's compliance panel.
func (s *Service) TeamCompliance(ctx context.Context, team string) (Compliance, error) {
	c := Compliance{Team: team}
	var err error
	if c.Findings, err = s.Store.Findings(ctx, team, ""); err != nil {
		return c, err
	}
	for _, f := range c.Findings {
		c.Open.add(f)
	}
	if c.Days, err = s.Store.Days(ctx, s.Now().AddDate(0, 0, -90), team, ""); err != nil {
		return c, err
	}
	c.Exceptions, err = s.Exceptions(ctx, team)
	return c, err
}

func (s *Service) compliance(w http.ResponseWriter, r *http.Request) {
	c, err := s.TeamCompliance(r.Context(), r.PathValue("name"))
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, c)
}

func (s *Service) record(w http.ResponseWriter, r *http.Request) {
	var up Upload
	if err := api.ReadJSON(r, &up); err != nil {
		api.WriteError(w, r, err)
		return
	}
	n, err := s.Store.Record(r.Context(), up, s.Now())
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, Recorded{Recorded: n})
}

func (s *Service) listExceptions(w http.ResponseWriter, r *http.Request) {
	ex, err := s.Exceptions(r.Context(), r.URL.Query().Get("team"))
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, ExceptionList{Exceptions: ex})
}

func (s *Service) createException(w http.ResponseWriter, r *http.Request) {
	var e config.PolicyException
	if err := api.ReadJSON(r, &e); err != nil {
		api.WriteError(w, r, err)
		return
	}
	if _, ok := s.Engine.Policy(e.Policy); !ok {
		api.WriteError(w, r, api.Invalid("policy", "%q is not a loaded policy", e.Policy))
		return
	}
	if day, err := config.ParseDate(e.Expires); err == nil && day.Before(s.Now().UTC().Truncate(24*time.Hour)) {
		api.WriteError(w, r, api.Invalid("expires", "%s is in the past", e.Expires))
		return
	}
	ex, err := s.Store.CreateException(r.Context(), e)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	s.refreshAfterChange(r.Context())
	api.WriteJSON(w, http.StatusCreated, ex)
}

func (s *Service) revokeException(w http.ResponseWriter, r *http.Request) {
	if err := s.Store.RevokeException(r.Context(), r.PathValue("id")); err != nil {
		api.WriteError(w, r, err)
		return
	}
	s.refreshAfterChange(r.Context())
	w.WriteHeader(http.StatusNoContent)
}

// refreshAfterChange makes an exception change apply to admission on this
// replica at once; the periodic refresh catches it up elsewhere.
func (s *Service) refreshAfterChange(ctx context.Context) {
	if err := s.RefreshExceptions(ctx); err != nil {
		slog.Default().Warn("refreshing policy exceptions after a change", "err", err)
	}
}
