package web_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/app"
	"github.com/paved-dev/paved/internal/auth"
	"github.com/paved-dev/paved/internal/cost"
	"github.com/paved-dev/paved/internal/cost/focus"
	"github.com/paved-dev/paved/internal/demo"
)

// costMonth is the month focus.Generate bills; augustCSV is the month
// before it, so the Costs page has a trend and movers.
const costMonth = "2024-09"

// augustCSV is a small hand-written FOCUS export of August 2024 for demo
// teams, in USD, with one untagged charge.
func augustCSV() []byte {
	var b strings.Builder
	b.WriteString("BilledCost,BillingAccountId,BillingCurrency,BillingPeriodStart,ChargeCategory,ChargePeriodStart,EffectiveCost,ProviderName,ServiceName,SubAccountId,SubAccountName,ResourceId,Tags\n")
	for i, c := range []struct{ cost, tags string }{
		{"1000", `{"team": "payments", "service": "checkout"}`},
		{"800", `{"team": "search", "service": "search-api"}`},
		{"400", `{"team": "identity", "service": "auth-service"}`},
		{"250", ""},
	} {
		tags := ""
		if c.tags != "" {
			tags = `"` + strings.ReplaceAll(c.tags, `"`, `""`) + `"`
		}
		fmt.Fprintf(&b, "%s,aug-payer,USD,2024-08-01,Usage,2024-08-%02d,%s,AWS,Amazon EC2,999999999999,sandbox,i-%d,%s\n", c.cost, 3+i, c.cost, i, tags)
	}
	return []byte(b.String())
}

// seedCosts imports two months of bills through the cost service: the
// August export above and a generated September one (three providers,
// USD and EUR, tagged and untagged resources).
func seedCosts(t testing.TB, a *app.App) {
	t.Helper()
	ctx := context.Background()
	var sep bytes.Buffer
	if err := focus.Generate(&sep, 3000, 7); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"august.csv": augustCSV(), "september.csv": sep.Bytes()} {
		if _, err := a.Cost.Import(ctx, name, bytes.NewReader(data), cost.ImportOptions{ImportedBy: "web-test"}); err != nil {
			t.Fatalf("importing %s: %v", name, err)
		}
	}
}

// wantMoney formats an amount as the pages must show it, independently
// of the code that renders them: cents, thousands grouped, the currency.
func wantMoney(v float64, currency string) string {
	v = math.Round(v*100) / 100
	if v == 0 {
		v = 0 // no -0.00
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', 2, 64)
	whole, cents, _ := strings.Cut(s, ".")
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + "," + whole[i:]
	}
	if v < 0 {
		whole = "-" + whole
	}
	return whole + "." + cents + " " + currency
}

// figureMoney is an amount as a headline figure shows it, the currency
// in smaller type.
func figureMoney(v float64, currency string) string {
	amount, _ := strings.CutSuffix(wantMoney(v, currency), " "+currency)
	return `<span class="figure-value">` + amount + ` <span class="figure-unit">` + currency + `</span></span>`
}

func TestCostsPageWithoutData(t *testing.T) {
	a, srv := openApp(t, false)
	if _, err := demo.Load(context.Background(), a.Catalog); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv)
	b.signIn(a, auth.RoleViewer)
	r := b.get("/costs")
	wantStatus(t, r, 200)
	wantContains(t, r, "<h1>Costs</h1>", `<a href="/costs" aria-current="page">Costs</a>`,
		"No billing data has been imported yet", "paved cost import FILE", "/api/v1/costs/imports?name=FILE")
	if strings.Contains(r.Body, "<svg role=\"img\"") {
		t.Error("charts are drawn with no data")
	}
	team := b.get("/teams/payments")
	wantStatus(t, team, 200)
	if strings.Contains(team.Body, `id="costs"`) {
		t.Error("the team page has a costs panel with no cost data")
	}
}

