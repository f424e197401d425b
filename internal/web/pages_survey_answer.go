package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/survey"
)

// answerPage is the public answer page: the form, a refusal (unknown or
// used link, survey not open) or the thanks after an answer.
type answerPage struct {
	// State is form, refused or thanks.
	State            string
	Heading, Message string
	Survey           survey.Survey
	Team             string
	// Token is the invite token: the form posts back to its own URL.
	Token        string
	MinResponses int
	Questions    []answerQuestion
	Problems     int
}

// answerQuestion is one question of the form, with what was chosen or
// typed and, after a rejected submission, what was wrong.
type answerQuestion struct {
	survey.Question
	Number  int
	Choices []answerChoice
	Text    string
	Problem string
}

// answerChoice is one radio button of a scale.
type answerChoice struct {
	Value, Label string
	Checked      bool
}

// IsText reports whether the question takes free text.
func (q answerQuestion) IsText() bool { return q.Type == survey.TypeText }

// IsENPS reports whether the question is the 0-10 eNPS scale.
func (q answerQuestion) IsENPS() bool { return q.Type == survey.TypeENPS }

// refusalHeadings head the page for each refusal.
var refusalHeadings = map[string]string{
	survey.CodeUnknownInvite: "This link is not valid",
	survey.CodeUsedInvite:    "Already answered",
	survey.CodeClosed:        "This survey has closed",
	survey.CodeNotOpen:       "Not open yet",
}

func (u *ui) answerForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	svc, err := u.surveyService()
	if err != nil {
		return err
	}
	token := r.PathValue("token")
	inv, err := svc.Open(r.Context(), token)
	if err != nil {
		return u.refuseAnswer(w, r, v, err)
	}
	u.renderAnswer(w, r, v, http.StatusOK, inv, token, survey.Answers{}, nil)
	return nil
}

// answerSubmit takes one answer. The token in the URL is checked again
// here: it is what proves the form came from the link's holder.
func (u *ui) answerSubmit(w http.ResponseWriter, r *http.Request, v *viewer) error {
	svc, err := u.surveyService()
	if err != nil {
		return err
	}
	token := r.PathValue("token")
	inv, err := svc.Open(r.Context(), token)
	if err != nil {
		return u.refuseAnswer(w, r, v, err)
	}
	if err := r.ParseForm(); err != nil {
		return &api.Error{Status: http.StatusBadRequest, Code: "bad_request", Message: "the answers could not be read; go back and send the form again"}
	}
	answers, problems := survey.ParseAnswers(inv.Survey, r.PostForm)
	if problems != nil {
		u.renderAnswer(w, r, v, http.StatusUnprocessableEntity, inv, token, answers, problems)
		return nil
	}
	err = svc.Submit(r.Context(), token, answers)
	var invalid *survey.InvalidAnswers
	if errors.As(err, &invalid) {
		u.renderAnswer(w, r, v, http.StatusUnprocessableEntity, inv, token, answers, invalid.Problems)
		return nil
	}
	if err != nil {
		return u.refuseAnswer(w, r, v, err)
	}
	// Post-redirect-get to a page without the token, so that reloading
	// neither resubmits nor shows the link again.
	http.Redirect(w, r, "/answer/thanks", http.StatusSeeOther)
	return nil
}

func (u *ui) answerThanks(w http.ResponseWriter, r *http.Request, v *viewer) error {
	u.render(w, r, v, http.StatusOK, "answer", "Thank you", answerPage{State: "thanks", Heading: "Thank you",
		Message: "Your answer is stored. It is kept with your team's name and today's date only: not with your link, and not with your name."})
	return nil
}

// refuseAnswer renders the answer page's refusals with their status;
// other errors go to the error page.
func (u *ui) refuseAnswer(w http.ResponseWriter, r *http.Request, v *viewer, err error) error {
	var e *api.Error
	if !errors.As(err, &e) || refusalHeadings[e.Code] == "" {
		return err
	}
	u.render(w, r, v, e.Status, "answer", refusalHeadings[e.Code], answerPage{State: "refused", Heading: refusalHeadings[e.Code], Message: sentence(e.Message)})
	return nil
}

func (u *ui) renderAnswer(w http.ResponseWriter, r *http.Request, v *viewer, status int, inv survey.Invitation, token string, a survey.Answers, problems survey.Problems) {
	data := answerPage{State: "form", Survey: inv.Survey, Team: refTo(u.teamNames(), inv.Team).Display, Token: token,
		MinResponses: u.surveySvc.MinResponses(), Problems: len(problems)}
	for i, q := range inv.Survey.Questions {
		aq := answerQuestion{Question: q, Number: i + 1, Text: a.Texts[q.ID], Problem: problems[q.ID]}
		if q.Scored() {
			chosen, ok := a.Scores[q.ID]
			for n := q.Min(); n <= q.Max(); n++ {
				label := strconv.Itoa(n)
				if q.Type == survey.TypeLikert {
					label = survey.LikertLabels[n-1]
				}
				aq.Choices = append(aq.Choices, answerChoice{Value: strconv.Itoa(n), Label: label, Checked: ok && chosen == n})
			}
		}
		data.Questions = append(data.Questions, aq)
	}
	u.render(w, r, v, status, "answer", inv.Survey.Title, data)
}
