// Package servertest serves a capability's routes and webhooks behind
// paved's real server (authentication, body limits, metrics) on a real
// socket, with an API token for every role: what the capabilities' JSON
// API tests stand on.
package servertest

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/paved-dev/paved/internal/auth"
	"github.com/paved-dev/paved/internal/server"
	"github.com/paved-dev/paved/internal/store"
)

// API is a running test server and a token per role.
type API struct {
	Srv    *httptest.Server
	Tokens map[auth.Role]string
}

// Serve starts the server of opts on db, closed when the test ends. DB,
// Auth and a discarding Logger are filled in; give Routes and Webhooks.
func Serve(t testing.TB, db *store.DB, opts server.Options) *API {
	t.Helper()
	as := auth.NewStore(db)
	api := &API{Tokens: map[auth.Role]string{}}
	for _, r := range auth.Roles {
		_, secret, err := as.Create(context.Background(), "test-"+string(r), r)
		if err != nil {
			t.Fatal(err)
		}
		api.Tokens[r] = secret
	}
	opts.DB, opts.Auth, opts.Logger = db, as, slog.New(slog.DiscardHandler)
	s, err := server.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	api.Srv = httptest.NewServer(s.Handler())
	t.Cleanup(api.Srv.Close)
	return api
}
