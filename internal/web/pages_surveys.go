package web

import (
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/survey"
)

// surveyRow is a survey as the Surveys page lists it.
type surveyRow struct {
	survey.Summary
	// ENPS is the published score ("" when none).
	ENPS string
	Rate string
}

// kindLabels name the survey kinds for people.
var kindLabels = map[string]string{
	config.SurveyENPS:      "eNPS",
	config.SurveyPulse:     "SPACE pulse",
	config.SurveyENPSPulse: "eNPS and SPACE pulse",
}

// KindLabel names the survey's kind.
func (r surveyRow) KindLabel() string { return kindLabels[r.Kind] }

// surveyForm is the "Create a survey" form with what was typed and, after
// a rejected submission, what was wrong.
type surveyForm struct {
	ID, Title, Kind, Opens, Closes, Question string
	Teams                                    []string
	Error, Field                             string
}

// teamOption is a team the audience can be picked from.
type teamOption struct {
	Name, Display string
	Checked       bool
}

type kindOption struct {
	Value, Label string
	Selected     bool
}

// trendRow is one closed eNPS survey in the trend's figures.
type trendRow struct {
	survey.TrendPoint
	Score string
}

type surveysPage struct {
	MinResponses int
	Figures      []moneyFigure
	Current      []surveyRow
	Closed       []surveyRow
	Trend        []trendRow
	TrendChart   template.HTML
	MixChart     template.HTML
	Form         surveyForm
	Teams        []teamOption
	Kinds        []kindOption
}

func (u *ui) surveyService() (*survey.Service, error) {
	if u.surveySvc == nil {
		return nil, api.NotFound("surveys are not enabled on this server")
	}
	return u.surveySvc, nil
}

func (u *ui) surveysPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	today := time.Now().UTC()
	return u.renderSurveys(w, r, v, http.StatusOK, surveyForm{Kind: config.SurveyENPS,
		Opens: today.Format(time.DateOnly), Closes: today.AddDate(0, 0, 13).Format(time.DateOnly)})
}

func (u *ui) renderSurveys(w http.ResponseWriter, r *http.Request, v *viewer, status int, form surveyForm) error {
	svc, err := u.surveyService()
	if err != nil {
		return err
	}
	ctx := r.Context()
	list, err := svc.List(ctx)
	if err != nil {
		return fmt.Errorf("listing surveys: %w", err)
	}
	tr, err := svc.Trend(ctx)
	if err != nil {
		return fmt.Errorf("reading the eNPS trend: %w", err)
	}
	data := surveysPage{MinResponses: svc.MinResponses(), Form: form}
	scores := map[string]string{}
	for _, p := range tr.Points {
		row := trendRow{TrendPoint: p}
		if p.ENPS != nil {
			row.Score = enpsText(*p.ENPS)
			scores[p.Survey] = row.Score
		}
		data.Trend = append(data.Trend, row)
	}
	for _, s := range list {
		row := surveyRow{Summary: s, ENPS: scores[s.ID], Rate: ratePct(s.Responses, s.Invited)}
		if s.Status == survey.StatusClosed {
			data.Closed = append(data.Closed, row)
		} else {
			data.Current = append(data.Current, row)
		}
	}
	data.Figures = surveyFigures(data.Current, tr)
	if data.TrendChart, data.MixChart, err = trendCharts(tr); err != nil {
		return err
	}
	names := u.teamNames()
	for _, t := range u.cat.Current().Teams {
		data.Teams = append(data.Teams, teamOption{Name: t.Name, Display: names[t.Name], Checked: slices.Contains(form.Teams, t.Name)})
	}
	slices.SortFunc(data.Teams, func(a, b teamOption) int {
		return strings.Compare(strings.ToLower(a.Display), strings.ToLower(b.Display))
	})
	for _, k := range config.SurveyKinds {
		data.Kinds = append(data.Kinds, kindOption{Value: k, Label: kindLabels[k], Selected: k == form.Kind})
	}
	u.render(w, r, v, status, "surveys", "Surveys", data)
	return nil
}

// surveyFigures are the headline figures: the latest eNPS and its change,
// and the open surveys' response rate.
func surveyFigures(current []surveyRow, tr survey.Trend) []moneyFigure {
	var out []moneyFigure
	var published []survey.TrendPoint
	for _, p := range tr.Points {
		if p.ENPS != nil {
			published = append(published, p)
		}
	}
	if n := len(published); n > 0 {
		last := published[n-1]
		f := moneyFigure{Label: "eNPS, " + last.Period, Value: enpsText(*last.ENPS), Note: plural(last.Responses, "answer", "answers")}
		if n > 1 {
			f.Note += ", " + enpsChange(*last.ENPS-*published[n-2].ENPS) + " since " + published[n-2].Period
		}
		out = append(out, f)
	}
	open, invited, answered := 0, 0, 0
	for _, s := range current {
		if s.Status == survey.StatusOpen {
			open++
			invited += s.Invited
			answered += s.Responses
		}
	}
	out = append(out, moneyFigure{Label: "Open surveys", Value: strconv.Itoa(open)})
	if open > 0 {
		out = append(out, moneyFigure{Label: "Response rate of open surveys", Value: ratePct(answered, invited),
			Note: fmt.Sprintf("%d of %d invited", answered, invited)})
	}
	return out
}

