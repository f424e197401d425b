package survey_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/catalog/catalogtest"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
	"github.com/paved-dev/paved/internal/survey"
)

// clock is a settable clock shared by a test and its service.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// set moves the clock to noon UTC of day.
func (c *clock) set(t testing.TB, day string) {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	c.t = d.Add(12 * time.Hour)
	c.mu.Unlock()
}

func loadConfig(t testing.TB, src string) config.Config {
	t.Helper()
	path := filepath.Join(t.TempDir(), "paved.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func openCatalog(t testing.TB, db *store.DB, cfg config.Config) *catalog.Catalog {
	t.Helper()
	data, err := os.ReadFile("testdata/catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return catalogtest.Open(t, db, cfg, data)
}

// newService returns the service on db for cfg, synced, with its clock at day.
func newService(t testing.TB, db *store.DB, cat *catalog.Catalog, cfg config.Config, day string) (*survey.Service, *clock) {
	t.Helper()
	svc := survey.NewService(cfg, cat, db)
	c := &clock{}
	c.set(t, day)
	svc.SetClock(c.now)
	if err := svc.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	return svc, c
}

// wantAPIError checks err is an *api.Error with status and a message or
// field containing want.
func wantAPIError(t testing.TB, what string, err error, status int, want string) {
	t.Helper()
	var e *api.Error
	if !errors.As(err, &e) || e.Status != status || !strings.Contains(e.Field+": "+e.Message, want) {
		t.Fatalf("%s: error = %v, want %d containing %q", what, err, status, want)
	}
}

func scores(enps int) survey.Answers {
	return survey.Answers{Scores: map[string]int{"enps": enps}}
}

const lifecycleConfig = `
surveys:
  min_responses: 3
  definitions:
    - {id: enps-2025-q4, title: "eNPS Q4 2025", kind: enps, opens: 2025-12-01, closes: 2025-12-12}
`

func TestSurveyLifecycle(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cfg := loadConfig(t, lifecycleConfig)
		cat := openCatalog(t, db, cfg)
		svc, clk := newService(t, db, cat, cfg, "2025-11-20")

		list, err := svc.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].ID != "enps-2025-q4" || list[0].Source != survey.SourceConfig || list[0].Status != survey.StatusScheduled ||
			!reflect.DeepEqual(list[0].Questions, []survey.Question{survey.ENPSQuestion}) {
			t.Fatalf("surveys after sync = %+v", list)
		}
		// A changed title is synced; the survey has no answers yet.
		retitled := loadConfig(t, strings.Replace(lifecycleConfig, "eNPS Q4 2025", "Platform eNPS, Q4 2025", 1))
		svc2, _ := newService(t, db, cat, retitled, "2025-11-20")
		if sv, err := svc2.Get(ctx, "enps-2025-q4"); err != nil || sv.Title != "Platform eNPS, Q4 2025" {
			t.Fatalf("after re-sync: %+v, %v", sv, err)
		}

		// Surveys created through the API.
		pulse := survey.CreateRequest{ID: "pulse-2026-01", Title: "January pulse", Kind: config.SurveyENPSPulse, Opens: "2026-01-05", Closes: "2026-01-16",
			Teams: []string{"payments", "search"}, Questions: []config.SurveyQuestion{{ID: "better", Text: " What should we do better? ", Type: config.QuestionText}}}
		sv, err := svc.Create(ctx, pulse)
		if err != nil {
			t.Fatal(err)
		}
		if sv.Source != survey.SourceAPI || len(sv.Questions) != 7 || sv.Questions[6].Text != "What should we do better?" {
			t.Fatalf("created %+v", sv)
		}
		_, err = svc.Create(ctx, pulse)
		wantAPIError(t, "duplicate", err, http.StatusConflict, `a survey with id "pulse-2026-01" exists already`)
		bad := pulse
		bad.ID, bad.Teams = "ghosts", []string{"ghosts"}
		_, err = svc.Create(ctx, bad)
		wantAPIError(t, "unknown team", err, http.StatusUnprocessableEntity, `teams[0]: team "ghosts" does not exist`)
		bad.Teams, bad.Closes, bad.Opens = nil, "2025-11-01", "2025-10-01"
		_, err = svc.Create(ctx, bad)
		wantAPIError(t, "closed already", err, http.StatusUnprocessableEntity, "closes: 2025-11-01 is in the past")
		bad.Kind, bad.Title = "nps", ""
		_, err = svc.Create(ctx, bad)
		wantAPIError(t, "bad kind", err, http.StatusUnprocessableEntity, "title: is required")

		// Invites: per team of the audience.
		invite := func(id, team string, n int) []string {
			t.Helper()
			tokens, err := svc.Invite(ctx, id, team, n)
			if err != nil {
				t.Fatal(err)
			}
			if len(tokens) != n || !strings.HasPrefix(tokens[0], survey.TokenPrefix) {
				t.Fatalf("tokens = %v", tokens)
			}
			return tokens
		}
		pay, search, ident := invite("enps-2025-q4", "payments", 4), invite("enps-2025-q4", "search", 3), invite("enps-2025-q4", "identity", 2)
		_, err = svc.Invite(ctx, "pulse-2026-01", "identity", 1)
		wantAPIError(t, "not in audience", err, http.StatusUnprocessableEntity, `team "identity" is not in the audience of survey pulse-2026-01; its audience is payments, search`)
		_, err = svc.Invite(ctx, "enps-2025-q4", "ghosts", 1)
		wantAPIError(t, "unknown team", err, http.StatusNotFound, `team "ghosts" does not exist`)
		_, err = svc.Invite(ctx, "enps-2025-q4", "payments", 0)
		wantAPIError(t, "no invites", err, http.StatusUnprocessableEntity, "count: 0 is out of range")
		_, err = svc.Invite(ctx, "nope", "payments", 1)
		wantAPIError(t, "unknown survey", err, http.StatusNotFound, `survey "nope" does not exist`)
		var hashes int
		if err := db.R.QueryRow(`SELECT COUNT(*) FROM survey_invites WHERE token_hash = $1`, pay[0]).Scan(&hashes); err != nil || hashes != 0 {
			t.Fatalf("a token is stored in clear (%d rows, %v)", hashes, err)
		}

		// Before it opens.
		_, err = svc.Open(ctx, pay[0])
		wantAPIError(t, "not open", err, http.StatusForbidden, "is not open yet; it opens on 2025-12-01")

		clk.set(t, "2025-12-05")
		inv, err := svc.Open(ctx, pay[0])
		if err != nil || inv.Team != "payments" || inv.Survey.ID != "enps-2025-q4" {
			t.Fatalf("Open = %+v, %v", inv, err)
		}
		err = svc.Submit(ctx, pay[0], survey.Answers{Scores: map[string]int{"enps": 11}})
		var bad11 *survey.InvalidAnswers
		if !errors.As(err, &bad11) || !strings.Contains(bad11.Problems["enps"], "11 is out of range") {
			t.Fatalf("out of range answer: %v", err)
		}
		for i, s := range []int{10, 9, 7, 3} {
			if err := svc.Submit(ctx, pay[i], scores(s)); err != nil {
				t.Fatal(err)
			}
		}
		for i, s := range []int{9, 9, 10} {
			if err := svc.Submit(ctx, search[i], scores(s)); err != nil {
				t.Fatal(err)
			}
		}
		if err := svc.Submit(ctx, ident[0], scores(0)); err != nil {
			t.Fatal(err)
		}
		wantAPIError(t, "used", svc.Submit(ctx, pay[0], scores(0)), http.StatusGone, "already been used")
		_, err = svc.Open(ctx, pay[1])
		wantAPIError(t, "used", err, http.StatusGone, "already been used")
		wantAPIError(t, "unknown", svc.Submit(ctx, survey.TokenPrefix+"nope", scores(0)), http.StatusNotFound, "not valid")
		wantAPIError(t, "not a token", svc.Submit(ctx, "../../etc", scores(0)), http.StatusNotFound, "not valid")

		// Answers are stored with their team and day only.
		rows, err := db.R.Query(`SELECT * FROM survey_responses`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		rows.Close()
		if !reflect.DeepEqual(cols, []string{"id", "survey_id", "team", "day", "answers"}) {
			t.Errorf("survey_responses columns = %v: nothing may lead back to an invite", cols)
		}
		var days, used string
		db.R.QueryRow(`SELECT MIN(day) || ' ' || MAX(day) FROM survey_responses`).Scan(&days)
		db.R.QueryRow(`SELECT MIN(used_on) || ' ' || MAX(used_on) FROM survey_invites WHERE used_on <> ''`).Scan(&used)
		if days != "2025-12-05 2025-12-05" || used != days {
			t.Errorf("answer days %q, invite use days %q: want the day and no finer", days, used)
		}

		// While open: participation only.
		res, err := svc.Results(ctx, "enps-2025-q4")
		if err != nil {
			t.Fatal(err)
		}
		wantParts := []survey.TeamParticipation{
			{Team: "identity", Invited: 2, Responses: 1, ResponseRate: 0.5},
			{Team: "payments", Invited: 4, Responses: 4, ResponseRate: 1},
			{Team: "search", Invited: 3, Responses: 3, ResponseRate: 1},
		}
		if res.Published || res.Overall != nil || res.Responses != 8 || res.Invited != 9 || !reflect.DeepEqual(res.Participation, wantParts) {
			t.Fatalf("open results = %+v", res)
		}

		// Closed: published with k = 3. identity (1 answer) alone would be
		// "other"; search (3), the smallest team shown, folds in with it.
		clk.set(t, "2025-12-13")
		wantAPIError(t, "closed", svc.Submit(ctx, ident[1], scores(5)), http.StatusGone, "closed on 2025-12-12")
		_, err = svc.Invite(ctx, "enps-2025-q4", "payments", 1)
		wantAPIError(t, "invite to closed", err, http.StatusConflict, "closed on 2025-12-12")
		res, err = svc.Results(ctx, "enps-2025-q4")
		if err != nil {
			t.Fatal(err)
		}
		if !res.Published || res.Responses != 8 || len(res.Groups) != 2 {
			t.Fatalf("closed results = %+v", res)
		}
		// Overall: 10 9 9 9 10 promote, 7 passive, 3 0 detract: (5-2)/8 = 37.5.
		// payments: 10 9 / 7 / 3 = 25. other (search + identity): 9 9 10 / 0 = 50.
		got := map[string]float64{survey.AllGroup: res.Overall.ENPS.Score}
		for _, g := range res.Groups {
			got[g.Name] = g.ENPS.Score
		}
		if want := map[string]float64{survey.AllGroup: 37.5, "payments": 25, survey.OtherGroup: 50}; !reflect.DeepEqual(got, want) {
			t.Errorf("eNPS = %v, want %v", got, want)
		}
		if other := res.Groups[1]; !reflect.DeepEqual(other.Teams, []string{"identity", "search"}) || other.Responses != 4 {
			t.Errorf("other = %+v", other)
		}

		// A second eNPS, all teams; the pulse closes unanswered.
		q1 := survey.CreateRequest{ID: "enps-2026-q1", Title: "eNPS Q1 2026", Kind: config.SurveyENPS, Opens: "2026-03-02", Closes: "2026-03-31"}
		if _, err := svc.Create(ctx, q1); err != nil {
			t.Fatal(err)
		}
		q1pay := invite("enps-2026-q1", "payments", 3)
		clk.set(t, "2026-03-10")
		for _, tok := range q1pay {
			if err := svc.Submit(ctx, tok, scores(10)); err != nil {
				t.Fatal(err)
			}
		}
		clk.set(t, "2026-04-01")
		tr, err := svc.Trend(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(tr.Points) != 3 {
			t.Fatalf("trend = %+v", tr)
		}
		p0, p1, p2 := tr.Points[0], tr.Points[1], tr.Points[2]
		if p0.Survey != "enps-2025-q4" || p0.Period != "2025 Q4" || *p0.ENPS != 37.5 || !reflect.DeepEqual(p0.Teams, map[string]float64{"payments": 25}) {
			t.Errorf("trend point 0 = %+v", p0)
		}
		if p1.Survey != "pulse-2026-01" || p1.ENPS != nil || p1.Responses != 0 || len(p1.Teams) != 0 {
			t.Errorf("trend point 1 = %+v", p1)
		}
		if p2.Survey != "enps-2026-q1" || p2.Period != "2026 Q1" || *p2.ENPS != 100 || !reflect.DeepEqual(p2.Teams, map[string]float64{"payments": 100}) {
			t.Errorf("trend point 2 = %+v", p2)
		}

		ts, err := svc.TeamSummary(ctx, "payments")
		if err != nil {
			t.Fatal(err)
		}
		if len(ts.Points) != 3 || ts.Latest == nil || ts.Latest.Survey != "enps-2026-q1" || *ts.Latest.ENPS != 100 || ts.Latest.Responses != 3 ||
			ts.Change == nil || *ts.Change != 75 || ts.Points[1].Shown {
			t.Errorf("payments summary = %+v", ts)
		}
		// search was folded into other in Q4 and not asked in Q1: its
		// score is never shown, not even through the team summary.
		ts, err = svc.TeamSummary(ctx, "search")
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ts.Points {
			if p.Shown || p.ENPS != nil || p.Responses != 0 {
				t.Errorf("search point %+v reveals a folded score", p)
			}
		}
		if ts.Latest != nil || len(ts.Points) != 3 {
			t.Errorf("search summary = %+v", ts)
		}
		ts, _ = svc.TeamSummary(ctx, "identity")
		if len(ts.Points) != 2 { // not in the pulse's audience
			t.Errorf("identity points = %+v", ts.Points)
		}

		// The export labels search's and identity's rows "other".
		var csv strings.Builder
		if err := svc.Export(ctx, "enps-2025-q4", &csv); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(csv.String()), "\n")
		groups := map[string]int{}
		for _, l := range lines[1:] {
			groups[strings.Split(l, ",")[0]]++
		}
		if lines[0] != "group,enps" || !reflect.DeepEqual(groups, map[string]int{"payments": 4, "other": 4}) {
			t.Errorf("export:\n%s", csv.String())
		}
		wantAPIError(t, "export unpublished", svc.Export(ctx, "pulse-2026-01", &csv), http.StatusConflict, "0 people answered")

		// Questions of a survey with answers cannot change under it.
		changed := loadConfig(t, strings.Replace(lifecycleConfig, "kind: enps", "kind: enps+pulse", 1))
		err = survey.NewService(changed, cat, db).Sync(ctx)
		if err == nil || !strings.Contains(err.Error(), "surveys.definitions[0] (enps-2025-q4): its kind or questions changed, but it already has 8 answers") {
			t.Errorf("sync of changed questions: %v", err)
		}
	})
}

