package demo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/survey"
)

// The demo's developer surveys: the last two quarterly eNPS surveys
// (with the SPACE pulse items), both closed, and this month's pulse,
// open. Invites are issued per team, as many as the team has engineers,
// and most of them are answered through the answer page's own path
// (Open, ParseAnswers on the form, Submit), on the days the surveys were
// open. Most teams answer in numbers that show their results; security
// and SRE, with three and four engineers, never do, and fold together
// into "other". The
// platform's investments show: eNPS rises between the quarters for the
// teams it worked with, and slips for fulfilment.

// teamHeadcount is how many engineers each demo team has (the catalog's
// members are only the named few); invites and usage actors follow it.
var teamHeadcount = map[string]int{
	"payments": 14, "identity": 10, "search": 11, "catalog": 9, "fulfilment": 8, "growth": 8,
	"data-platform": 12, "mobile": 8, "web-platform": 13, "platform": 9, "sre": 4, "security": 3,
}

// defaultHeadcount is for a team the table above does not know.
const defaultHeadcount = 8

func headcount(team string) int {
	if n, ok := teamHeadcount[team]; ok {
		return n
	}
	return defaultHeadcount
}

// teamMood is a team's mean eNPS answer (0-10) in the older and the
// newer quarter, and its mean pulse answer (1-5).
type teamMood struct {
	before, after, pulse float64
}

var teamMoods = map[string]teamMood{
	"payments":      {7.5, 8.4, 3.8}, // the golden path for Go services landed
	"identity":      {8.0, 8.1, 3.9},
	"search":        {7.2, 7.4, 3.4},
	"catalog":       {7.0, 8.1, 3.6}, // preview environments, then the new CI runners
	"fulfilment":    {7.8, 6.9, 3.0}, // still waiting on the CI migration
	"growth":        {8.2, 8.6, 4.1},
	"data-platform": {6.7, 8.0, 3.5},
	"mobile":        {7.7, 7.6, 3.6},
	"web-platform":  {8.4, 8.9, 4.3},
	"platform":      {8.7, 8.9, 4.2},
	"sre":           {7.9, 8.3, 3.9},
	"security":      {8.0, 7.8, 3.7},
}

var defaultMood = teamMood{7.8, 8, 3.7}

// fixNextQuestion is the quarterly surveys' free-text question.
var fixNextQuestion = config.SurveyQuestion{ID: "fix-next", Type: config.QuestionText,
	Text: "What is the one thing the platform team should fix next?"}

// freeTexts are what people write in it, by how they feel.
var freeTexts = map[bool][]string{
	true: {
		"The golden path for Go services saved us a week on the new ledger service. More of that, please.",
		"Preview environments per pull request are great; make them start faster.",
		"Keep the cost pages coming, finance finally stopped asking us for spreadsheets.",
		"Scorecards helped us find the services without alerts. Add a check for backups.",
		"Docs search is much better than the wiki. Index the runbooks too.",
	},
	false: {
		"CI queues in the afternoon are painful: builds wait 20 minutes for a runner.",
		"Secrets rotation still needs a ticket to the platform team. Self-service, please.",
		"Our legacy Java services are not on any golden path and it shows.",
		"Flaky staging environment: half our deploys there fail for reasons that are not ours.",
		"Too many dashboards, not sure which one is the source of truth.",
	},
}

// demoSurvey is one survey the demo runs.
type demoSurvey struct {
	req survey.CreateRequest
	// quarter is 0 for the older quarter, 1 for the newer, -1 for the pulse.
	quarter int
	// share is how many of the invites are answered (the rest are not,
	// which is what response rates are made of).
	share float64
	opens time.Time
	days  int
}

// demoSurveys lays out the surveys for now's day: the quarterly surveys
// of the last two quarters whose survey has closed (each runs from the
// 10th to the 23rd of its quarter's last month, so that it sits wholly
// in its quarter), and the monthly pulse, opened 6 days ago for two
// weeks.
func demoSurveys(now time.Time) []demoSurvey {
	now = now.UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	var quarterly []demoSurvey
	// The last month of now's quarter, then of the quarters before it.
	last := time.Date(today.Year(), time.Month((int(today.Month())-1)/3*3+3), 10, 0, 0, 0, 0, time.UTC)
	for ; len(quarterly) < 2; last = last.AddDate(0, -3, 0) {
		opens, closes := last, last.AddDate(0, 0, 13)
		if !closes.Before(today) {
			continue // not closed yet
		}
		day := opens.Format(time.DateOnly)
		q := survey.Quarter(day)
		quarterly = append(quarterly, demoSurvey{share: 0.85, opens: opens, days: 14, req: survey.CreateRequest{
			ID: "enps-" + strings.ReplaceAll(strings.ToLower(q), " ", "-"), Title: "Platform eNPS " + q, Kind: config.SurveyENPSPulse,
			Opens: day, Closes: closes.Format(time.DateOnly), Questions: []config.SurveyQuestion{fixNextQuestion},
		}})
	}
	older, newer := quarterly[1], quarterly[0]
	older.quarter, newer.quarter = 0, 1
	opens := today.AddDate(0, 0, -6)
	pulse := demoSurvey{quarter: -1, share: 0.6, opens: opens, days: 7, req: survey.CreateRequest{
		ID: "pulse-" + opens.Format("2006-01"), Title: "Developer pulse, " + opens.Format("January 2006"), Kind: config.SurveyPulse,
		Opens: opens.Format(time.DateOnly), Closes: opens.AddDate(0, 0, 13).Format(time.DateOnly),
	}}
	return []demoSurvey{older, newer, pulse}
}

