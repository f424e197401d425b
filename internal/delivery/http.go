package delivery

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/api"
)

// DeploymentList is the body of GET /api/v1/deployments.
type DeploymentList struct {
	Deployments []Deployment `json:"deployments"`
}

// ChangeList is the body of GET /api/v1/changes.
type ChangeList struct {
	Changes []Change `json:"changes"`
}

// IncidentList is the body of GET /api/v1/incidents.
type IncidentList struct {
	Incidents []Incident `json:"incidents"`
}

// UnownedList is the body of GET /api/v1/delivery/unowned.
type UnownedList struct {
	Unowned []Unowned `json:"unowned"`
}

// Routes returns the delivery JSON API.
func (s *Service) Routes() []api.Route {
	const tag = "delivery"
	filters := []api.Param{
		{Name: "team", Description: "only this team's (unowned: those no team owns)"},
		{Name: "service", Description: "only this service's"},
		{Name: "from", Description: "RFC 3339 time or YYYY-MM-DD (UTC), included"},
		{Name: "to", Description: "RFC 3339 time or YYYY-MM-DD (UTC), excluded"},
		{Name: "limit", Description: "how many, newest first (default 100, at most 10000)"},
	}
	idem := "; send an Idempotency-Key header (or key) to make retries safe"
	return []api.Route{
		{Method: "POST", Pattern: "/api/v1/deployments", Perm: api.Ingest, Tag: tag,
			Summary: "Record a deployment and link it to its changes, failures and incidents" + idem,
			Request: DeploymentInput{}, Response: DeploymentReceipt{}, Status: http.StatusCreated, Handler: s.postDeployment},
		{Method: "GET", Pattern: "/api/v1/deployments", Perm: api.Read, Tag: tag, Summary: "List deployments, newest first",
			Query:    append([]api.Param{{Name: "environment", Description: "only deployments to this environment"}}, filters...),
			Response: DeploymentList{}, Handler: s.listDeployments},
		{Method: "GET", Pattern: "/api/v1/changes", Perm: api.Read, Tag: tag, Summary: "List changes (merged pull and merge requests, direct commits) with the deployment that shipped each, newest first",
			Query: filters, Response: ChangeList{}, Handler: s.listChanges},
		{Method: "POST", Pattern: "/api/v1/incidents", Perm: api.Ingest, Tag: tag,
			Summary: "Record, update or resolve an incident and link it to the deployment that caused it" + idem,
			Request: IncidentInput{}, Response: IncidentReceipt{}, Status: http.StatusCreated, Handler: s.postIncident},
		{Method: "GET", Pattern: "/api/v1/incidents", Perm: api.Read, Tag: tag, Summary: "List incidents with the deployment each is linked to and how (explicit or window), newest first",
			Query: filters, Response: IncidentList{}, Handler: s.listIncidents},
		{Method: "GET", Pattern: "/api/v1/delivery/unowned", Perm: api.Read, Tag: tag,
			Summary:  "Repositories (and unknown services) delivery events arrived for that no catalog service owns",
			Response: UnownedList{}, Handler: s.listUnowned},
	}
}

func (s *Service) postDeployment(w http.ResponseWriter, r *http.Request) {
	var in DeploymentInput
	post(w, r, &in, func(ctx context.Context, key, hash string) (any, bool, error) {
		in.Source = SourceAPI
		if key != "" {
			in.Key = key
		}
		rec, err := s.recordDeployment(ctx, in, hash)
		return rec, rec.Duplicate, err
	})
}

func (s *Service) postIncident(w http.ResponseWriter, r *http.Request) {
	var in IncidentInput
	post(w, r, &in, func(ctx context.Context, key, hash string) (any, bool, error) {
		in.Source = SourceAPI
		if key != "" {
			in.Key = key
		}
		rec, err := s.recordIncident(ctx, in, hash)
		return rec, rec.Duplicate, err
	})
}

// post decodes the body into in and records it with the request's
// Idempotency-Key and the body's hash (the key when there is none):
// 201 with what was recorded, 200 for a replay.
func post(w http.ResponseWriter, r *http.Request, in any, record func(ctx context.Context, key, hash string) (rec any, duplicate bool, err error)) {
	body, err := readBody(r, in)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	rec, duplicate, err := record(r.Context(), r.Header.Get("Idempotency-Key"), bodyKey(body))
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	status := http.StatusCreated
	if duplicate {
		status = http.StatusOK
	}
	api.WriteJSON(w, status, rec)
}

// readBody decodes the request body strictly and returns it as read,
// for the idempotency key of a request that sends none.
func readBody(r *http.Request, v any) ([]byte, error) {
	var buf bytes.Buffer
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.TeeReader(r.Body, &buf), r.Body}
	err := api.ReadJSON(r, v)
	return buf.Bytes(), err
}

// listHandler serves a list read with the filter of the request's
// query, wrapped in its response body.
func listHandler[T any](read func(context.Context, Filter) ([]T, error), body func([]T) any, adjust func(*Filter, *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f, err := filterParams(r)
		if err != nil {
			api.WriteError(w, r, err)
			return
		}
		if adjust != nil {
			adjust(&f, r)
		}
		list, err := read(r.Context(), f)
		if err != nil {
			api.WriteError(w, r, err)
			return
		}
		api.WriteJSON(w, http.StatusOK, body(list))
	}
}

func (s *Service) listDeployments(w http.ResponseWriter, r *http.Request) {
	listHandler(s.Deployments, func(l []Deployment) any { return DeploymentList{Deployments: l} }, func(f *Filter, r *http.Request) {
		if env := strings.TrimSpace(r.URL.Query().Get("environment")); env != "" {
			f.Environment = s.own.environment(env)
		}
	})(w, r)
}

func (s *Service) listChanges(w http.ResponseWriter, r *http.Request) {
	listHandler(s.Changes, func(l []Change) any { return ChangeList{Changes: l} }, nil)(w, r)
}

func (s *Service) listIncidents(w http.ResponseWriter, r *http.Request) {
	listHandler(s.Incidents, func(l []Incident) any { return IncidentList{Incidents: l} }, nil)(w, r)
}

func (s *Service) listUnowned(w http.ResponseWriter, r *http.Request) {
	list, err := s.Unowned(r.Context())
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, UnownedList{Unowned: list})
}

// filterParams reads team, service, from, to and limit.
func filterParams(r *http.Request) (Filter, error) {
	q := r.URL.Query()
	f := Filter{Team: strings.TrimSpace(q.Get("team")), Service: strings.TrimSpace(q.Get("service"))}
	var err error
	if f.From, err = timeParam(q.Get("from"), "from"); err != nil {
		return f, err
	}
	if f.To, err = timeParam(q.Get("to"), "to"); err != nil {
		return f, err
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxLimit {
			return f, api.Invalid("limit", "%q is not a whole number from 1 to %d", v, MaxLimit)
		}
		f.Limit = n
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		return f, api.Invalid("to", "must be after from")
	}
	return f, nil
}

func timeParam(v, name string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	return time.Time{}, api.Invalid(name, "%q is not a time; use RFC 3339 (2024-05-01T12:00:00Z) or YYYY-MM-DD", v)
}
