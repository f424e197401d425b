package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/app"
	"github.com/paved-dev/paved/internal/auth"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/usage"
)

// putTeams adds teams to the catalog, each with its members.
func putTeams(t testing.TB, a *app.App, members map[string][]string) {
	t.Helper()
	for name, m := range members {
		if _, err := a.Catalog.PutTeam(context.Background(), catalog.Team{Name: name, DisplayName: name, Members: m}, true); err != nil {
			t.Fatal(err)
		}
	}
}

// flushed returns the usage summary once paved's own events are written.
func flushed(t testing.TB, a *app.App, weeks int) usage.Summary {
	t.Helper()
	ctx := context.Background()
	if err := a.Usage.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	sum, err := a.Usage.Summary(ctx, weeks)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func feature(sum usage.Summary, name string) *usage.FeatureUsage {
	for i := range sum.Features {
		if sum.Features[i].Feature == name {
			return &sum.Features[i]
		}
	}
	return nil
}

func TestUsagePageWithoutEvents(t *testing.T) {
	a, srv := openApp(t, false)
	b := newBrowser(t, srv)
	b.signIn(a, auth.RoleViewer)
	r := b.get("/usage")
	wantStatus(t, r, 200)
	wantNoInlineStyles(t, r)
	wantContains(t, r, "<h1>Usage</h1>", `<a href="/usage" aria-current="page">Usage</a>`,
		"No feature was used in these 12 weeks", "/api/v1/usage", `<strong aria-current="page">12</strong>`, `<a href="/usage?weeks=52">52</a>`,
		// Every page is a known feature, unused so far.
		`<h3>Never used: Pages of paved`, `<li><code>ui.costs</code></li>`, `<li><code>ui.usage</code></li>`)
	if strings.Contains(r.Body, `<table class="given-up">`) {
		t.Error("features are listed as given up before any use")
	}
	if strings.Contains(r.Body, `<svg role="img"`) {
		t.Error("charts are drawn with no usage")
	}
}

// TestPageViewsAreRecorded: a page shown to a signed-in viewer is a use
// of its feature, by the viewer's hashed token and the team that lists
// the token's name as a member; sign-in and error pages are not.
func TestPageViewsAreRecorded(t *testing.T) {
	a, srv := openApp(t, false)
	putTeams(t, a, map[string][]string{"payments": {"browser-viewer"}, "search": nil})
	b := newBrowser(t, srv)
	b.signIn(a, auth.RoleViewer)
	for _, path := range []string{"/costs", "/costs", "/teams", "/teams/payments", "/no-such-page", "/teams/no-such-team", "/login"} {
		b.get(path)
	}
	sum := flushed(t, a, 1)
	if len(sum.Features) != 3 {
		t.Fatalf("features = %+v", sum.Features)
	}
	for _, c := range []struct {
		feature string
		events  int64
	}{{"ui.costs", 2}, {"ui.teams", 1}, {"ui.team", 1}} {
		f := feature(sum, c.feature)
		if f == nil {
			t.Errorf("%s was not recorded", c.feature)
			continue
		}
		// One team of the catalog's two, one user.
		if f.Source != usage.SourceUI || f.Events != c.events || f.WeeklyActiveTeams[0] != 1 || f.WeeklyActiveUsers[0] != 1 ||
			f.AdoptedTeams != 1 || f.Adoption != 0.5 {
			t.Errorf("%s = %+v", c.feature, *f)
		}
	}
	// Prometheus sees them written, none dropped.
	wantContains(t, b.get("/metrics"), "paved_usage_self_events_recorded_total 4", `paved_usage_self_events_dropped_total{reason="queue_full"} 0`)
	// The token's id never reaches the database as it is.
	var actor string
	if err := a.DB.R.QueryRow(`SELECT DISTINCT actor FROM usage_events`).Scan(&actor); err != nil {
		t.Fatal(err)
	}
	if !usage.IsHash(actor) {
		t.Errorf("actor stored as %q, want a hash", actor)
	}

	// The Usage page shows what was recorded.
	r := b.get("/usage?weeks=4")
	wantStatus(t, r, 200)
	wantContains(t, r, `<strong aria-current="page">4</strong>`, "<code>ui.costs</code> <span class=\"badge\">ui</span>", "1 of 2 teams", "<strong>50%</strong>",
		`<svg role="img" aria-label="Weekly active teams per feature"`, `<svg role="img" aria-label="Weekly active users per feature"`)
	wantNoInlineStyles(t, r)
}

func TestAnonymousDemoViewsAreRecorded(t *testing.T) {
	a, srv := openApp(t, true)
	b := newBrowser(t, srv)
	wantStatus(t, b.get("/costs"), 200)
	sum := flushed(t, a, 1)
	f := feature(sum, "ui.costs")
	if f == nil || f.Events != 1 || f.Users != 0 || f.Teams != 0 {
		t.Errorf("ui.costs = %+v", f)
	}
}

// TestUsagePage posts events through the API with an ingest token and
// checks the page's figures against hand-computed ones. Times are
// relative to the current week: "last week" is the complete week the
// headline figures are for.
func TestUsagePage(t *testing.T) {
	a, srv := openApp(t, false)
	putTeams(t, a, map[string][]string{"payments": nil, "search": nil, "identity": nil})
	cur := usage.WeekStart(time.Now())
	prev := cur.AddDate(0, 0, -7)
	at := func(t time.Time) string { return t.Format(time.RFC3339) }
	batch := map[string]any{"events": []map[string]any{
		{"id": "1", "feature": "idp.scaffolder", "team": "payments", "actor": "alice", "time": at(prev.Add(26 * time.Hour))},
		{"id": "2", "feature": "idp.scaffolder", "team": "search", "actor": "carol", "time": at(prev.Add(50 * time.Hour))},
		{"id": "3", "feature": "idp.scaffolder", "team": "payments", "actor": "bob", "time": at(cur)},
		{"id": "4", "feature": "idp.docs", "team": "search", "actor": "carol", "time": at(prev.Add(74 * time.Hour))},
		{"id": "5", "feature": "idp.docs", "team": "Ghost", "actor": "gus", "time": at(prev.Add(75 * time.Hour))},
		// Before the twelve weeks shown: given up.
		{"id": "6", "feature": "idp.legacy", "team": "payments", "actor": "alice", "time": at(cur.AddDate(0, 0, -7*15))},
	}}
	body, _ := json.Marshal(batch)
	_, secret, err := a.Auth.Create(context.Background(), "idp", auth.RoleIngest)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/usage", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+secret)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("POST /api/v1/usage = %d", resp.StatusCode)
	}

	b := newBrowser(t, srv)
	b.signIn(a, auth.RoleViewer)
	r := b.get("/usage")
	wantStatus(t, r, 200)
	week := prev.Format("Jan 2")
	// Last week: payments and search (Ghost is not in the catalog but is a
	// team), alice, carol and gus; this week so far: payments, bob.
	wantContains(t, r,
		figureHTML(3, "Active teams, week of "+week, "1 this week so far"),
		figureHTML(3, "Active users, week of "+week, "1 this week so far"),
		figureHTML(2, "Features used", "in 12 weeks; "),
		figureHTML(2, "Teams using the platform", "of 3 in the catalog (67%)"),
	)
	wantContains(t, r, `<td><code>idp.legacy</code></td>
        <td><span class="badge">events</span></td>
        <td><time datetime="`+cur.AddDate(0, 0, -7*15).Format(time.RFC3339)+`">`+cur.AddDate(0, 0, -7*15).Format(time.DateOnly)+`</time></td>`)
	rows := adoptionRows(t, r.Body)
	want := []string{
		"idp.scaffolder|2 of 3 teams|67%|2|2|3|3",
		"idp.docs|1 of 3 teams +1 unknown|33%|2|2|2|2",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("adoption rows:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
}

// figureHTML is a headline figure as the page renders it.
func figureHTML(value int, label, note string) string {
	return fmt.Sprintf(`<span class="figure-value">%d</span>
    <span class="figure-label">%s</span><span class="figure-note">%s`, value, label, note)
}

var (
	adoptionTable = regexp.MustCompile(`(?s)<table class="adoption">.*?</table>`)
	tableRow      = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	cell          = regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`)
	tag           = regexp.MustCompile(`<[^>]+>`)
	spaces        = regexp.MustCompile(`\s+`)
)

// adoptionRows reads the adoption table as feature|adoption|percent|
// teams|users (focus week)|users|events lines.
func adoptionRows(t testing.TB, body string) []string {
	t.Helper()
	table := adoptionTable.FindString(body)
	if table == "" {
		t.Fatal("no adoption table")
	}
	var out []string
	for _, row := range tableRow.FindAllStringSubmatch(table, -1) {
		cells := cell.FindAllStringSubmatch(row[1], -1)
		if len(cells) == 0 {
			continue
		}
		var parts []string
		for i, c := range cells[:6] {
			text := strings.TrimSpace(spaces.ReplaceAllString(tag.ReplaceAllString(c[1], " "), " "))
			if i == 0 {
				text = strings.Fields(text)[0] // the feature, not its source badge
			}
			if i == 1 {
				// "2 of 3 teams 67%": the share, then the percent.
				j := strings.LastIndex(text, " ")
				parts = append(parts, text[:j], text[j+1:])
				continue
			}
			parts = append(parts, text)
		}
		out = append(out, strings.Join(parts, "|"))
	}
	return out
}

func TestUsagePageBadWeeks(t *testing.T) {
	a, srv := openApp(t, false)
	b := newBrowser(t, srv)
	b.signIn(a, auth.RoleViewer)
	r := b.get("/usage?weeks=0")
	wantStatus(t, r, 422)
	wantContains(t, r, "0 is out of range; use 1 to 104.")
	r = b.get("/usage?weeks=lots")
	wantStatus(t, r, 422)
	wantContains(t, r, "is not a whole number")
}

var pageRoute = regexp.MustCompile(`mux\.HandleFunc\("(GET [^"]+)", u\.page\(api\.(?:Read|Write)`)

// TestEveryPageIsAKnownFeature: every page web.go serves records a
// feature the UI declared (source "ui"), so a page nobody opens shows as
// unused. A page missing from uiFeatures records under a name made from
// its path, which the summary attributes to "events": add it there.
func TestEveryPageIsAKnownFeature(t *testing.T) {
	src, err := os.ReadFile("web.go")
	if err != nil {
		t.Fatal(err)
	}
	a, srv := openApp(t, true)
	b := newBrowser(t, srv)
	b.signIn(a, auth.RoleViewer)
	snap := a.Catalog.Current()
	policies, err := a.Policy.Summaries(context.Background())
	if err != nil || len(policies) == 0 {
		t.Fatalf("policies: %v", err)
	}
	values := map[string]string{"/teams/{name}": snap.Teams[0].Name, "/services/{name}": snap.Services[0].Name, "/policies/{id}": policies[0].ID}
	routes := pageRoute.FindAllStringSubmatch(string(src), -1)
	if len(routes) < 10 {
		t.Fatalf("found only %d page routes in web.go", len(routes))
	}
	var skipped []string
	for _, m := range routes {
		path := strings.TrimPrefix(m[1], "GET ")
		path = strings.TrimSuffix(path, "{$}")
		if i := strings.Index(path, "{"); i >= 0 {
			v, ok := values[path]
			if !ok {
				// A page of an entity the demo does not have.
				skipped = append(skipped, m[1])
				continue
			}
			path = path[:i] + v
		}
		if r := b.get(path); r.StatusCode != 200 {
			t.Errorf("GET %s = %d", path, r.StatusCode)
		}
	}
	sum := flushed(t, a, 1)
	for _, f := range sum.Features {
		if f.Source != usage.SourceUI {
			t.Errorf("%s was recorded but is not a declared UI feature; add its route to uiFeatures in pages_usage.go", f.Feature)
		}
	}
	for _, f := range sum.Unused {
		if f.Source != usage.SourceUI {
			continue
		}
		if len(skipped) == 0 {
			t.Errorf("%s is declared but no page in web.go records it", f.Feature)
		} else {
			t.Logf("%s was not recorded; pages not opened: %s", f.Feature, strings.Join(skipped, ", "))
		}
	}
}