// TestOneAnswerPerInvite races submissions with one invite: exactly one
// is stored, the rest are told the link was used.
func TestOneAnswerPerInvite(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cfg := loadConfig(t, lifecycleConfig)
		svc, clk := newService(t, db, openCatalog(t, db, cfg), cfg, "2025-12-05")
		tokens, err := svc.Invite(ctx, "enps-2025-q4", "payments", 1)
		if err != nil {
			t.Fatal(err)
		}
		const racers = 16
		errs := make(chan error, racers)
		var start sync.WaitGroup
		start.Add(1)
		for i := 0; i < racers; i++ {
			go func(i int) {
				start.Wait()
				errs <- svc.Submit(ctx, tokens[0], scores(i%11))
			}(i)
		}
		start.Done()
		won := 0
		for i := 0; i < racers; i++ {
			err := <-errs
			var e *api.Error
			switch {
			case err == nil:
				won++
			case errors.As(err, &e) && e.Code == survey.CodeUsedInvite && e.Status == http.StatusGone:
			default:
				t.Errorf("submission failed: %v", err)
			}
		}
		var stored int
		if err := db.R.QueryRow(`SELECT COUNT(*) FROM survey_responses`).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if won != 1 || stored != 1 {
			t.Fatalf("%d submissions won and %d answers stored; want exactly 1", won, stored)
		}
		clk.set(t, "2025-12-13")
		res, err := svc.Results(ctx, "enps-2025-q4")
		if err != nil || res.Responses != 1 || res.Participation[0].Responses != 1 {
			t.Fatalf("results = %+v, %v", res, err)
		}
	})
}

