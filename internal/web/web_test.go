package web_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/paved-dev/paved/internal/app"
	"github.com/paved-dev/paved/internal/auth"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
)

// openApp starts a complete paved on a temporary SQLite database, served
// over a real socket.
func openApp(t testing.TB, demoMode bool) (*app.App, *httptest.Server) {
	t.Helper()
	return openAppLogging(t, demoMode, slog.New(slog.DiscardHandler))
}

func openAppLogging(t testing.TB, demoMode bool, logger *slog.Logger) (*app.App, *httptest.Server) {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	a, err := app.Open(context.Background(), cfg, app.Options{Demo: demoMode, Version: "test", Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Server.Handler())
	t.Cleanup(srv.Close)
	return a, srv
}

// browser is an HTTP client with a cookie jar that does not follow
// redirects, so tests can assert them.
type browser struct {
	t   testing.TB
	srv *httptest.Server
	c   *http.Client
}

func newBrowser(t testing.TB, srv *httptest.Server) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, srv: srv, c: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

type response struct {
	*http.Response
	Body string
}

func (b *browser) do(req *http.Request) response {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return response{Response: resp, Body: string(body)}
}

func (b *browser) get(path string) response {
	b.t.Helper()
	req, err := http.NewRequest("GET", b.srv.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) response {
	b.t.Helper()
	req, err := http.NewRequest("POST", b.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// signIn creates a token with role and signs in with it.
func (b *browser) signIn(a *app.App, role auth.Role) {
	b.t.Helper()
	_, secret, err := a.Auth.Create(context.Background(), "browser-"+string(role), role)
	if err != nil {
		b.t.Fatal(err)
	}
	if r := b.post("/login", url.Values{"token": {secret}}); r.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("sign-in as %s: status %d, want 303", role, r.StatusCode)
	}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf reads the session's CSRF token from a rendered form.
func (b *browser) csrf() string {
	b.t.Helper()
	m := csrfField.FindStringSubmatch(b.get("/teams").Body)
	if m == nil {
		b.t.Fatal("no csrf field on /teams; is the browser signed in?")
	}
	return html.UnescapeString(m[1])
}

func (b *browser) cookie(name string) *http.Cookie {
	u, _ := url.Parse(b.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func wantStatus(t testing.TB, r response, want int) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d\n%.2000s", r.Request.Method, r.Request.URL.Path, r.StatusCode, want, r.Body)
	}
}

func wantContains(t testing.TB, r response, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(r.Body, s) {
			t.Errorf("%s %s: page lacks %q", r.Request.Method, r.Request.URL, s)
		}
	}
}

func TestDemoPagesAreReadableAnonymously(t *testing.T) {
	a, srv := openApp(t, true)
	b := newBrowser(t, srv)
	snap, err := a.Catalog.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	namespaces, accounts := map[string]bool{}, map[string]bool{}
	for _, s := range snap.Services {
		for _, n := range s.Namespaces {
			namespaces[n.Name] = true
		}
		for _, c := range s.CloudAccounts {
			accounts[c.ID] = true
		}
	}
	figure := func(n int, label string) string {
		return fmt.Sprintf(`<span class="figure-value">%d</span>
    <span class="figure-label">%s</span>`, n, label)
	}

	tests := []struct {
		path   string
		status int
		want   []string
		not    []string
	}{
		{"/", 200, []string{
			figure(len(snap.Teams), "Teams"), figure(len(snap.Services), "Services"),
			figure(len(snap.Environments), "Environments"), figure(len(namespaces), "Namespaces"),
			figure(len(accounts), "Cloud accounts"),
			"<svg", `aria-label="Services per team"`, `aria-label="Services by lifecycle"`,
			"have a source repository", "100%", "badge-demo", `href="/login?next=%2F"`,
		}, []string{`style="`}},
		{"/teams", 200, []string{"Payments", html.EscapeString("Identity & Access"), "#team-payments", "mailto:payments@example.com", "Sign in with an editor or admin token"}, []string{"Onboard team"}},
		{"/teams/payments", 200, []string{"<h1>Payments</h1>", `href="/services/checkout"`, "payment-gateway", "checkout-prod", "tag-prod", "100000000002"}, nil},
		{"/teams/no-such-team", 404, []string{"Page not found", `Team &#34;no-such-team&#34; does not exist.`}, nil},
		{"/services", 200, []string{"checkout", "auth-service", "Showing 1–"}, nil},
		{"/services?team=payments", 200, []string{"checkout", "ledger"}, []string{"auth-service"}},
		{"/services?lifecycle=deprecated", 200, []string{"lc-deprecated"}, []string{`<span class="badge lc lc-production">`}},
		{"/services/checkout", 200, []string{"checkout-prod", "Payments", "https://github.com/example-shop/checkout", "aws"}, nil},
		{"/services/nope", 404, []string{"Page not found"}, nil},
		{"/no/such/page", 404, []string{"Page not found", "/no/such/page"}, nil},
		{"/login", 200, []string{`name="token"`, `type="password"`}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			r := b.get(tc.path)
			wantStatus(t, r, tc.status)
			wantContains(t, r, tc.want...)
			for _, s := range tc.not {
				if strings.Contains(r.Body, s) {
					t.Errorf("page has %q", s)
				}
			}
			if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	_, srv := openApp(t, true)
	b := newBrowser(t, srv)
	for _, path := range []string{"/", "/teams/payments", "/nope", "/static/paved.css", "/login"} {
		r := b.get(path)
		for h, want := range map[string]string{
			"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "same-origin",
			"X-Frame-Options":         "DENY",
		} {
			if got := r.Header.Get(h); got != want {
				t.Errorf("%s: %s = %q, want %q", path, h, got, want)
			}
		}
	}
}

func TestStaticAssets(t *testing.T) {
	_, srv := openApp(t, true)
	b := newBrowser(t, srv)
	page := b.get("/")
	m := regexp.MustCompile(`href="(/static/paved\.css\?v=[0-9a-f]+)"`).FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatal("the layout does not link a versioned stylesheet")
	}
	css := b.get(m[1])
	wantStatus(t, css, 200)
	if ct := css.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := css.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("versioned asset Cache-Control %q", cc)
	}
	if b.get("/static/paved.css").Header.Get("Cache-Control") == css.Header.Get("Cache-Control") {
		t.Error("an unversioned asset URL is cached as long as a versioned one")
	}
	req, _ := http.NewRequest("GET", srv.URL+m[1], nil)
	req.Header.Set("If-None-Match", css.Header.Get("ETag"))
	wantStatus(t, b.do(req), http.StatusNotModified)
	wantStatus(t, b.get("/static/nope.js"), 404)
	// Air-gapped: nothing may load from another host.
	if regexp.MustCompile(`(src|href)="(https?:)?//`).MatchString(page.Body + css.Body) {
		t.Error("the overview or stylesheet references another host")
	}
}

func TestSignIn(t *testing.T) {
	a, srv := openApp(t, false)
	if _, err := a.Catalog.Onboard(context.Background(), catalog.Team{Name: "payments", DisplayName: "Payments"}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv)

	for _, path := range []string{"/", "/teams/payments", "/services?team=payments"} {
		r := b.get(path)
		wantStatus(t, r, http.StatusSeeOther)
		if loc, want := r.Header.Get("Location"), "/login?next="+url.QueryEscape(path); loc != want {
			t.Errorf("GET %s redirects to %q, want %q", path, loc, want)
		}
	}
	wantStatus(t, b.post("/teams", url.Values{"name": {"x"}}), http.StatusForbidden)

	bad := b.post("/login", url.Values{"token": {"pvd_not-a-real-token-at-all"}, "next": {"/teams"}})
	wantStatus(t, bad, http.StatusUnauthorized)
	wantContains(t, bad, "That token is not valid or has been revoked", `name="next" value="/teams"`)

	tok, secret, err := a.Auth.Create(context.Background(), "alice laptop", auth.RoleViewer)
	if err != nil {
		t.Fatal(err)
	}
	ok := b.post("/login", url.Values{"token": {secret}, "next": {"/teams/payments"}})
	wantStatus(t, ok, http.StatusSeeOther)
	if loc := ok.Header.Get("Location"); loc != "/teams/payments" {
		t.Errorf("redirect after sign-in to %q", loc)
	}
	var c *http.Cookie
	for _, ck := range ok.Cookies() {
		if ck.Name == "paved_session" {
			c = ck
		}
	}
	switch {
	case c == nil:
		t.Fatal("no paved_session cookie")
	case !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Expires.IsZero():
		t.Errorf("cookie attributes: %+v", c)
	case c.Secure:
		t.Error("cookie is Secure on plain HTTP, so the browser would drop it")
	}
	page := b.get("/teams/payments")
	wantStatus(t, page, 200)
	wantContains(t, page, "<h1>Payments</h1>", "alice laptop", "viewer", "Sign out")
	if strings.Contains(page.Body, "badge-demo") {
		t.Error("demo badge outside demo mode")
	}

	// Revoking the token ends the session at once.
	if err := a.Auth.Revoke(context.Background(), tok.ID); err != nil {
		t.Fatal(err)
	}
	gone := b.get("/")
	wantStatus(t, gone, http.StatusSeeOther)
	if c := b.cookie("paved_session"); c != nil {
		t.Error("the stale session cookie was kept")
	}
}

func TestSignInRedirectsOnlyLocally(t *testing.T) {
	a, srv := openApp(t, false)
	_, secret, err := a.Auth.Create(context.Background(), "t", auth.RoleViewer)
	if err != nil {
		t.Fatal(err)
	}
	for next, want := range map[string]string{
		"/services?team=x":      "/services?team=x",
		"":                      "/",
		"//evil.example":        "/",
		"/\\evil.example":       "/",
		"https://evil.example/": "/",
		"teams":                 "/",
		"/login":                "/",
	} {
		r := newBrowser(t, srv).post("/login", url.Values{"token": {secret}, "next": {next}})
		wantStatus(t, r, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != want {
			t.Errorf("next=%q redirects to %q, want %q", next, loc, want)
		}
	}
}

func TestIngestTokensCannotUseTheUI(t *testing.T) {
	a, srv := openApp(t, false)
	_, secret, err := a.Auth.Create(context.Background(), "ci", auth.RoleIngest)
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv)
	r := b.post("/login", url.Values{"token": {secret}})
	wantStatus(t, r, http.StatusForbidden)
	wantContains(t, r, "ingest")
	if b.cookie("paved_session") != nil {
		t.Error("a session cookie was set for an ingest token")
	}
}

func TestLoginRejectsCrossOriginPosts(t *testing.T) {
	a, srv := openApp(t, false)
	_, secret, err := a.Auth.Create(context.Background(), "t", auth.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv)
	req, _ := http.NewRequest("POST", srv.URL+"/login", strings.NewReader(url.Values{"token": {secret}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	r := b.do(req)
	wantStatus(t, r, http.StatusForbidden)
	wantContains(t, r, "submitted from another site")
	if b.cookie("paved_session") != nil {
		t.Error("a cross-site sign-in set a session")
	}
}

func TestOnboardTeam(t *testing.T) {
	a, srv := openApp(t, true)
	ctx := context.Background()
	b := newBrowser(t, srv)
	b.signIn(a, auth.RoleEditor)
	form := url.Values{"name": {"billing"}, "display_name": {"Billing & Invoices"}, "chat": {"#billing"}, "email": {"billing@example.com"}}

	teams := b.get("/teams")
	wantContains(t, teams, "Onboard a team", `action="/teams"`)

	wantStatus(t, b.post("/teams", form), http.StatusForbidden)
	form.Set("csrf", "csrf_wrong")
	wantStatus(t, b.post("/teams", form), http.StatusForbidden)
	if _, err := a.Catalog.Team(ctx, "billing"); err == nil {
		t.Fatal("a form without a valid CSRF token created the team")
	}

	form.Set("csrf", b.csrf())
	for i, want := range []string{"Team billing: created", "Team billing: unchanged"} {
		r := b.post("/teams", form)
		wantStatus(t, r, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != "/teams/billing" {
			t.Fatalf("submit %d redirects to %q", i+1, loc)
		}
		page := b.get("/teams/billing")
		wantStatus(t, page, 200)
		wantContains(t, page, want, html.EscapeString("Billing & Invoices"), "mailto:billing@example.com")
		if again := b.get("/teams/billing"); strings.Contains(again.Body, want) {
			t.Error("the notice is shown twice")
		}
	}
	got, err := a.Catalog.Team(ctx, "billing")
	if err != nil {
		t.Fatal(err)
	}
	if got.DisplayName != "Billing & Invoices" || got.Contact.Chat != "#billing" || got.Source != "onboard" {
		t.Errorf("onboarded team %+v", got)
	}

	for _, tc := range []struct{ name, email, want string }{
		{"Not A Slug", "", "name"},
		{"ok-team", "not-an-email", "is not an email address"},
	} {
		bad := url.Values{"csrf": {form.Get("csrf")}, "name": {tc.name}, "email": {tc.email}}
		r := b.post("/teams", bad)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantContains(t, r, `class="form-error"`, tc.want, `aria-invalid="true"`, `value="`+html.EscapeString(tc.name)+`"`)
	}
}

func TestViewerCannotOnboard(t *testing.T) {
	a, srv := openApp(t, true)
	b := newBrowser(t, srv)
	b.signIn(a, auth.RoleViewer)
	page := b.get("/teams")
	if strings.Contains(page.Body, "Onboard team") {
		t.Error("the onboarding form is shown to a viewer")
	}
	token := b.csrf() // from the sign-out form
	r := b.post("/teams", url.Values{"csrf": {token}, "name": {"sneaky"}})
	wantStatus(t, r, http.StatusForbidden)
	wantContains(t, r, "viewer")
	if _, err := a.Catalog.Team(context.Background(), "sneaky"); err == nil {
		t.Fatal("a viewer onboarded a team")
	}
}

func TestSignOut(t *testing.T) {
	a, srv := openApp(t, false)
	b := newBrowser(t, srv)
	b.signIn(a, auth.RoleAdmin)
	sessionID := b.cookie("paved_session").Value
	token := b.csrf()

	wantStatus(t, b.post("/logout", url.Values{"csrf": {"wrong"}}), http.StatusForbidden)
	wantStatus(t, b.get("/"), 200)

	r := b.post("/logout", url.Values{"csrf": {token}})
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/login" {
		t.Errorf("sign-out redirects to %q", loc)
	}
	if b.cookie("paved_session") != nil {
		t.Error("the session cookie survived sign-out")
	}
	if _, err := a.Auth.Session(context.Background(), sessionID); err == nil {
		t.Error("the session is still valid after sign-out")
	}
	wantStatus(t, b.get("/"), http.StatusSeeOther)
}

func TestInternalErrorsAreLoggedNotShown(t *testing.T) {
	var logs syncBuffer
	a, srv := openAppLogging(t, false, slog.New(slog.NewTextHandler(&logs, nil)))
	b := newBrowser(t, srv)
	b.signIn(a, auth.RoleAdmin)
	session := b.cookie("paved_session").Value
	a.DB.Close() // every query now fails

	r := b.get("/teams")
	wantStatus(t, r, http.StatusInternalServerError)
	wantContains(t, r, "paved could not show this page", `class="site-header"`)
	if strings.Contains(r.Body, "closed") {
		t.Error("the error page shows the internal error")
	}
	out := logs.String()
	if !strings.Contains(out, "page failed") || !strings.Contains(out, "path=/teams") {
		t.Errorf("the failure was not logged:\n%s", out)
	}
	if strings.Contains(out, session) {
		t.Error("the log holds the session ID")
	}
}

// syncBuffer collects log output written by the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestEmptyCatalog(t *testing.T) {
	a, srv := openApp(t, false)
	b := newBrowser(t, srv)
	b.signIn(a, auth.RoleAdmin)
	for path, want := range map[string]string{
		"/":         "No teams in the catalog yet",
		"/teams":    "No teams yet",
		"/services": "No services in the catalog yet",
	} {
		r := b.get(path)
		wantStatus(t, r, 200)
		wantContains(t, r, want)
	}
}

// bigCatalog is 250 teams owning 5,000 services, the size the pages must
// stay fast at.
func bigCatalog() catalog.Document {
	var doc catalog.Document
	for _, e := range []catalog.Environment{{Name: "dev"}, {Name: "staging"}, {Name: "prod", Production: true}} {
		doc.AddEnvironment(e, catalog.Origin{})
	}
	for ti := range 250 {
		team := fmt.Sprintf("team-%03d", ti)
		doc.AddTeam(catalog.Team{Name: team, DisplayName: fmt.Sprintf("Team %03d", ti)}, catalog.Origin{})
		for si := range 20 {
			svc := catalog.Service{Name: fmt.Sprintf("%s-svc-%02d", team, si), Team: team, Lifecycle: "production",
				Repository: "https://git.example.com/" + team + "/" + fmt.Sprint(si)}
			for _, env := range []string{"dev", "staging", "prod"} {
				svc.Namespaces = append(svc.Namespaces, catalog.Namespace{Name: svc.Name + "-" + env, Environment: env})
				svc.CloudAccounts = append(svc.CloudAccounts, catalog.CloudAccount{ID: team + "-" + env, Provider: "aws", Environment: env})
			}
			doc.AddService(svc, catalog.Origin{})
		}
	}
	return doc
}

func TestLargeCatalog(t *testing.T) {
	a, srv := openApp(t, true)
	ctx := context.Background()
	if _, err := a.Catalog.Apply(ctx, bigCatalog(), catalog.ApplyOptions{Source: "test"}); err != nil {
		t.Fatal(err)
	}
	snap, err := a.Catalog.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv)
	first := b.get("/services")
	wantStatus(t, first, 200)
	wantContains(t, first, fmt.Sprintf("Showing 1–100 of %d services", len(snap.Services)), `rel="next"`)
	wantContains(t, b.get("/services?page=2"), "Showing 101–200 of ", `rel="prev"`)
	wantContains(t, b.get("/services?page=9999&team=team-001"), "Showing 1–20 of 20 services")
	wantContains(t, b.get("/"), fmt.Sprintf("The 15 teams owning the most services, of %d teams.", len(snap.Teams)))
	wantContains(t, b.get("/teams/team-001"), "team-001-svc-19", "team-001-prod")
}

func BenchmarkPages(b *testing.B) {
	a, _ := openApp(b, true)
	if _, err := a.Catalog.Apply(context.Background(), bigCatalog(), catalog.ApplyOptions{Source: "bench"}); err != nil {
		b.Fatal(err)
	}
	h := a.Server.Handler()
	for _, path := range []string{"/", "/teams", "/teams/team-007", "/services", "/services?team=team-007", "/services/team-007-svc-03", "/policies"} {
		b.Run(path, func(b *testing.B) {
			req := httptest.NewRequest("GET", path, nil)
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != 200 {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
}
