package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/survey"
)

// groupRow is one group's eNPS on the survey page.
type groupRow struct {
	teamRef
	Other      bool
	Members    []teamRef
	Responses  int
	Score      string
	Promoters  string
	Passives   string
	Detractors string
}

// dimensionRow is one SPACE dimension across the groups.
type dimensionRow struct {
	Label string
	Cells []dimensionCell
}

type dimensionCell struct {
	Mean, Favourable string
}

// groupTexts are one group's free-text answers.
type groupTexts struct {
	Group   string
	Answers []survey.TextAnswers
}

// inviteForm is the "Invite a team" form; Links are the links it made,
// shown once.
type inviteForm struct {
	Team, Count, BaseURL string
	Error, Field         string
	Links                []survey.InviteLink
	LinkTeam             string
}

type surveyPage struct {
	Res      survey.Results
	Kind     string
	Audience []teamRef
	// Participation per team, with display names.
	Participation []participationRow
	Rate          string
	Figures       []moneyFigure
	Groups        []groupRow
	MixChart      template.HTML
	// GroupNames head the SPACE table's columns: everyone, then each group.
	GroupNames []string
	Dimensions []dimensionRow
	Items      []survey.ItemScore
	Texts      []groupTexts
	CanInvite  bool
	CanExport  bool
	Invite     inviteForm
	// InviteTeams are the teams invites can be made for.
	InviteTeams []teamRef
}

type participationRow struct {
	survey.TeamParticipation
	Owner teamRef
	Rate  string
}

func (u *ui) surveyPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return u.renderSurvey(w, r, v, http.StatusOK, inviteForm{Count: "10"})
}

