package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/app"
	"github.com/paved-dev/paved/internal/auth"
	"github.com/paved-dev/paved/internal/demo"
	"github.com/paved-dev/paved/internal/survey"
)

// surveyClock is the settable clock the surveys of a test app run on.
type surveyClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *surveyClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *surveyClock) set(day string) {
	d, _ := time.Parse(time.DateOnly, day)
	c.mu.Lock()
	c.t = d.Add(12 * time.Hour)
	c.mu.Unlock()
}

// openSurveyApp starts paved with the demo catalog and the surveys'
// clock on day.
func openSurveyApp(t *testing.T, day string) (*app.App, *httptest.Server, *surveyClock) {
	t.Helper()
	a, srv := openApp(t, false)
	if _, err := demo.Load(context.Background(), a.Catalog); err != nil {
		t.Fatal(err)
	}
	c := &surveyClock{}
	c.set(day)
	a.Survey.SetClock(c.now)
	return a, srv, c
}

var answerLink = regexp.MustCompile(`https://paved\.example\.com/answer/(pvs_[A-Za-z0-9_-]+)`)

// answerForm is a complete answer to an eNPS survey with a free-text
// question.
func answerForm(enps, comment string) url.Values {
	return url.Values{"enps": {enps}, "comments": {comment}}
}