func TestCostsPage(t *testing.T) {
	a, srv := openApp(t, false)
	ctx := context.Background()
	if _, err := demo.Load(ctx, a.Catalog); err != nil {
		t.Fatal(err)
	}
	seedCosts(t, a)
	b := newBrowser(t, srv)
	b.signIn(a, auth.RoleViewer)
	r := b.get("/costs")
	wantStatus(t, r, 200)
	wantNoInlineStyles(t, r)

	// The headline figures are the month's report and coverage.
	rep, err := a.Cost.Report(ctx, costMonth, "team", "")
	if err != nil {
		t.Fatal(err)
	}
	cov, err := a.Cost.Coverage(ctx, costMonth)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Totals) != 2 || len(cov.Overall) != 2 {
		t.Fatalf("the generated bill should be in USD and EUR: %v", rep.Totals)
	}
	figures := r.Body[strings.Index(r.Body, `class="figures figures-money"`):]
	figures = figures[:strings.Index(figures, "</section>")]
	for _, o := range cov.Overall {
		share := strconv.FormatFloat(math.Round(o.Share*1000)/10, 'f', 1, 64) + "%"
		for _, want := range []string{
			figureMoney(rep.Totals[o.Currency].Effective, o.Currency),
			`<span class="figure-value">` + share + `</span>`,
			`<span class="figure-label">Allocated (` + o.Currency + `)</span>`,
			figureMoney(o.Unallocated, o.Currency),
		} {
			if !strings.Contains(figures, want) {
				t.Errorf("the %s figures lack %s", o.Currency, want)
			}
		}
	}

	// One spend chart per currency; its figures table has every team of
	// the report, or the band of the others.
	for c := range rep.Totals {
		spend := section(t, r.Body, "spend-"+c)
		if !strings.Contains(spend, `aria-label="Spend by team per month, `+c+`"`) || !strings.Contains(spend, "<svg") {
			t.Errorf("no %s spend chart", c)
		}
		if !strings.Contains(spend, "<strong>"+wantMoney(rep.Totals[c].Effective, c)+"</strong>") {
			t.Errorf("the %s figures do not total %s", c, wantMoney(rep.Totals[c].Effective, c))
		}
	}
	wantContains(t, r, `aria-label="Allocated share of spend per month"`, "Sep 2024", "Aug 2024")

	// Movers are the trend's, largest first.
	tr, err := a.Cost.Trend(ctx, 12, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Movers) == 0 {
		t.Fatal("the trend has no movers")
	}
	movers := section(t, r.Body, "movers")
	first := tr.Movers[0]
	for _, want := range []string{wantMoney(first.Previous, first.Currency), wantMoney(first.Current, first.Currency), "Aug 2024", "Sep 2024"} {
		if !strings.Contains(movers, want) {
			t.Errorf("the movers lack %s (top mover %+v)", want, first)
		}
	}
	if i, j := strings.Index(movers, `href="/teams/`+tr.Movers[0].Team+`"`), strings.Index(movers, `/teams/`+tr.Movers[1].Team+`"`); tr.Movers[0].Team != tr.Movers[1].Team && (i < 0 || j >= 0 && j < i) {
		t.Errorf("movers are not in the trend's order: %s before %s", tr.Movers[0].Team, tr.Movers[1].Team)
	}

	// The unallocated list names the largest resource with its account
	// name and tags.
	un, err := a.Cost.Unallocated(ctx, costMonth, 25)
	if err != nil || len(un.Resources) == 0 {
		t.Fatalf("unallocated = %+v, %v", un, err)
	}
	unSection := section(t, r.Body, "unallocated")
	top := un.Resources[0]
	for _, want := range []string{html.EscapeString(top.ResourceID), wantMoney(top.EffectiveCost, top.Currency), html.EscapeString(un.Accounts[0].AccountName)} {
		if !strings.Contains(unSection, want) {
			t.Errorf("the unallocated list lacks %s", want)
		}
	}
	if accounts := min(len(un.Accounts), 10); strings.Count(unSection, "<tr>") != accounts+len(un.Resources)+2 {
		t.Errorf("the unallocated tables have %d rows, want %d accounts and %d resources", strings.Count(unSection, "<tr>")-2, accounts, len(un.Resources))
	}

	// The team page's panel is the team's month.
	tm, err := a.Cost.TeamMonth(ctx, "payments", "")
	if err != nil || len(tm.Currencies) == 0 {
		t.Fatalf("payments month = %+v, %v", tm, err)
	}
	team := b.get("/teams/payments")
	wantStatus(t, team, 200)
	wantNoInlineStyles(t, team)
	panel := section(t, team.Body, "costs")
	if panel == "" {
		t.Fatal("the team page has no costs panel")
	}
	for _, c := range tm.Currencies {
		for _, want := range []string{
			figureMoney(c.MonthToDate, c.Currency),
			figureMoney(c.PreviousMonth, c.Currency),
			`aria-label="Daily spend of Payments in Sep 2024, ` + c.Currency + `"`,
		} {
			if !strings.Contains(panel, want) {
				t.Errorf("the costs panel lacks %s", want)
			}
		}
	}
	for _, s := range tm.Services {
		if !strings.Contains(panel, wantMoney(s.EffectiveCost, s.Currency)) {
			t.Errorf("the services breakdown lacks %s %s", s.Key, wantMoney(s.EffectiveCost, s.Currency))
		}
	}
	if tm.Through != "2024-09-30" {
		t.Errorf("the generated month runs through %s", tm.Through)
	}
}

func TestCostsPageNeedsSignIn(t *testing.T) {
	a, srv := openApp(t, false)
	b := newBrowser(t, srv)
	r := b.get("/costs")
	if r.StatusCode != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/login?next=") {
		t.Fatalf("anonymous /costs: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	b.signIn(a, auth.RoleViewer)
	wantStatus(t, b.get("/costs"), 200)
}
