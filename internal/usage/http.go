package usage

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/paved-dev/paved/internal/api"
)

// MaxBodyBytes bounds a POST /api/v1/usage body: a full batch with
// properties near their limit.
const MaxBodyBytes = MaxBatch*(MaxPropertiesBytes+1024) + 1024

// Routes returns the usage JSON API.
func (s *Service) Routes() []api.Route {
	const tag = "usage"
	return []api.Route{
		{Method: "POST", Pattern: "/api/v1/usage", Perm: api.Ingest, Tag: tag,
			Summary: "Record feature usage: one event object, or {\"events\": [...]} of up to 1000. Actors are hashed before they are stored; an event whose id was received before is not counted again. A batch with any invalid event is rejected whole (400, naming events[i].field).",
			Request: Batch{}, Response: IngestResult{}, MaxBodyBytes: MaxBodyBytes, Handler: s.ingest},
		{Method: "GET", Pattern: "/api/v1/usage/summary", Perm: api.Read, Tag: tag,
			Summary:  "Weekly active teams and users per feature, each feature's adoption across the catalog's teams, and the known features nobody used",
			Query:    []api.Param{{Name: "weeks", Description: "how many weeks, the current one included (default 12, at most 104)"}},
			Response: Summary{}, Handler: s.summary},
	}
}

func (s *Service) ingest(w http.ResponseWriter, r *http.Request) {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		api.WriteError(w, r, &api.Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: fmt.Sprintf("Content-Type %q is not accepted here; send application/json", ct)})
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	events, err := ParseEvents(body, s.now())
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	res, err := s.Ingest(r.Context(), events)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, res)
}

func (s *Service) summary(w http.ResponseWriter, r *http.Request) {
	weeks, err := WeeksParam(r.URL.Query().Get("weeks"))
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	sum, err := s.Summary(r.Context(), weeks)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, sum)
}

// WeeksParam reads a ?weeks= value: DefaultWeeks when empty.
func WeeksParam(v string) (int, error) {
	if v == "" {
		return DefaultWeeks, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, api.Invalid("weeks", "%q is not a whole number; use 1 to %d", v, MaxWeeks)
	}
	return n, CheckWeeks(n)
}
