package auth

import (
	"net/http"

	"github.com/paved-dev/paved/internal/api"
)

// CreateTokenRequest is the body of POST /api/v1/tokens.
type CreateTokenRequest struct {
	Name string `json:"name"`
	Role Role   `json:"role" doc:"admin, editor, viewer or ingest"`
}

// CreatedToken carries the secret, which is shown this once.
type CreatedToken struct {
	Token  Token  `json:"token"`
	Secret string `json:"secret" doc:"the bearer token; store it now, it cannot be shown again"`
}

// TokenList is the body of GET /api/v1/tokens.
type TokenList struct {
	Tokens []Token `json:"tokens"`
}

// Whoami describes the caller.
type Whoami struct {
	Token     Token `json:"token"`
	Anonymous bool  `json:"anonymous,omitempty"`
}

// Routes returns the token API.
func (s *Store) Routes() []api.Route {
	const tag = "auth"
	return []api.Route{
		{Method: "GET", Pattern: "/api/v1/whoami", Perm: api.Read, Tag: tag, Summary: "Describe the calling token", Response: Whoami{}, Handler: s.whoami},
		{Method: "GET", Pattern: "/api/v1/tokens", Perm: api.Admin, Tag: tag, Summary: "List API tokens", Response: TokenList{}, Handler: s.listTokens},
		{Method: "POST", Pattern: "/api/v1/tokens", Perm: api.Admin, Tag: tag, Summary: "Create an API token (the secret is returned once)", Request: CreateTokenRequest{}, Response: CreatedToken{}, Status: http.StatusCreated, Handler: s.createToken},
		{Method: "DELETE", Pattern: "/api/v1/tokens/{id}", Perm: api.Admin, Tag: tag, Summary: "Revoke an API token", Status: http.StatusNoContent, Handler: s.revokeToken},
	}
}

func (s *Store) whoami(w http.ResponseWriter, r *http.Request) {
	p, _ := FromContext(r.Context())
	api.WriteJSON(w, http.StatusOK, Whoami{Token: p.Token, Anonymous: p.Anonymous})
}

func (s *Store) listTokens(w http.ResponseWriter, r *http.Request) {
	ts, err := s.List(r.Context())
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, TokenList{Tokens: ts})
}

func (s *Store) createToken(w http.ResponseWriter, r *http.Request) {
	var req CreateTokenRequest
	if err := api.ReadJSON(r, &req); err != nil {
		api.WriteError(w, r, err)
		return
	}
	t, secret, err := s.Create(r.Context(), req.Name, req.Role)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusCreated, CreatedToken{Token: t, Secret: secret})
}

func (s *Store) revokeToken(w http.ResponseWriter, r *http.Request) {
	if err := s.Revoke(r.Context(), r.PathValue("id")); err != nil {
		api.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
