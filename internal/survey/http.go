package survey

import (
	"fmt"
	"net/http"
	"net/mail"
	"strings"

	"github.com/paved-dev/paved/internal/api"
)

// InviteRequest is the body of POST /api/v1/surveys/{id}/invites.
type InviteRequest struct {
	Team  string `json:"team"`
	Count int    `json:"count,omitempty" doc:"how many links (1 to 10000); leave out when emails are given"`
	// Emails pairs each link with an address in the response, to mail
	// merge; paved neither stores nor mails them.
	Emails  []string `json:"emails,omitempty" doc:"one link per address; the addresses are not stored"`
	BaseURL string   `json:"base_url,omitempty" doc:"start of the links (default: surveys.base_url, else this request's host)"`
}

// InviteLink is one personal link, shown once.
type InviteLink struct {
	Email string `json:"email,omitempty"`
	URL   string `json:"url"`
}

// InviteList is the body answering POST /api/v1/surveys/{id}/invites.
type InviteList struct {
	Survey string       `json:"survey"`
	Team   string       `json:"team"`
	Links  []InviteLink `json:"links"`
}

// Routes returns the surveys' JSON API. Answers are not taken here: the
// answer page (/answer/{token}, served by the web UI) is the only way in,
// and its token is its credential.
func (s *Service) Routes() []api.Route {
	const tag = "surveys"
	return []api.Route{
		{Method: "GET", Pattern: "/api/v1/surveys", Perm: api.Read, Tag: tag, Summary: "Surveys with their status and response rate, the latest to close first",
			Response: SurveyList{}, Handler: s.list},
		{Method: "POST", Pattern: "/api/v1/surveys", Perm: api.Write, Tag: tag, Summary: "Create a survey (eNPS, SPACE pulse or both)",
			Request: CreateRequest{}, Response: Survey{}, Status: http.StatusCreated, Handler: s.create},
		{Method: "GET", Pattern: "/api/v1/surveys/trend", Perm: api.Read, Tag: tag, Summary: "eNPS across closed surveys, overall and per team shown",
			Response: Trend{}, Handler: s.trend},
		{Method: "GET", Pattern: "/api/v1/surveys/{id}", Perm: api.Read, Tag: tag, Summary: "A survey with its status and response rate",
			Response: Summary{}, Handler: s.get},
		{Method: "GET", Pattern: "/api/v1/surveys/{id}/results", Perm: api.Read, Tag: tag, Summary: "A survey's participation and, once closed, its k-anonymous results",
			Response: Results{}, Handler: s.results},
		{Method: "POST", Pattern: "/api/v1/surveys/{id}/invites", Perm: api.Write, Tag: tag, Summary: "Create personal invite links for a team (shown once; only their hashes are stored)",
			Request: InviteRequest{}, Response: InviteList{}, Status: http.StatusCreated, Handler: s.invite},
		{Method: "GET", Pattern: "/api/v1/surveys/{id}/export", Perm: api.Admin, Tag: tag, Summary: "A closed survey's anonymised answers as CSV (text/csv), small teams as \"other\"",
			Handler: s.export},
		{Method: "GET", Pattern: "/api/v1/teams/{name}/enps", Perm: api.Read, Tag: tag, Summary: "A team's latest eNPS and its trend across surveys, where enough of it answered",
			Response: TeamENPS{}, Handler: s.teamENPS},
	}
}

func (s *Service) list(w http.ResponseWriter, r *http.Request) {
	list, err := s.List(r.Context())
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, SurveyList{Surveys: list})
}

func (s *Service) create(w http.ResponseWriter, r *http.Request) {
	var req CreateRequest
	if err := api.ReadJSON(r, &req); err != nil {
		api.WriteError(w, r, err)
		return
	}
	sv, err := s.Create(r.Context(), req)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusCreated, sv)
}

func (s *Service) get(w http.ResponseWriter, r *http.Request) {
	list, err := s.List(r.Context())
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	for _, sum := range list {
		if sum.ID == r.PathValue("id") {
			api.WriteJSON(w, http.StatusOK, sum)
			return
		}
	}
	api.WriteError(w, r, api.NotFound("survey %q does not exist", r.PathValue("id")))
}

func (s *Service) trend(w http.ResponseWriter, r *http.Request) {
	tr, err := s.Trend(r.Context())
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, tr)
}

func (s *Service) results(w http.ResponseWriter, r *http.Request) {
	res, err := s.Results(r.Context(), r.PathValue("id"))
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, res)
}

func (s *Service) invite(w http.ResponseWriter, r *http.Request) {
	var req InviteRequest
	if err := api.ReadJSON(r, &req); err != nil {
		api.WriteError(w, r, err)
		return
	}
	base := req.BaseURL
	if base == "" {
		base = s.BaseURL()
	}
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	field := "base_url"
	if req.BaseURL == "" && s.BaseURL() != "" {
		field = "surveys.base_url"
	}
	if err := CheckBaseURL(field, base); err != nil {
		api.WriteError(w, r, err)
		return
	}
	n := req.Count
	if len(req.Emails) > 0 {
		if req.Count != 0 && req.Count != len(req.Emails) {
			api.WriteError(w, r, api.Invalid("count", "%d does not match the %d emails; leave count out when giving emails", req.Count, len(req.Emails)))
			return
		}
		if err := CheckEmails("emails", req.Emails); err != nil {
			api.WriteError(w, r, err)
			return
		}
		n = len(req.Emails)
	}
	tokens, err := s.Invite(r.Context(), r.PathValue("id"), req.Team, n)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	out := InviteList{Survey: r.PathValue("id"), Team: req.Team, Links: make([]InviteLink, len(tokens))}
	for i, t := range tokens {
		out.Links[i].URL = Link(base, t)
		if i < len(req.Emails) {
			out.Links[i].Email = req.Emails[i]
		}
	}
	// The links are credentials; keep them out of caches.
	w.Header().Set("Cache-Control", "no-store")
	api.WriteJSON(w, http.StatusCreated, out)
}

// CheckEmails validates a list of addresses to pair invite links with.
func CheckEmails(field string, emails []string) error {
	seen := map[string]int{}
	for i, e := range emails {
		f := fmt.Sprintf("%s[%d]", field, i)
		a, err := mail.ParseAddress(e)
		if err != nil || a.Address != strings.TrimSpace(e) {
			return api.Invalid(f, "%q is not an email address (give the bare address, e.g. dev@example.com)", shorten(e))
		}
		key := strings.ToLower(a.Address)
		if j, dup := seen[key]; dup {
			return api.Invalid(f, "%q is listed twice (also %s[%d]); each person gets one link", e, field, j)
		}
		seen[key] = i
	}
	if len(emails) > MaxInvites {
		return api.Invalid(field, "has %d addresses; invite at most %d at a time", len(emails), MaxInvites)
	}
	return nil
}

func (s *Service) export(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	// Build the CSV before sending anything, so that a refusal is a
	// proper JSON error rather than half a file.
	var b strings.Builder
	if err := s.Export(r.Context(), id, &b); err != nil {
		api.WriteError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="survey-`+id+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte(b.String()))
}

func (s *Service) teamENPS(w http.ResponseWriter, r *http.Request) {
	team := r.PathValue("name")
	if _, err := s.cat.Team(r.Context(), team); err != nil {
		api.WriteError(w, r, err)
		return
	}
	sum, err := s.TeamSummary(r.Context(), team)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, sum)
}
