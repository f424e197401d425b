package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/app"
	"github.com/paved-dev/paved/internal/auth"
	"github.com/paved-dev/paved/internal/survey"
)

// TestTeamDeliveryPanel renders the team page's DORA panel over the
// default window (the last 90 days) of the history of seedDelivery.
func TestTeamDeliveryPanel(t *testing.T) {
	a, srv, _ := openSurveyApp(t, "2026-03-02")
	seedDelivery(t, a)
	b := newBrowser(t, srv)
	b.signIn(a, auth.RoleViewer)

	r := b.get("/teams/payments")
	wantStatus(t, r, 200)
	wantNoInlineStyles(t, r)
	panel := section(t, r.Body, "delivery")
	if panel == "" {
		t.Fatal("the team page has no DORA panel")
	}
	// Over 90 days the 6 successful deployments are 6/90 × 7 = 0.47 a
	// week, the median full week has none, and 2 per 30 days is monthly
	// or better: medium. Everything else lies inside the window whole,
	// so the other tiles read as on the Delivery page.
	tiles := []tileWant{{"frequency", "0.5", "per week", "medium", []string{"6 successful production deployments", "the median full week had 0"}}}
	for _, tw := range append(tiles, historyTiles[1:]...) {
		tw.check(t, panel)
	}
	for _, s := range []string{`href="/delivery?team=payments"`, "(90 days)", "Bands: DORA 2024", `aria-label="Weekly median change lead time of Payments`} {
		if !strings.Contains(panel, s) {
			t.Errorf("the panel lacks %s", s)
		}
	}
	if i, j := strings.Index(r.Body, `id="delivery"`), strings.Index(r.Body, `id="enps"`); i < 0 || j < i {
		t.Error("the DORA panel is not followed by the eNPS panel")
	}

	quiet := b.get("/teams/growth")
	wantStatus(t, quiet, 200)
	hint := section(t, quiet.Body, "delivery")
	if !strings.Contains(hint, "Nothing deployed to production in the last 90 days") || strings.Contains(hint, "<svg") {
		t.Errorf("a team without deliveries gets:\n%s", hint)
	}
}

// answerSurvey runs an eNPS survey for the teams of scores, each answer
// one of its scores, and closes it.
func answerSurvey(t *testing.T, a *app.App, clk *surveyClock, id, title, opens, closes string, scores map[string][]int) {
	t.Helper()
	ctx := context.Background()
	var teams []string
	for team := range scores {
		teams = append(teams, team)
	}
	clk.set(opens)
	if _, err := a.Survey.Create(ctx, survey.CreateRequest{ID: id, Title: title, Kind: "enps", Opens: opens, Closes: closes, Teams: teams}); err != nil {
		t.Fatal(err)
	}
	for team, list := range scores {
		if len(list) == 0 {
			continue
		}
		tokens, err := a.Survey.Invite(ctx, id, team, len(list))
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range list {
			if err := a.Survey.Submit(ctx, tokens[i], survey.Answers{Scores: map[string]int{"enps": s}}); err != nil {
				t.Fatalf("answering %s for %s: %v", id, team, err)
			}
		}
	}
}

// TestTeamENPSPanel checks the eNPS panel against three closed surveys
// worked out by hand, with the anonymity threshold at its default of 5.
func TestTeamENPSPanel(t *testing.T) {
	a, srv, clk := openSurveyApp(t, "2026-01-05")
	// Payments: 10 10 9 / 8 / 3 6 = (3 - 2) / 6 = +16.7.
	answerSurvey(t, a, clk, "enps-q1", "Platform eNPS Q1", "2026-01-05", "2026-01-16",
		map[string][]int{"payments": {10, 10, 9, 8, 3, 6}, "search": {9, 9, 9, 10, 10}})
	// Payments: 10 10 10 9 / 0 = (4 - 1) / 5 = +60: up 60 - 16.7 = 43.3.
	answerSurvey(t, a, clk, "enps-q2", "Platform eNPS Q2", "2026-04-06", "2026-04-17",
		map[string][]int{"payments": {10, 10, 10, 9, 0}, "search": {9, 9, 9, 10, 10}})
	// Payments answers twice: fewer than 5, shown with the others;
	// identity is asked and never answers.
	answerSurvey(t, a, clk, "enps-q3", "Platform eNPS Q3", "2026-07-06", "2026-07-17",
		map[string][]int{"payments": {10, 2}, "search": {9, 9, 9, 10, 10, 8}, "identity": nil})
	clk.set("2026-08-03")
	b := newBrowser(t, srv)
	b.signIn(a, auth.RoleViewer)

	r := b.get("/teams/payments")
	wantStatus(t, r, 200)
	wantNoInlineStyles(t, r)
	panel := section(t, r.Body, "enps")
	for _, s := range []string{
		`<span class="figure-value">&#43;60</span>`,
		`<span class="figure-label">eNPS, Platform eNPS Q2 (2026 Q2)</span>`,
		"from 5 answers",
		`<span class="figure-value enps-up">up 43.3 points</span>`,
		"Platform eNPS Q3 (2026 Q3): fewer than 5 answers from this team, so they are shown with other teams; the score above is from Platform eNPS Q2.",
		`<svg role="img" aria-label="eNPS of Payments by survey"`,
		`<td class="num">&#43;16.7</td>`,
		`<td class="num"><span class="muted">shown with other teams</span></td>`,
	} {
		if !strings.Contains(panel, s) {
			t.Errorf("the eNPS panel lacks %s:\n%s", s, panel)
		}
	}
	// Q3's folded answers must not show up as a score of payments: 10 and
	// 2 alone would be 0.
	if rows := strings.Count(panel, `<td class="num">&#43;`); rows != 2 {
		t.Errorf("%d surveys show a score for payments, want 2 (Q1 and Q2)", rows)
	}

	never := section(t, b.get("/teams/identity").Body, "enps")
	if want := fmt.Sprintf("Every survey so far had fewer than %d answers from this team", 5); !strings.Contains(never, want) || strings.Contains(never, "figure-value") {
		t.Errorf("a team never shown on its own gets:\n%s", never)
	}
	unasked := section(t, b.get("/teams/growth").Body, "enps")
	if !strings.Contains(unasked, "No closed eNPS survey has asked this team yet") || strings.Contains(unasked, "<svg") {
		t.Errorf("a team never asked gets:\n%s", unasked)
	}
}