func (u *ui) renderSurvey(w http.ResponseWriter, r *http.Request, v *viewer, status int, form inviteForm) error {
	svc, err := u.surveyService()
	if err != nil {
		return err
	}
	res, err := svc.Results(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	names := u.teamNames()
	data := surveyPage{Res: res, Kind: kindLabels[res.Survey.Kind], Rate: ratePct(res.Responses, res.Invited), Invite: form,
		CanInvite: res.Status != survey.StatusClosed && v.CanWrite(),
		CanExport: res.Published && v.SignedIn() && v.sess.Token.Role.Allows(api.Admin)}
	for _, t := range res.Survey.Teams {
		data.Audience = append(data.Audience, refTo(names, t))
	}
	for _, p := range res.Participation {
		data.Participation = append(data.Participation, participationRow{TeamParticipation: p, Owner: refTo(names, p.Team), Rate: ratePct(p.Responses, p.Invited)})
	}
	if data.CanInvite {
		teams := res.Survey.Teams
		if len(teams) == 0 {
			for _, t := range u.cat.Current().Teams {
				teams = append(teams, t.Name)
			}
		}
		for _, t := range teams {
			data.InviteTeams = append(data.InviteTeams, refTo(names, t))
		}
	}
	if res.Published {
		if err := publishedSections(&data, res, names); err != nil {
			return err
		}
	}
	u.render(w, r, v, status, "survey", res.Survey.Title, data)
	return nil
}

// publishedSections fills in what a published survey shows: the eNPS per
// group, the SPACE scores, the items and the free text.
func publishedSections(data *surveyPage, res survey.Results, names map[string]string) error {
	o := res.Overall
	if o.ENPS != nil {
		data.Figures = append(data.Figures, moneyFigure{Label: "eNPS", Value: enpsText(o.ENPS.Score),
			Note: fmt.Sprintf("%s promoters, %s detractors", ratePct(o.ENPS.Promoters, o.Responses), ratePct(o.ENPS.Detractors, o.Responses))})
	}
	data.Figures = append(data.Figures, moneyFigure{Label: "Answers", Value: strconv.Itoa(res.Responses), Note: data.Rate + " of those invited"})
	for _, d := range o.Dimensions {
		data.Figures = append(data.Figures, moneyFigure{Label: d.Label, Value: sharePct(d.Favourable), Note: "favourable, mean " + likertMean(d.Mean)})
	}
	groups := append([]survey.Group{*o}, res.Groups...)
	var cats []string
	var det, pas, pro []int
	for _, g := range groups {
		row := groupRow{Responses: g.Responses}
		switch g.Name {
		case survey.AllGroup:
			row.teamRef = teamRef{Display: "Everyone"}
		case survey.OtherGroup:
			row.teamRef, row.Other = teamRef{Display: "Other teams"}, true
			for _, t := range g.Teams {
				row.Members = append(row.Members, refTo(names, t))
			}
		default:
			row.teamRef = refTo(names, g.Name)
		}
		data.GroupNames = append(data.GroupNames, row.Display)
		if e := g.ENPS; e != nil {
			row.Score = enpsText(e.Score)
			row.Promoters, row.Passives, row.Detractors = ratePct(e.Promoters, g.Responses), ratePct(e.Passives, g.Responses), ratePct(e.Detractors, g.Responses)
			cats = append(cats, row.Display)
			det, pas, pro = append(det, e.Detractors), append(pas, e.Passives), append(pro, e.Promoters)
		}
		data.Groups = append(data.Groups, row)
		if len(g.Texts) > 0 {
			data.Texts = append(data.Texts, groupTexts{Group: row.Display, Answers: g.Texts})
		}
	}
	if len(cats) > 0 {
		var err error
		if data.MixChart, err = answerMix("Detractors, passives and promoters by group", cats, det, pas, pro, true); err != nil {
			return err
		}
	}
	for i, d := range o.Dimensions {
		row := dimensionRow{Label: d.Label}
		for _, g := range groups {
			if i < len(g.Dimensions) {
				row.Cells = append(row.Cells, dimensionCell{Mean: likertMean(g.Dimensions[i].Mean), Favourable: sharePct(g.Dimensions[i].Favourable)})
			}
		}
		data.Dimensions = append(data.Dimensions, row)
	}
	data.Items = o.Items
	return nil
}

// likertMean prints a Likert mean to two decimals.
func likertMean(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// inviteSurvey handles the "Invite a team" form: it makes the links and
// shows them on the page, once. Nothing about the people they go to is
// asked for or kept.
func (u *ui) inviteSurvey(w http.ResponseWriter, r *http.Request, v *viewer) error {
	svc, err := u.surveyService()
	if err != nil {
		return err
	}
	form := inviteForm{Team: r.PostFormValue("team"), Count: strings.TrimSpace(r.PostFormValue("count")), BaseURL: strings.TrimSpace(r.PostFormValue("base_url"))}
	fail := func(e *api.Error) error {
		form.Error, form.Field = sentence(e.Message), e.Field
		if e.Field != "" {
			form.Error = sentence(e.Field + ": " + e.Message)
		}
		return u.renderSurvey(w, r, v, e.Status, form)
	}
	n, err := strconv.Atoi(form.Count)
	if err != nil {
		return fail(api.Invalid("count", "%q is not a whole number of invites", form.Count))
	}
	base := form.BaseURL
	if base == "" {
		base = svc.BaseURL()
	}
	if base == "" {
		base = inviteBase(r)
	}
	if err := survey.CheckBaseURL("base_url", base); err != nil {
		var e *api.Error
		errors.As(err, &e)
		return fail(e)
	}
	tokens, err := svc.Invite(r.Context(), r.PathValue("id"), form.Team, n)
	var e *api.Error
	if errors.As(err, &e) && e.Status < 500 {
		return fail(e)
	}
	if err != nil {
		return err
	}
	u.log.InfoContext(r.Context(), "survey invites created from the UI", "survey", r.PathValue("id"), "team", form.Team, "count", n, "by", v.Name())
	form.LinkTeam = form.Team
	for _, t := range tokens {
		form.Links = append(form.Links, survey.InviteLink{URL: survey.Link(base, t)})
	}
	return u.renderSurvey(w, r, v, http.StatusOK, form)
}

// inviteBase is the URL this request reached paved at, for invite links
// when surveys.base_url is not set.
func inviteBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// exportSurvey sends the anonymised answers as CSV to admins.
func (u *ui) exportSurvey(w http.ResponseWriter, r *http.Request, v *viewer) error {
	svc, err := u.surveyService()
	if err != nil {
		return err
	}
	if !v.SignedIn() || !v.sess.Token.Role.Allows(api.Admin) {
		return &api.Error{Status: http.StatusForbidden, Code: "forbidden", Message: "exporting answers needs an admin token; sign in with one"}
	}
	id := r.PathValue("id")
	var buf bytes.Buffer
	if err := svc.Export(r.Context(), id, &buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="survey-`+id+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
	return nil
}