func TestSurveyPages(t *testing.T) {
	a, srv, clk := openSurveyApp(t, "2026-03-02")
	ctx := context.Background()
	editor := newBrowser(t, srv)
	editor.signIn(a, auth.RoleEditor)

	r := editor.get("/surveys")
	wantStatus(t, r, 200)
	wantNoInlineStyles(t, r)
	wantContains(t, r, "<h1>Surveys</h1>", `<a href="/surveys" aria-current="page">Surveys</a>`, "No survey is open or scheduled",
		"Create a survey", `action="/surveys"`, "at least 5 of its people answered")

	form := url.Values{"id": {"enps-2026-q1"}, "title": {"Platform eNPS, Q1 2026"}, "kind": {"enps"}, "opens": {"2026-03-02"},
		"closes": {"2026-02-27"}, "question": {"What should the platform do better?"}}
	wantStatus(t, editor.post("/surveys", form), http.StatusForbidden)
	form.Set("csrf", editor.csrf())
	bad := editor.post("/surveys", form)
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	wantContains(t, bad, `class="form-error"`, "Closes: 2026-02-27 is before opens (2026-03-02)", `name="closes" type="date" value="2026-02-27" required aria-invalid="true"`,
		`value="Platform eNPS, Q1 2026"`)
	form.Set("closes", "2026-03-13")
	created := editor.post("/surveys", form)
	wantStatus(t, created, http.StatusSeeOther)
	if loc := created.Header.Get("Location"); loc != "/surveys/enps-2026-q1" {
		t.Fatalf("create redirects to %q", loc)
	}
	page := editor.get("/surveys/enps-2026-q1")
	wantStatus(t, page, 200)
	wantNoInlineStyles(t, page)
	wantContains(t, page, "Survey enps-2026-q1 created", "Invite a team", "Results are published when the survey closes on 2026-03-13", "No invites yet.")

	// Invite links from the page, shown once.
	inv := editor.post("/surveys/enps-2026-q1/invites", url.Values{"csrf": {form.Get("csrf")}, "team": {"payments"}, "count": {"6"}, "base_url": {"https://paved.example.com"}})
	wantStatus(t, inv, 200)
	var pay []string
	for _, m := range answerLink.FindAllStringSubmatch(inv.Body, -1) {
		pay = append(pay, m[1])
	}
	if len(pay) != 6 {
		t.Fatalf("%d links on the page, want 6", len(pay))
	}
	wantContains(t, inv, "6 links for payments")
	if again := editor.get("/surveys/enps-2026-q1"); answerLink.MatchString(again.Body) {
		t.Error("the links are shown again")
	}
	badInv := editor.post("/surveys/enps-2026-q1/invites", url.Values{"csrf": {form.Get("csrf")}, "team": {"payments"}, "count": {"0"}})
	wantStatus(t, badInv, http.StatusUnprocessableEntity)
	wantContains(t, badInv, "Count: 0 is out of range")
	search, err := a.Survey.Invite(ctx, "enps-2026-q1", "search", 5)
	if err != nil {
		t.Fatal(err)
	}
	ident, err := a.Survey.Invite(ctx, "enps-2026-q1", "identity", 2)
	if err != nil {
		t.Fatal(err)
	}

	// Respondents need no sign-in.
	anon := newBrowser(t, srv)
	r = anon.get("/answer/" + pay[0])
	wantStatus(t, r, 200)
	wantNoInlineStyles(t, r)
	wantContains(t, r, "Platform eNPS, Q1 2026", "Your answer is anonymous", "at least 5 people from your team", `action="/answer/`+pay[0]+`"`,
		`name="enps" value="10" required`, "What should the platform do better?")
	r = anon.post("/answer/"+pay[0], answerForm("11", "Faster builds"))
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantContains(t, r, "One question needs another look", `&#34;11&#34; is not an answer`, ">Faster builds</textarea>")
	r = anon.post("/answer/"+pay[0], answerForm("10", "Faster builds"))
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/answer/thanks" {
		t.Fatalf("answer redirects to %q", loc)
	}
	wantContains(t, anon.get("/answer/thanks"), "Thank you", "team&#39;s name and today&#39;s date only")
	used := anon.get("/answer/" + pay[0])
	wantStatus(t, used, http.StatusGone)
	wantContains(t, used, "Already answered", "each link takes one answer")
	wantStatus(t, anon.post("/answer/"+pay[0], answerForm("0", "")), http.StatusGone)
	unknown := anon.get("/answer/pvs_not-a-real-token")
	wantStatus(t, unknown, http.StatusNotFound)
	wantContains(t, unknown, "This link is not valid")

	for i, s := range []int{10, 9, 8, 3, 6} {
		comment := ""
		if i == 0 {
			comment = "More golden paths"
		}
		wantStatus(t, anon.post("/answer/"+pay[i+1], answerForm(strconv.Itoa(s), comment)), http.StatusSeeOther)
	}
	for i, s := range []int{9, 9, 9, 10, 10} {
		wantStatus(t, anon.post("/answer/"+search[i], answerForm(strconv.Itoa(s), "")), http.StatusSeeOther)
	}
	wantStatus(t, anon.post("/answer/"+ident[0], answerForm("0", "")), http.StatusSeeOther)

	clk.set("2026-03-14")
	closed := anon.get("/answer/" + ident[1])
	wantStatus(t, closed, http.StatusGone)
	wantContains(t, closed, "This survey has closed", "closed on 2026-03-13")

	// Published with k = 5: identity (1 answer) would be "other" on its
	// own, so search (5), the smallest team shown, folds in with it.
	// Everyone: 8 promoters, 1 passive, 3 detractors of 12 = +41.7.
	// Payments: 10 10 9 / 8 / 3 6 = (3-2)/6 = +16.7. Other: (5-1)/6 = +66.7.
	viewer := newBrowser(t, srv)
	viewer.signIn(a, auth.RoleViewer)
	res := viewer.get("/surveys/enps-2026-q1")
	wantStatus(t, res, 200)
	wantNoInlineStyles(t, res)
	// html/template writes + as &#43;.
	wantContains(t, res, "&#43;41.7", "&#43;16.7", "&#43;66.7", "Other teams", "Identity &amp; Access, Search &amp; Discovery", "More golden paths", "Faster builds",
		`<svg role="img" aria-label="Detractors, passives and promoters by group"`)
	// Search alone would be +100 and identity alone -100.
	for _, leak := range []string{"&#43;100", "-100"} {
		if strings.Contains(section(t, res.Body, "results"), leak) {
			t.Errorf("the results show %s: a folded team's score", leak)
		}
	}
	if strings.Contains(res.Body, "Download the anonymised answers") {
		t.Error("a viewer is offered the export")
	}
	wantStatus(t, viewer.get("/surveys/enps-2026-q1/export.csv"), http.StatusForbidden)

	list := viewer.get("/surveys")
	wantStatus(t, list, 200)
	wantContains(t, list, `<svg role="img" aria-label="eNPS by survey"`, "<strong>&#43;41.7</strong>", "2026 Q1", "eNPS, 2026 Q1")

	admin := newBrowser(t, srv)
	admin.signIn(a, auth.RoleAdmin)
	wantContains(t, admin.get("/surveys/enps-2026-q1"), "Download the anonymised answers")
	csv := admin.get("/surveys/enps-2026-q1/export.csv")
	wantStatus(t, csv, 200)
	if ct := csv.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("export Content-Type %q", ct)
	}
	lines := strings.Split(strings.TrimSpace(csv.Body), "\n")
	groups := map[string]int{}
	for _, l := range lines[1:] {
		groups[strings.SplitN(l, ",", 2)[0]]++
	}
	if lines[0] != "group,enps,comments" || groups["payments"] != 6 || groups["other"] != 6 || len(groups) != 2 {
		t.Errorf("export:\n%s", csv.Body)
	}
}

