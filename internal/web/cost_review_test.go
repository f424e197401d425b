package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/auth"
	"github.com/paved-dev/paved/internal/cost/reviewdoc"
	"github.com/paved-dev/paved/internal/demo"
)

// htmlText is text as html/template writes it into a page.
var htmlText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;", "+", "&#43;").Replace

func TestCostReviewPage(t *testing.T) {
	a, srv := openApp(t, false)
	ctx := context.Background()
	if _, err := demo.Load(ctx, a.Catalog); err != nil {
		t.Fatal(err)
	}
	seedCosts(t, a)
	b := newBrowser(t, srv)
	b.signIn(a, auth.RoleViewer)

	// The Costs page and the team panel link the review of their month.
	wantContains(t, b.get("/costs"), `<a href="/costs/review?month=2024-09">Monthly review of Sep 2024</a>`)
	wantContains(t, b.get("/teams/payments"), `<a href="/costs/review?month=2024-09&amp;team=payments">Monthly review of Sep 2024</a>`)

	for _, tc := range []struct {
		name, path, month, team string
		want                    []string
	}{
		{"organisation, latest month", "/costs/review", costMonth, "", []string{
			"<h1>FinOps review: September 2024</h1>", `<a href="/costs" aria-current="page">Costs</a>`,
			`id="spend"`, `id="movers"`, `id="anomalies"`, `id="coverage"`, `id="unallocated"`, `id="budgets"`,
			`<a class="btn btn-quiet" href="/costs/review.md?month=2024-09" download>Download .md</a>`,
			`<a class="btn btn-quiet" href="/costs/review.html?month=2024-09" download>Download .html</a>`,
			`<input type="month" name="month" value="2024-09"`,
		}},
		{"a team", "/costs/review?month=2024-09&team=payments", costMonth, "payments", []string{
			"<h1>FinOps review of Payments: September 2024</h1>", `/ <a href="/teams/payments">Payments</a></p>`,
			`id="allocation"`, `<option value="payments" selected>Payments</option>`,
			`href="/costs/review.md?month=2024-09&amp;team=payments"`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.get(tc.path)
			wantStatus(t, r, 200)
			wantNoInlineStyles(t, r)
			wantContains(t, r, tc.want...)

			// The page is the review the service assembles, as the
			// documents lay it out.
			rev, err := a.Cost.Review(ctx, tc.month, tc.team)
			if err != nil {
				t.Fatal(err)
			}
			doc := reviewdoc.Build(rev)
			for _, s := range doc.Summary {
				wantContains(t, r, "<li>"+htmlText(s)+"</li>")
			}
			for _, s := range doc.Sections {
				body := section(t, r.Body, s.ID)
				if body == "" || !strings.Contains(body, "<h2>"+htmlText(s.Title)+"</h2>") {
					t.Errorf("the page has no section %s titled %q", s.ID, s.Title)
					continue
				}
				rows := 0
				for _, tb := range s.Tables {
					rows += len(tb.Rows) + 1
				}
				if got := strings.Count(body, "<tr>"); got != rows {
					t.Errorf("section %s has %d table rows, want %d", s.ID, got, rows)
				}
			}
		})
	}

	// The downloads are the same review as documents, saved as files.
	for _, tc := range []struct {
		path, contentType, file, start string
	}{
		{"/costs/review.md?month=2024-09", "text/markdown; charset=utf-8", "finops-review-2024-09.md", "# FinOps review: September 2024\n"},
		{"/costs/review.html?month=2024-09&team=payments", "text/html; charset=utf-8", "finops-review-payments-2024-09.html", "<!doctype html>"},
	} {
		r := b.get(tc.path)
		wantStatus(t, r, 200)
		if got := r.Header.Get("Content-Type"); got != tc.contentType {
			t.Errorf("%s: Content-Type %q, want %q", tc.path, got, tc.contentType)
		}
		if got, want := r.Header.Get("Content-Disposition"), `attachment; filename=`+tc.file; got != want {
			t.Errorf("%s: Content-Disposition %q, want %q", tc.path, got, want)
		}
		if !strings.HasPrefix(r.Body, tc.start) || !strings.Contains(r.Body, "## Unallocated spend") && !strings.Contains(r.Body, `<section id="unallocated">`) {
			t.Errorf("%s: body is not the review:\n%.500s", tc.path, r.Body)
		}
	}

	// Bad input is the user's to fix, on a page that says what is wrong.
	for _, tc := range []struct {
		path   string
		status int
		msg    string
	}{
		{"/costs/review?month=September", 422, "is not a month; use YYYY-MM"},
		{"/costs/review?month=2024-09&team=ghosts", 404, "Team &#34;ghosts&#34; is not in the catalog and has no costs"},
		{"/costs/review.md?month=2024-13", 422, "is not a month"},
	} {
		r := b.get(tc.path)
		wantStatus(t, r, tc.status)
		wantContains(t, r, tc.msg)
	}
}

func TestCostReviewWithoutData(t *testing.T) {
	a, srv := openApp(t, false)
	b := newBrowser(t, srv)

	// Like every page, the review and its downloads need a sign-in.
	for _, path := range []string{"/costs/review", "/costs/review.md"} {
		if r := b.get(path); r.StatusCode != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/login?next=") {
			t.Errorf("anonymous %s: %d %s", path, r.StatusCode, r.Header.Get("Location"))
		}
	}
	b.signIn(a, auth.RoleViewer)
	r := b.get("/costs/review?month=2024-09")
	wantStatus(t, r, 200)
	wantContains(t, r, "No billing data has been imported for September 2024 yet.", "No spend in September 2024.",
		"Every charge of September 2024 is allocated to a team.")
	if strings.Contains(b.get("/costs").Body, "/costs/review") {
		t.Error("the Costs page links a review with no billing data")
	}
}