// LoadSurveys runs the demo's surveys up to now on a survey service of
// its own (its clock walks through the days the surveys were open).
// Answers are drawn from Seed; tokens, as always, are random.
func LoadSurveys(ctx context.Context, cfg config.Config, cat *catalog.Catalog, db *store.DB, now time.Time) error {
	clock := now
	svc := survey.NewService(cfg, cat, db)
	svc.SetClock(func() time.Time { return clock })
	var teams []string
	for _, t := range cat.Current().Teams {
		teams = append(teams, t.Name)
	}
	sort.Strings(teams)
	for si, ds := range demoSurveys(now) {
		clock = ds.opens.Add(8 * time.Hour)
		if _, err := svc.Create(ctx, ds.req); err != nil {
			var e *api.Error
			if errors.As(err, &e) && e.Status == 409 {
				continue // loaded before
			}
			return fmt.Errorf("demo survey %s: %w", ds.req.ID, err)
		}
		r := rand.New(rand.NewPCG(Seed, uint64(500+si)))
		var answers []demoAnswer
		for _, team := range teams {
			n := headcount(team)
			tokens, err := svc.Invite(ctx, ds.req.ID, team, n)
			if err != nil {
				return fmt.Errorf("demo survey %s: inviting %s: %w", ds.req.ID, team, err)
			}
			for _, tok := range tokens[:answered(n, ds.share)] {
				day := ds.opens.AddDate(0, 0, int(float64(ds.days)*r.Float64()*r.Float64()))
				at := day.Add(9*time.Hour + time.Duration(r.Int64N(int64(8*time.Hour))))
				answers = append(answers, demoAnswer{token: tok, at: at, form: answerForm(r, ds, team)})
			}
		}
		// In the order people answered.
		sort.SliceStable(answers, func(i, j int) bool { return answers[i].at.Before(answers[j].at) })
		for _, a := range answers {
			if !a.at.Before(now) {
				continue // not answered yet
			}
			clock = a.at
			if err := submitAnswer(ctx, svc, a); err != nil {
				return fmt.Errorf("demo survey %s: %w", ds.req.ID, err)
			}
		}
	}
	return nil
}

// answered is how many of n invites are answered at share.
func answered(n int, share float64) int {
	return max(int(math.Round(float64(n)*share)), 1)
}

type demoAnswer struct {
	token string
	at    time.Time
	form  url.Values
}

// submitAnswer answers as the answer page does: the link is opened, the
// form parsed, the answers submitted.
func submitAnswer(ctx context.Context, svc *survey.Service, a demoAnswer) error {
	inv, err := svc.Open(ctx, a.token)
	if err != nil {
		return err
	}
	answers, problems := survey.ParseAnswers(inv.Survey, a.form)
	if problems != nil {
		return &survey.InvalidAnswers{Problems: problems}
	}
	return svc.Submit(ctx, a.token, answers)
}

// answerForm fills the answer form for one person of team.
func answerForm(r *rand.Rand, ds demoSurvey, team string) url.Values {
	mood, ok := teamMoods[team]
	if !ok {
		mood = defaultMood
	}
	form := url.Values{}
	enps := mood.before
	if ds.quarter == 1 {
		enps = mood.after
	}
	pulse := mood.pulse + (enps-7.8)*0.15
	if ds.req.Kind != config.SurveyPulse {
		form.Set("enps", strconv.Itoa(clampScore(enps+r.NormFloat64()*1.3, 0, 10)))
	}
	for i, d := range config.Dimensions {
		// Efficiency lags everywhere (CI queues); communication leads.
		bias := []float64{0, 0.1, 0, 0.3, -0.4}[i]
		form.Set(d, strconv.Itoa(clampScore(pulse+bias+r.NormFloat64()*0.8, 1, 5)))
	}
	if ds.req.Kind != config.SurveyPulse && r.Float64() < 0.22 {
		happy := enps+r.NormFloat64() >= 7.5
		texts := freeTexts[happy]
		form.Set(fixNextQuestion.ID, texts[r.IntN(len(texts))])
	}
	return form
}

func clampScore(v float64, lo, hi int) int {
	return min(max(int(math.Round(v)), lo), hi)
}