func TestSurveyAnswerBeforeOpening(t *testing.T) {
	a, srv, _ := openSurveyApp(t, "2026-03-02")
	ctx := context.Background()
	if _, err := a.Survey.Create(ctx, survey.CreateRequest{ID: "pulse-apr", Title: "April pulse", Kind: "pulse", Opens: "2026-04-06", Closes: "2026-04-17"}); err != nil {
		t.Fatal(err)
	}
	tokens, err := a.Survey.Invite(ctx, "pulse-apr", "payments", 1)
	if err != nil {
		t.Fatal(err)
	}
	r := newBrowser(t, srv).get("/answer/" + tokens[0])
	wantStatus(t, r, http.StatusForbidden)
	wantContains(t, r, "Not open yet", "it opens on 2026-04-06")
}

// TestAnswerConcurrentPosts sends one link's answer many times at once,
// over real sockets: exactly one is stored, the rest are told the link
// was used.
func TestAnswerConcurrentPosts(t *testing.T) {
	a, srv, _ := openSurveyApp(t, "2026-03-02")
	ctx := context.Background()
	if _, err := a.Survey.Create(ctx, survey.CreateRequest{ID: "q", Title: "Q", Kind: "enps", Opens: "2026-03-02", Closes: "2026-03-13"}); err != nil {
		t.Fatal(err)
	}
	tokens, err := a.Survey.Invite(ctx, "q", "payments", 1)
	if err != nil {
		t.Fatal(err)
	}
	const racers = 12
	codes := make(chan int, racers)
	var start sync.WaitGroup
	start.Add(1)
	for i := 0; i < racers; i++ {
		go func(i int) {
			b := newBrowser(t, srv)
			start.Wait()
			req, _ := http.NewRequest("POST", srv.URL+"/answer/"+tokens[0], strings.NewReader(url.Values{"enps": {strconv.Itoa(i % 11)}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := b.c.Do(req)
			if err != nil {
				codes <- 0
				return
			}
			resp.Body.Close()
			codes <- resp.StatusCode
		}(i)
	}
	start.Done()
	count := map[int]int{}
	for i := 0; i < racers; i++ {
		count[<-codes]++
	}
	if count[http.StatusSeeOther] != 1 || count[http.StatusGone] != racers-1 {
		t.Fatalf("statuses %v: want one 303 and %d 410", count, racers-1)
	}
	var stored int
	if err := a.DB.R.QueryRow(`SELECT COUNT(*) FROM survey_responses`).Scan(&stored); err != nil || stored != 1 {
		t.Fatalf("%d answers stored (%v), want 1", stored, err)
	}
}