// trendCharts draws the eNPS across closed surveys and the mix of answers
// behind each score.
func trendCharts(tr survey.Trend) (line, mix template.HTML, err error) {
	labels := trendLabels(tr.Points)
	var scores []float64
	var det, pas, pro []int
	for _, p := range tr.Points {
		score := math.NaN()
		if p.ENPS != nil {
			score = *p.ENPS
		}
		scores = append(scores, score)
		det, pas, pro = append(det, p.Detractors), append(pas, p.Passives), append(pro, p.Promoters)
	}
	if line, err = enpsLine("eNPS by survey", labels, scores); err != nil {
		return "", "", err
	}
	if mix, err = answerMix("Detractors, passives and promoters by survey", labels, det, pas, pro, false); err != nil {
		return "", "", err
	}
	return line, mix, nil
}

// trendLabels names the trend's surveys by quarter, or by month where a
// quarter had more than one (a monthly pulse that asks the eNPS, say).
func trendLabels(points []survey.TrendPoint) []string {
	perQuarter := map[string]int{}
	for _, p := range points {
		perQuarter[p.Period]++
	}
	labels := make([]string, len(points))
	for i, p := range points {
		labels[i] = p.Period
		if perQuarter[p.Period] > 1 && len(p.Closes) >= 7 {
			labels[i] = monthName(p.Closes[:7])
		}
	}
	return labels
}

// createSurvey handles the "Create a survey" form.
func (u *ui) createSurvey(w http.ResponseWriter, r *http.Request, v *viewer) error {
	svc, err := u.surveyService()
	if err != nil {
		return err
	}
	form := surveyForm{
		ID:       strings.TrimSpace(r.PostFormValue("id")),
		Title:    strings.TrimSpace(r.PostFormValue("title")),
		Kind:     r.PostFormValue("kind"),
		Opens:    strings.TrimSpace(r.PostFormValue("opens")),
		Closes:   strings.TrimSpace(r.PostFormValue("closes")),
		Question: strings.TrimSpace(r.PostFormValue("question")),
		Teams:    r.PostForm["teams"],
	}
	req := survey.CreateRequest{ID: form.ID, Title: form.Title, Kind: form.Kind, Opens: form.Opens, Closes: form.Closes, Teams: form.Teams}
	if form.Question != "" {
		req.Questions = []config.SurveyQuestion{{ID: "comments", Text: form.Question, Type: config.QuestionText}}
	}
	sv, err := svc.Create(r.Context(), req)
	var e *api.Error
	if errors.As(err, &e) && e.Status < 500 {
		form.Error, form.Field = sentence(e.Field+": "+e.Message), surveyFormField(e.Field)
		if e.Field == "" {
			form.Error = sentence(e.Message)
		}
		return u.renderSurveys(w, r, v, e.Status, form)
	}
	if err != nil {
		return fmt.Errorf("creating survey %q: %w", form.ID, err)
	}
	u.log.InfoContext(r.Context(), "survey created from the UI", "survey", sv.ID, "by", v.Name())
	setFlash(w, r, v, []string{fmt.Sprintf("Survey %s created: open from %s to %s. Create invite links below.", sv.ID, sv.Opens, sv.Closes)})
	http.Redirect(w, r, "/surveys/"+url.PathEscape(sv.ID), http.StatusSeeOther)
	return nil
}

// surveyFormField maps an API field ("teams[1]", "questions[0].text") to the
// form input it came from.
func surveyFormField(field string) string {
	switch {
	case strings.HasPrefix(field, "teams"):
		return "teams"
	case strings.HasPrefix(field, "questions"):
		return "question"
	}
	return field
}

// enpsText prints an eNPS with its sign and at most one decimal: +37.5,
// 0, -20.
func enpsText(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if v > 0 {
		return "+" + s
	}
	return s
}

// enpsChange prints a change of eNPS in points.
func enpsChange(d float64) string {
	d = math.Round(d*10) / 10
	switch {
	case d > 0:
		return "up " + strconv.FormatFloat(d, 'f', -1, 64) + " points"
	case d < 0:
		return "down " + strconv.FormatFloat(-d, 'f', -1, 64) + " points"
	}
	return "unchanged"
}

// ratePct prints n of total as a whole percentage, "—" with no total.
func ratePct(n, total int) string {
	if total == 0 {
		return "—"
	}
	return strconv.Itoa(percent(n, total)) + "%"
}
