package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/survey"
)

// TestBrowserAnswersASurvey answers a survey through its invite link the
// way a person does: the form must hold a required choice per scale
// question (a browser will not send it half filled), say the answer is
// anonymous, send once, and refuse the same link afterwards.
func TestBrowserAnswersASurvey(t *testing.T) {
	bctx, checkConsole := chromiumSession(t)
	a, srv, _ := openSurveyApp(t, "2026-03-02")
	ctx := context.Background()
	_, err := a.Survey.Create(ctx, survey.CreateRequest{ID: "pulse-mar", Title: "March pulse", Kind: config.SurveyENPSPulse,
		Opens: "2026-03-02", Closes: "2026-03-13",
		Questions: []config.SurveyQuestion{{ID: "wish", Text: "One thing the platform should do next", Type: config.QuestionText}}})
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := a.Survey.Invite(ctx, "pulse-mar", "payments", 1)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	link := srv.URL + "/answer/" + tokens[0]
	must(chromedp.Do(bctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`form.answer-form`))))
	notice, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(`.anonymity`)))
	must(err)
	if !strings.Contains(notice, "Your answer is anonymous") {
		t.Errorf("the form does not say the answer is anonymous: %q", notice)
	}
	scales, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('fieldset.question')].map(f => f.id)`))
	must(err)
	if len(scales) < 2 || scales[0] != "q-enps" {
		t.Fatalf("scale questions = %v, want the eNPS question first and the SPACE items", scales)
	}

	// Sending with nothing chosen is stopped by the browser: the page
	// stays, nothing is stored.
	must(chromedp.Do(bctx, chromedp.Click(chromedp.CSS(`form.answer-form button[type="submit"]`))))
	if loc, _ := chromedp.Run(bctx, chromedp.Location()); loc != link {
		t.Fatalf("an empty form was sent: now on %s", loc)
	}

	// Choose 9 on eNPS and 4 on every SPACE item, write the wish, send.
	for _, id := range scales {
		value := "4"
		if id == "q-enps" {
			value = "9"
		}
		must(chromedp.Do(bctx, chromedp.Click(chromedp.CSS(`#`+id+` input[value="`+value+`"]`))))
	}
	must(chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.CSS(`textarea[name="wish"]`), "Faster preview environments"),
		chromedp.Click(chromedp.CSS(`form.answer-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.answer-thanks`)),
	))
	if loc, _ := chromedp.Run(bctx, chromedp.Location()); strings.Contains(loc, tokens[0]) {
		t.Errorf("the thank-you page's address holds the token: %s", loc)
	}
	var stored int
	var answers string
	if err := a.DB.R.QueryRow(`SELECT COUNT(*), MAX(answers) FROM survey_responses`).Scan(&stored, &answers); err != nil || stored != 1 {
		t.Fatalf("%d answers stored (%v), want 1", stored, err)
	}
	if !strings.Contains(answers, "Faster preview environments") {
		t.Errorf("stored answer %s lacks the free text", answers)
	}

	// The refusal below is a 410, which the console reports as a failed
	// load: check the console before it.
	checkConsole()

	// The same link again: refused, with nothing to send.
	must(chromedp.Do(bctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`.answer-refused`))))
	if n, _ := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('form.answer-form').length`)); n != 0 {
		t.Error("a used link still shows the form")
	}
}
