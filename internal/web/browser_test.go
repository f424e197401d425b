package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/paved-dev/paved/internal/app"
	"github.com/paved-dev/paved/internal/auth"
	"github.com/paved-dev/paved/internal/demo"
)

// screenshotDir is docs/screenshots, seen from this package's directory
// (go test runs in it).
const screenshotDir = "../../docs/screenshots"

// TestBrowserSignInAndTeamPage drives a real browser the way a person
// would: open a team page, get sent to sign in, paste a token, and read the
// team page. It also fails on anything the browser console reports, such
// as a Content-Security-Policy violation that would leave charts unstyled.
func TestBrowserSignInAndTeamPage(t *testing.T) {
	// Guardrails mid-rollout, with a month of checks, for the Guardrails
	// page and the team page's compliance panel.
	a, srv := openAppPrepared(t, false, func(a *app.App) { stageRollout(t, a) })
	ctx := context.Background()
	if _, err := demo.Load(ctx, a.Catalog); err != nil {
		t.Fatal(err)
	}
	seedHistory(t, a)
	seedCosts(t, a)
	_, secret, err := a.Auth.Create(ctx, "browser-test", auth.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}

	bctx, checkConsole := chromiumSession(t)

	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(sel)))
		must(err)
		return s
	}
	location := func() string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Location())
		must(err)
		return s
	}

	must(chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/teams/payments"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="token"]`)),
	))
	if loc := location(); !strings.HasPrefix(loc, srv.URL+"/login?next=") {
		t.Fatalf("an anonymous visitor landed on %s, not the sign-in form", loc)
	}

	must(chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.CSS(`input[name="token"]`), secret),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#services table`)),
	))
	if loc := location(); loc != srv.URL+"/teams/payments" {
		t.Errorf("after signing in the browser is at %s, want the team page", loc)
	}
	if h := strings.TrimSpace(text("h1")); h != "Payments" {
		t.Errorf("heading %q, want Payments", h)
	}
	services := text("#services table")
	for _, s := range []string{"checkout", "payment-gateway"} {
		if !strings.Contains(services, s) {
			t.Errorf("the services table lacks %s:\n%s", s, services)
		}
	}
	if who := strings.ToLower(text(".identity")); !strings.Contains(who, "browser-test") || !strings.Contains(who, "admin") {
		t.Errorf("the header shows %q, not the signed-in token and role", who)
	}
	team, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	must(err)

	must(chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`.chart svg`)),
	))
	if h := strings.TrimSpace(text("h1")); h != "Overview" {
		t.Errorf("overview heading %q", h)
	}
	overview, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	must(err)

	must(chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/policies"),
		chromedp.WaitVisible(chromedp.CSS(`#policies table`)),
	))
	if h := strings.TrimSpace(text("h1")); h != "Guardrails" {
		t.Errorf("guardrails heading %q", h)
	}
	if table, first := text("#policies table"), a.Policy.Engine.Policies()[0].Title; !strings.Contains(table, first) {
		t.Errorf("the policies table does not show %q:\n%.500s", first, table)
	}
	// The top of the page (figures, chart, pipeline, the first policies):
	// the whole table would make a very long image.
	must(chromedp.Do(bctx, chromedp.EmulateViewport(1280, 1600)))
	guardrails, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
	must(err)

	// The Costs page draws a spend chart per currency and the coverage
	// trend, and the team page its costs panel's daily chart, each with a
	// size (an SVG the CSP broke would still be in the page).
	drawn := func(sel string) {
		t.Helper()
		ok, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`(() => { const s = document.querySelector(`+"`"+sel+"`"+`); return !!s && s.getBoundingClientRect().height > 50 && s.querySelectorAll("path, rect").length > 5; })()`))
		must(err)
		if !ok {
			t.Errorf("%s is not drawn", sel)
		}
	}
	must(chromedp.Do(bctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(srv.URL+"/costs"),
		chromedp.WaitVisible(chromedp.CSS(`#spend-USD .chart svg`)),
	))
	if h := strings.TrimSpace(text("h1")); h != "Costs" {
		t.Errorf("costs heading %q", h)
	}
	for _, sel := range []string{"#spend-USD .chart svg", "#spend-EUR .chart svg", "#coverage .chart svg"} {
		drawn(sel)
	}
	if movers := text("#movers table"); !strings.Contains(movers, "USD") {
		t.Errorf("the movers table shows no amounts:\n%.500s", movers)
	}
	must(chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/teams/payments#costs"),
		chromedp.WaitVisible(chromedp.CSS(`#costs .chart svg`)),
	))
	drawn("#costs .chart svg")
	if panel := text("#costs"); !strings.Contains(panel, "Sep 2024") || !strings.Contains(panel, "USD") {
		t.Errorf("the costs panel reads:\n%.500s", panel)
	}

	// On a phone-sized screen nothing may push the page wider than the
	// screen: wide tables scroll inside their cards instead.
	for _, path := range []string{"/", "/teams/payments", "/services", "/policies", "/policies/" + a.Policy.Engine.Policies()[0].ID, "/costs"} {
		must(chromedp.Do(bctx,
			chromedp.EmulateViewport(390, 844),
			chromedp.Navigate(srv.URL+path),
			chromedp.WaitVisible(chromedp.CSS("h1")),
		))
		overflow, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		must(err)
		if overflow {
			t.Errorf("%s is wider than a 390px phone screen", path)
		}
	}

	checkConsole()

	if os.Getenv("PAVED_UPDATE_SCREENSHOTS") == "1" {
		must(os.MkdirAll(screenshotDir, 0o755))
		must(os.WriteFile(filepath.Join(screenshotDir, "team.png"), team, 0o644))
		must(os.WriteFile(filepath.Join(screenshotDir, "overview.png"), overview, 0o644))
		must(os.WriteFile(filepath.Join(screenshotDir, "policies.png"), guardrails, 0o644))
	}
}
