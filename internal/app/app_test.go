package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/app"
	"github.com/paved-dev/paved/internal/auth"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store/storetest"
)

// env is a paved server on a real socket with a token per role.
type env struct {
	srv    *httptest.Server
	app    *app.App
	tokens map[auth.Role]string
}

func start(t *testing.T, cfg config.Config, demo bool) *env {
	t.Helper()
	ctx := context.Background()
	a, err := app.Open(ctx, cfg, app.Options{Demo: demo, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	e := &env{app: a, tokens: map[auth.Role]string{}}
	for _, r := range auth.Roles {
		_, secret, err := a.Auth.Create(ctx, "test-"+string(r), r)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[r] = secret
	}
	e.srv = httptest.NewServer(a.Server.Handler())
	t.Cleanup(e.srv.Close)
	return e
}

// engines runs fn against a server on SQLite and, when configured, on
// PostgreSQL.
func engines(t *testing.T, demo bool, fn func(t *testing.T, e *env)) {
	t.Run("sqlite", func(t *testing.T) {
		cfg := config.Default()
		cfg.DataDir = t.TempDir()
		fn(t, start(t, cfg, demo))
	})
	t.Run("postgres", func(t *testing.T) {
		cfg := config.Default()
		cfg.DatabaseURL = storetest.PostgresURL(t)
		cfg.DataDir = t.TempDir() // the admission spool lives there
		fn(t, start(t, cfg, demo))
	})
}

func (e *env) do(t *testing.T, method, path string, role auth.Role, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		buf, _ := json.Marshal(b)
		r = bytes.NewReader(buf)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, r)
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

func TestCatalogAPI(t *testing.T) {
	engines(t, false, func(t *testing.T, e *env) {
		steps := []struct {
			name         string
			method, path string
			role         auth.Role
			body         any
			status       int
			contains     string
		}{
			{"create team", "POST", "/api/v1/teams", auth.RoleEditor, map[string]any{"name": "payments", "display_name": "Payments"}, 201, `"display_name": "Payments"`},
			{"duplicate team", "POST", "/api/v1/teams", auth.RoleEditor, map[string]any{"name": "payments"}, 409, `"code": "conflict"`},
			{"invalid team name", "POST", "/api/v1/teams", auth.RoleEditor, map[string]any{"name": "Pay Ments"}, 422, `"field": "name"`},
			{"unknown field", "POST", "/api/v1/teams", auth.RoleEditor, map[string]any{"name": "x", "colour": "blue"}, 422, `unknown field \"colour\"`},
			{"truncated json", "POST", "/api/v1/teams", auth.RoleEditor, `{"name": "x"`, 400, "truncated"},
			{"service with unknown owner", "POST", "/api/v1/services", auth.RoleEditor, map[string]any{"name": "checkout", "team": "nobody"}, 422, `team \"nobody\" does not exist`},
			{"create service", "PUT", "/api/v1/services/checkout", auth.RoleEditor, map[string]any{"team": "payments", "namespaces": []any{map[string]any{"name": "checkout-prod", "environment": "prod"}}}, 201, `"checkout-prod"`},
			{"same put is 200", "PUT", "/api/v1/services/checkout", auth.RoleEditor, map[string]any{"team": "payments", "namespaces": []any{map[string]any{"name": "checkout-prod", "environment": "prod"}}}, 200, `"checkout"`},
			{"name mismatch", "PUT", "/api/v1/services/checkout", auth.RoleEditor, map[string]any{"name": "other", "team": "payments"}, 422, "URL names"},
			{"team detail lists services", "GET", "/api/v1/teams/payments", auth.RoleViewer, nil, 200, `"name": "checkout"`},
			{"list services by team", "GET", "/api/v1/services?team=payments", auth.RoleViewer, nil, 200, `"checkout"`},
			{"missing team", "GET", "/api/v1/teams/ghosts", auth.RoleViewer, nil, 404, `team \"ghosts\" does not exist`},
			{"resolve namespace", "POST", "/api/v1/ownership/resolve", auth.RoleViewer, map[string]any{"kind": "kubernetes", "namespace": "checkout-prod"}, 200, `"service": "checkout"`},
			{"resolve unowned", "POST", "/api/v1/ownership/resolve", auth.RoleViewer, map[string]any{"kind": "cloud", "account": "42"}, 200, `"team": "unowned"`},
			{"resolve bad kind", "POST", "/api/v1/ownership/resolve", auth.RoleViewer, map[string]any{"kind": "vm"}, 422, `"field": "kind"`},
			{"onboard", "POST", "/api/v1/teams/onboard", auth.RoleEditor, map[string]any{"name": "growth", "contact": map[string]any{"chat": "#growth"}}, 200, `"change": "created"`},
			{"onboard again", "POST", "/api/v1/teams/onboard", auth.RoleEditor, map[string]any{"name": "growth"}, 200, `"change": "unchanged"`},
			{"environments", "GET", "/api/v1/environments", auth.RoleViewer, nil, 200, `"production": true`},
			{"create environment", "POST", "/api/v1/environments", auth.RoleEditor, map[string]any{"name": "qa"}, 201, `"qa"`},
			{"delete used environment", "DELETE", "/api/v1/environments/prod", auth.RoleEditor, nil, 409, "used by"},
			{"delete team with services", "DELETE", "/api/v1/teams/payments", auth.RoleEditor, nil, 409, "still owns"},
			{"delete service", "DELETE", "/api/v1/services/checkout", auth.RoleEditor, nil, 204, ""},
			{"delete team", "DELETE", "/api/v1/teams/payments", auth.RoleEditor, nil, 204, ""},
			{"unknown api route", "GET", "/api/v1/nope", auth.RoleViewer, nil, 404, "openapi.json"},
		}
		for _, s := range steps {
			status, body := e.do(t, s.method, s.path, s.role, s.body)
			if status != s.status || !strings.Contains(string(body), s.contains) {
				t.Fatalf("%s: %s %s = %d %s\nwant %d containing %q", s.name, s.method, s.path, status, body, s.status, s.contains)
			}
		}
	})
}

func TestCatalogImportAPI(t *testing.T) {
	engines(t, false, func(t *testing.T, e *env) {
		good := "teams:\n  - name: platform\nservices:\n  - name: paved\n    team: platform\n"
		status, body := e.do(t, "POST", "/api/v1/catalog/import", auth.RoleEditor, good)
		if status != 200 || !strings.Contains(string(body), `"created": 1`) {
			t.Fatalf("import: %d %s", status, body)
		}
		bad := "teams:\n  - name: ok-team\nservices:\n  - name: a\n    team: ghost\n  - name: B!\n    team: ok-team\n"
		status, body = e.do(t, "POST", "/api/v1/catalog/import", auth.RoleEditor, bad)
		if status != 422 || !strings.Contains(string(body), "nothing was imported") || strings.Count(string(body), "request body:") != 2 {
			t.Fatalf("bad import: %d %s", status, body)
		}
		if status, _ := e.do(t, "GET", "/api/v1/teams/ok-team", auth.RoleViewer, nil); status != 404 {
			t.Fatalf("a failed import half-applied: ok-team exists (%d)", status)
		}
	})
}

func TestAuth(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	e := start(t, cfg, false)
	tests := []struct {
		name   string
		method string
		path   string
		header string
		body   any
		status int
	}{
		{"no token", "GET", "/api/v1/teams", "", nil, 401},
		{"wrong scheme", "GET", "/api/v1/teams", "Basic abc", nil, 401},
		{"unknown token", "GET", "/api/v1/teams", "Bearer pvd_nope", nil, 401},
		{"viewer reads", "GET", "/api/v1/teams", "viewer", nil, 200},
		{"viewer cannot write", "POST", "/api/v1/teams", "viewer", map[string]any{"name": "x"}, 403},
		{"ingest cannot read", "GET", "/api/v1/teams", "ingest", nil, 403},
		{"editor cannot manage tokens", "GET", "/api/v1/tokens", "editor", nil, 403},
		{"admin manages tokens", "GET", "/api/v1/tokens", "admin", nil, 200},
		{"public openapi", "GET", "/api/v1/openapi.json", "", nil, 200},
		{"public healthz", "GET", "/healthz", "", nil, 200},
		{"public readyz", "GET", "/readyz", "", nil, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r io.Reader
			if tt.body != nil {
				b, _ := json.Marshal(tt.body)
				r = bytes.NewReader(b)
			}
			req, _ := http.NewRequest(tt.method, e.srv.URL+tt.path, r)
			switch tt.header {
			case "":
			case "viewer", "editor", "admin", "ingest":
				req.Header.Set("Authorization", "Bearer "+e.tokens[auth.Role(tt.header)])
			default:
				req.Header.Set("Authorization", tt.header)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.status >= 400 {
				var eb api.ErrorBody
				if err := json.NewDecoder(resp.Body).Decode(&eb); err != nil || eb.Error.Message == "" {
					t.Fatalf("denial is not a JSON error: %v %+v", err, eb)
				}
			}
		})
	}

	// Token lifecycle through the API: create, use, revoke, rejected.
	status, body := e.do(t, "POST", "/api/v1/tokens", auth.RoleAdmin, map[string]any{"name": "ci", "role": "viewer"})
	if status != 201 {
		t.Fatalf("create token: %d %s", status, body)
	}
	var created auth.CreatedToken
	json.Unmarshal(body, &created)
	e.tokens["ci"] = created.Secret
	if status, _ := e.do(t, "GET", "/api/v1/whoami", "ci", nil); status != 200 {
		t.Fatalf("new token rejected: %d", status)
	}
	if status, _ := e.do(t, "DELETE", "/api/v1/tokens/"+created.Token.ID, auth.RoleAdmin, nil); status != 204 {
		t.Fatalf("revoke: %d", status)
	}
	if status, _ := e.do(t, "GET", "/api/v1/whoami", "ci", nil); status != 401 {
		t.Fatalf("revoked token still works: %d", status)
	}
	status, body = e.do(t, "GET", "/api/v1/tokens", auth.RoleAdmin, nil)
	if strings.Contains(string(body), created.Secret) || strings.Contains(string(body), "hash") {
		t.Fatalf("token list leaks secrets: %s", body)
	}
}

func TestBodyLimit(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Server.MaxBodyBytes = 4096
	e := start(t, cfg, false)
	big := `{"name": "x", "description": "` + strings.Repeat("a", 10000) + `"}`
	status, body := e.do(t, "POST", "/api/v1/teams", auth.RoleEditor, big)
	if status != 413 || !strings.Contains(string(body), "server.max_body_bytes") {
		t.Fatalf("oversized body: %d %s", status, body)
	}
	// Chunked upload with no Content-Length is cut off too.
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/catalog/import", io.MultiReader(strings.NewReader("teams:\n"), strings.NewReader(strings.Repeat("#", 10000))))
	req.Header.Set("Authorization", "Bearer "+e.tokens[auth.RoleEditor])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 413 {
		t.Fatalf("chunked oversized body: %d", resp.StatusCode)
	}
}

// TestOpenAPIDocumentsEveryRoute walks the route table the server mounts and
// checks each operation is in the served document, and nothing else is.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	e := start(t, cfg, false)
	status, body := e.do(t, "GET", "/api/v1/openapi.json", "", nil)
	if status != 200 {
		t.Fatal(status)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.OpenAPI == "" {
		t.Fatalf("not an OpenAPI document: %v", err)
	}
	want := map[string]bool{}
	for _, r := range e.app.Routes {
		want[strings.ToLower(r.Method)+" "+r.Pattern] = true
		op, ok := doc.Paths[r.Pattern][strings.ToLower(r.Method)]
		if !ok {
			t.Errorf("%s %s is served but not documented", r.Method, r.Pattern)
			continue
		}
		var o struct {
			Summary   string                     `json:"summary"`
			Responses map[string]json.RawMessage `json:"responses"`
		}
		json.Unmarshal(op, &o)
		if o.Summary == "" || len(o.Responses) == 0 {
			t.Errorf("%s %s lacks a summary or responses", r.Method, r.Pattern)
		}
	}
	want["get /api/v1/openapi.json"] = true
	for path, ops := range doc.Paths {
		for method := range ops {
			if !want[method+" "+path] {
				t.Errorf("%s %s is documented but not served", method, path)
			}
		}
	}
	// Every documented route answers (not the JSON 404 of unknown routes).
	for path, ops := range doc.Paths {
		for method := range ops {
			p := strings.NewReplacer("{name}", "x", "{id}", "x").Replace(path)
			status, body := e.do(t, strings.ToUpper(method), p, auth.RoleAdmin, nil)
			if status == 404 && strings.Contains(string(body), "no API route") {
				t.Errorf("%s %s is documented but the router does not know it", method, path)
			}
		}
	}
}

func TestMetricsAndReadiness(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	e := start(t, cfg, false)
	e.do(t, "GET", "/api/v1/teams", auth.RoleViewer, nil)
	_, body := e.do(t, "GET", "/metrics", "", nil)
	for _, want := range []string{
		`paved_http_requests_total{code="200",method="GET",route="GET /api/v1/teams"} 1`,
		`paved_http_request_duration_seconds_bucket{method="GET",route="GET /api/v1/teams"`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	e.app.DB.Close()
	status, _ := e.do(t, "GET", "/readyz", "", nil)
	if status != 503 {
		t.Fatalf("readyz with a closed database = %d", status)
	}
}