// BenchmarkTeamSummary measures what a team page asks for: the eNPS of
// eight closed quarterly surveys of 2000 answers each, from SQLite.
func BenchmarkTeamSummary(b *testing.B) {
	ctx := context.Background()
	db := storetest.SQLite(b)
	cfg := loadConfig(b, "surveys: {min_responses: 5}\n")
	cat := openCatalog(b, db, cfg)
	svc, clk := newService(b, db, cat, cfg, "2024-01-01")
	teams := []string{"payments", "search", "identity", "data"}
	for q := 0; q < 8; q++ {
		opens := time.Date(2024, time.Month(1+3*(q%4)), 1, 0, 0, 0, 0, time.UTC).AddDate(q/4, 0, 0)
		id := fmt.Sprintf("enps-%d", q)
		clk.set(b, opens.Format(time.DateOnly))
		if _, err := svc.Create(ctx, survey.CreateRequest{ID: id, Title: id, Kind: config.SurveyENPS,
			Opens: opens.Format(time.DateOnly), Closes: opens.AddDate(0, 0, 13).Format(time.DateOnly)}); err != nil {
			b.Fatal(err)
		}
		for i, team := range teams {
			tokens, err := svc.Invite(ctx, id, team, 500)
			if err != nil {
				b.Fatal(err)
			}
			for j, tok := range tokens {
				if err := svc.Submit(ctx, tok, scores((i+j+q)%11)); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	clk.set(b, "2026-06-01")
	b.ReportAllocs()
	for b.Loop() {
		ts, err := svc.TeamSummary(ctx, "payments")
		if err != nil || len(ts.Points) != 8 || ts.Latest == nil {
			b.Fatalf("summary = %+v, %v", ts, err)
		}
	}
}
