package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/app"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/policy"
)

// Test policies, loaded from a directory next to the built-in pack, so
// that the tests know their ids, sets and rollout whatever the pack holds.
const (
	testPolicy    = "web-test-red"       // default mode (warn)
	testScheduled = "web-test-scheduled" // warns until a date, then enforces
	testEnforced  = "web-test-enforced"  // enforces today
	testSet       = "web-test-set"
)

func testPolicyModule(id, title string) string {
	return fmt.Sprintf(`# METADATA
# title: %q
# description: A policy the web tests record findings against.
# custom:
#   id: %s
#   severity: high
#   inputs: [kubernetes]
#   sets: [%s]
#   remediation: |-
#     Paint the resource blue.
#     Then deploy it again.
package webtest.%s

deny contains msg if {
	input.kind == "Red"
	msg := "red is not allowed"
}
`, title, id, testSet, strings.ReplaceAll(id, "-", "_"))
}

// openGuardrails opens the demo organisation with the test policies, the
// scheduled one enforcing from a date a month ahead.
func openGuardrails(t testing.TB) (*app.App, *httptest.Server, string) {
	t.Helper()
	dir := t.TempDir()
	for id, title := range map[string]string{
		testPolicy: "Web test: nothing red", testScheduled: "Web test: scheduled rollout", testEnforced: "Web test: enforced",
	} {
		if err := os.WriteFile(filepath.Join(dir, id+".rego"), []byte(testPolicyModule(id, title)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	enforceFrom := time.Now().UTC().AddDate(0, 1, 0).Format(config.DateLayout)
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.PolicySettings.Dirs = []string{dir}
	cfg.Policies = map[string]config.PolicyRollout{
		testScheduled: {Mode: config.ModeWarn, EnforceFrom: enforceFrom},
		testEnforced:  {Mode: config.ModeEnforce},
	}
	a, err := app.Open(context.Background(), cfg, app.Options{Demo: true, Version: "test", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Server.Handler())
	t.Cleanup(srv.Close)
	return a, srv, enforceFrom
}

// openAppPrepared is openApp with a chance to adjust the app before it
// serves its first request.
func openAppPrepared(t testing.TB, demoMode bool, prepare func(*app.App)) (*app.App, *httptest.Server) {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	a, err := app.Open(context.Background(), cfg, app.Options{Demo: demoMode, Version: "test", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	prepare(a)
	srv := httptest.NewServer(a.Server.Handler())
	t.Cleanup(srv.Close)
	return a, srv
}

// recordPayments reports a denial and a warning of testPolicy for the
// payments team, and an unowned warning, as `paved check --report-to`
// would.
func recordPayments(t testing.TB, a *app.App) {
	t.Helper()
	res := func(name, action, mode, msg string, line int) policy.Result {
		return policy.Result{
			Policy: testPolicy, Title: "Web test: nothing red", Severity: "high", Action: action, Mode: mode,
			Message: msg, File: "deploy/" + name + ".yaml", Line: line,
			Resource: policy.Resource{Kind: "Deployment", Namespace: "checkout-prod", Name: name},
			Team:     "payments", Service: "checkout", Environment: "prod",
		}
	}
	up := policy.Upload{Source: "ci", Results: []policy.Result{
		res("checkout", policy.ActionDeny, config.ModeEnforce, "checkout is denied: red <b>containers</b>", 12),
		res("ledger", policy.ActionWarn, config.ModeWarn, "ledger would be denied: red sidecar", 7),
		{Policy: testPolicy, Title: "Web test: nothing red", Severity: "high", Action: policy.ActionWarn, Mode: config.ModeWarn,
			Message: "nobody owns this", Resource: policy.Resource{Kind: "Deployment", Namespace: "scratch", Name: "orphan"}},
	}}
	if _, err := a.Policy.Store.Record(context.Background(), up, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// section returns the HTML of the element with the given id up to the
// end of its </section>.
func section(t testing.TB, body, id string) string {
	t.Helper()
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	j := strings.Index(body[i:], "</section>")
	if j < 0 {
		t.Fatalf("section %s is not closed", id)
	}
	return body[i : i+j]
}

func wantNoInlineStyles(t testing.TB, r response) {
	t.Helper()
	if strings.Contains(r.Body, `style="`) || strings.Contains(r.Body, "<style") {
		t.Errorf("%s has inline styles, which the CSP blocks", r.Request.URL)
	}
}

var policyIDCell = regexp.MustCompile(`<code class="policy-id">([^<]+)</code>`)

func listedPolicies(t testing.TB, r response) []string {
	t.Helper()
	var ids []string
	for _, m := range policyIDCell.FindAllStringSubmatch(section(t, r.Body, "policies"), -1) {
		ids = append(ids, m[1])
	}
	return ids
}

func TestGuardrailsListsEveryPolicy(t *testing.T) {
	a, srv := openApp(t, true)
	b := newBrowser(t, srv)
	r := b.get("/policies")
	wantStatus(t, r, 200)
	all := a.Policy.Engine.Policies()
	if len(all) == 0 {
		t.Fatal("no policies are loaded")
	}
	ids := listedPolicies(t, r)
	if len(ids) != len(all) {
		t.Errorf("the table lists %d policies, %d are loaded", len(ids), len(all))
	}
	listed := map[string]bool{}
	for _, id := range ids {
		listed[id] = true
	}
	for _, p := range all {
		if !listed[p.ID] {
			t.Errorf("policy %s is not listed", p.ID)
		}
	}
	wantContains(t, r, "<h1>Guardrails</h1>", `<a href="/policies" aria-current="page">Guardrails</a>`,
		"No findings have been reported yet", "paved check --report-to URL --token T")
	wantNoInlineStyles(t, r)
	if strings.Contains(r.Body, `aria-label="Open findings by team"`) {
		t.Error("a findings chart is drawn with no findings")
	}

	// Filters keep exactly the matching policies.
	sev := all[0].Severity
	want := 0
	for _, p := range all {
		if p.Severity == sev {
			want++
		}
	}
	f := b.get("/policies?severity=" + sev)
	wantStatus(t, f, 200)
	if got := len(listedPolicies(t, f)); got != want {
		t.Errorf("severity=%s lists %d policies, want %d", sev, got, want)
	}
	wantContains(t, f, fmt.Sprintf(`<option value="%s" selected>`, sev), `href="/policies">Clear</a>`)
	none := b.get("/policies?mode=scheduled")
	wantStatus(t, none, 200)
	wantContains(t, none, "No policies match this filter")
}

func TestGuardrailsPages(t *testing.T) {
	a, srv, enforceFrom := openGuardrails(t)
	recordPayments(t, a)
	b := newBrowser(t, srv)

	list := b.get("/policies")
	wantStatus(t, list, 200)
	wantNoInlineStyles(t, list)
	wantContains(t, list, `aria-label="Open findings by team"`, `href="/policies/`+testPolicy+`"`, "Web test: nothing red",
		`<span class="figure-value">1</span>
    <span class="figure-label">Open denials</span>`,
		`<span class="figure-value">2</span>
    <span class="figure-label">Open warnings</span>`)
	// The scheduled rollout: warn today, enforce from the date, in the
	// table and in the pipeline.
	if p := section(t, list.Body, "pipeline"); !strings.Contains(p, enforceFrom) || !strings.Contains(p, `href="/policies/`+testScheduled+`"`) {
		t.Errorf("the rollout pipeline lacks %s on %s:\n%s", testScheduled, enforceFrom, p)
	}
	wantContains(t, response{Response: list.Response, Body: section(t, list.Body, "policies")},
		`<span class="badge mode-warn">warn</span> → <span class="badge mode-enforce">enforce</span> <span class="mode-date">on <time datetime="`+enforceFrom+`">`)
	if ids := listedPolicies(t, b.get("/policies?mode=scheduled")); len(ids) != 1 || ids[0] != testScheduled {
		t.Errorf("mode=scheduled lists %v, want only %s", ids, testScheduled)
	}
	if ids := listedPolicies(t, b.get("/policies?set="+testSet)); len(ids) != 3 {
		t.Errorf("set=%s lists %v, want the 3 test policies", testSet, ids)
	}
	if ids := listedPolicies(t, b.get("/policies?mode=enforce&set="+testSet)); len(ids) != 1 || ids[0] != testEnforced {
		t.Errorf("mode=enforce lists %v, want only %s", ids, testEnforced)
	}

	page := b.get("/policies/" + testPolicy)
	wantStatus(t, page, 200)
	wantNoInlineStyles(t, page)
	wantContains(t, page, "<h1>Web test: nothing red</h1>", "A policy the web tests record findings against.",
		"Paint the resource blue.\nThen deploy it again.", `aria-label="Violations per day, last 90 days"`,
		"Deployment/checkout-prod/checkout", "checkout is denied: red &lt;b&gt;containers&lt;/b&gt;", "deploy/checkout.yaml:12",
		"policy_settings.default_mode")
	if teams := section(t, page.Body, "teams"); !strings.Contains(teams, `<a href="/teams/payments">Payments</a>`) || !strings.Contains(teams, "unowned") {
		t.Errorf("the teams-affected table lacks payments or unowned:\n%s", teams)
	}
	preview := section(t, page.Body, "preview")
	for _, s := range []string{"it would deny <strong>2 resources</strong> of 2 teams", `<a href="/teams/payments">Payments</a>`,
		"Deployment/checkout-prod/ledger", "deploy/ledger.yaml:7", "ledger would be denied: red sidecar", "Deployment/scratch/orphan"} {
		if !strings.Contains(preview, s) {
			t.Errorf("the enforcement preview lacks %q:\n%s", s, preview)
		}
	}
	if strings.Contains(preview, "Deployment/checkout-prod/checkout") {
		t.Error("the enforcement preview lists a finding that is already denied")
	}

	enforced := b.get("/policies/" + testEnforced)
	wantStatus(t, enforced, 200)
	wantContains(t, enforced, "This policy already enforces", "No open findings", "No check has reported a violation")
	scheduled := b.get("/policies/" + testScheduled)
	wantContains(t, scheduled, "If this policy enforced today, nothing would be denied", enforceFrom)

	missing := b.get("/policies/no-such-policy")
	wantStatus(t, missing, http.StatusNotFound)
	wantContains(t, missing, "Page not found", "no-such-policy")
}

func TestTeamCompliancePanel(t *testing.T) {
	a, srv, _ := openGuardrails(t)
	ctx := context.Background()
	b := newBrowser(t, srv)
	if strings.Contains(b.get("/teams/payments").Body, `id="compliance"`) {
		t.Error("a compliance panel is shown before anything was checked")
	}
	recordPayments(t, a)
	soon := time.Now().UTC().AddDate(0, 0, 5).Format(config.DateLayout)
	if _, err := a.Policy.Store.CreateException(ctx, config.PolicyException{
		Policy: testPolicy, Team: "payments", Reason: "vendor image, replacement in Q3", Approver: "ciso@example.com", Expires: soon,
	}); err != nil {
		t.Fatal(err)
	}
	past := time.Now().UTC().AddDate(0, 0, -3).Format(config.DateLayout)
	if _, err := a.Policy.Store.CreateException(ctx, config.PolicyException{
		Policy: testPolicy, Team: "payments", Service: "ledger", Reason: "migration window", Approver: "lead@example.com", Expires: past,
	}); err != nil {
		t.Fatal(err)
	}

	r := b.get("/teams/payments")
	wantStatus(t, r, 200)
	wantNoInlineStyles(t, r)
	panel := section(t, r.Body, "compliance")
	if panel == "" {
		t.Fatalf("the payments team page has no compliance panel:\n%.3000s", r.Body)
	}
	for _, s := range []string{
		"<h2>Compliance</h2>", `<a href="/policies/` + testPolicy + `">Web test: nothing red</a>`,
		"Deployment/checkout-prod/checkout", "Deployment/checkout-prod/ledger", "ledger would be denied: red sidecar",
		`<span class="badge act-deny">deny</span>`, `<span class="badge act-warn">warn</span>`,
		"vendor image, replacement in Q3", "ciso@example.com", `class="row-soon"`, "expires in 5 days", soon,
		`class="row-expired"`, `<span class="badge exc-expired">expired</span>`, "service ledger",
		`aria-label="Policy results per day for Payments, last 30 days"`,
	} {
		if !strings.Contains(panel, s) {
			t.Errorf("the compliance panel lacks %q", s)
		}
	}
	if strings.Contains(panel, "nobody owns this") {
		t.Error("the payments panel shows another team's finding")
	}

	quiet := b.get("/teams/security")
	wantStatus(t, quiet, 200)
	if strings.Contains(quiet.Body, `id="compliance"`) || strings.Contains(quiet.Body, "<h2>Compliance</h2>") {
		t.Error("a team with no findings, exceptions or history shows a compliance panel")
	}
}

// stageRollout gives the first loaded policies the rollout a platform
// team mid-way through adopting guardrails would have: some enforced, some
// warning ahead of an enforcement date, the rest warning.
func stageRollout(t testing.TB, a *app.App) {
	t.Helper()
	ps := a.Policy.Engine.Policies()
	cfg := a.Config
	cfg.Policies = map[string]config.PolicyRollout{}
	day := func(n int) string { return time.Now().UTC().AddDate(0, 0, n).Format(config.DateLayout) }
	for i, p := range ps[:min(len(ps), 6)] {
		switch i % 3 {
		case 0:
			cfg.Policies[p.ID] = config.PolicyRollout{Mode: config.ModeEnforce}
		case 1:
			cfg.Policies[p.ID] = config.PolicyRollout{Mode: config.ModeWarn, EnforceFrom: day(14 + 10*i)}
		}
	}
	r, err := policy.NewRollout(cfg, ps, nil)
	if err != nil {
		t.Fatal(err)
	}
	a.Policy.Rollout = r
}

// seedHistory reports a month of CI checks of the demo organisation
// against the first loaded policies, one upload per day, so that charts
// and tables have something to show. The same call gives the same data.
func seedHistory(t testing.TB, a *app.App) {
	t.Helper()
	ctx := context.Background()
	ps := a.Policy.Engine.Policies()
	ps = ps[:min(len(ps), 8)]
	teams := map[string][]string{
		"payments": {"checkout", "ledger", "refunds"}, "identity": {"auth-service", "mfa"},
		"search": {"search-api", "indexer"}, "growth": {"experiments", "campaigns", "referrals"},
		"mobile": {"mobile-bff"}, "data-platform": {"event-pipeline", "feature-store"},
	}
	rng := uint64(42)
	next := func(n int) int { // a small deterministic generator
		rng = rng*6364136223846793005 + 1442695040888963407
		return int((rng >> 33) % uint64(n))
	}
	now := time.Now().UTC()
	for day := 29; day >= 0; day-- {
		at := now.AddDate(0, 0, -day)
		var up policy.Upload
		up.Source = "ci"
		for _, team := range slices.Sorted(maps.Keys(teams)) {
			services := teams[team]
			for _, svc := range services {
				res := policy.Resource{Kind: "Deployment", Namespace: svc + "-prod", Name: svc}
				up.Resources = append(up.Resources, policy.CheckedResource{Resource: res.String(), Team: team})
				for i, p := range ps {
					// Teams fix things over the month: fewer findings later.
					if next(100) > 20+day {
						continue
					}
					d := a.Policy.Rollout.Mode(p, team, "prod", at)
					if d.Mode == config.ModeOff {
						continue
					}
					r := policy.Result{Policy: p.ID, Title: p.Title, Severity: p.Severity, Action: policy.ActionWarn, Mode: d.Mode,
						Message: p.Title + ": see the remediation", File: "deploy/" + svc + ".yaml", Line: 10 + i,
						Resource: res, Team: team, Service: svc, Environment: "prod"}
					switch {
					case i == 4 && team == "growth":
						r.Action = policy.ActionExcepted
					case d.Mode == config.ModeEnforce:
						r.Action = policy.ActionDeny
					}
					up.Results = append(up.Results, r)
				}
			}
		}
		if _, err := a.Policy.Store.Record(ctx, up, at); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Policy.Store.CreateException(ctx, config.PolicyException{
		Policy: ps[0].ID, Team: "payments", Service: "refunds", Reason: "legacy refunds worker, replaced next quarter",
		Approver: "security@example.com", Expires: now.AddDate(0, 0, 9).Format(config.DateLayout),
	}); err != nil {
		t.Fatal(err)
	}
}
