package survey

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/paved-dev/paved/internal/api"
)

// MaxTextAnswer bounds a free-text answer, in characters.
const MaxTextAnswer = 2000

// Answers is what one person answered: a score per scored question and
// the free-text answers they gave.
type Answers struct {
	Scores map[string]int    `json:"scores"`
	Texts  map[string]string `json:"texts,omitempty"`
}

// Problems maps a question id to what is wrong with its answer.
type Problems map[string]string

// Error codes of the answer page's refusals.
const (
	CodeUnknownInvite = "invite_unknown"
	CodeUsedInvite    = "invite_used"
	CodeClosed        = "survey_closed"
	CodeNotOpen       = "survey_not_open"
	CodeInvalid       = "invalid"
)

func errUnknownInvite() *api.Error {
	return &api.Error{Status: http.StatusNotFound, Code: CodeUnknownInvite,
		Message: "this survey link is not valid; check that the whole link was copied from the invitation"}
}

func errUsedInvite() *api.Error {
	return &api.Error{Status: http.StatusGone, Code: CodeUsedInvite,
		Message: "this link has already been used to answer the survey; each link takes one answer, and answers cannot be changed"}
}

// InvalidAnswers is returned by Submit when answers are missing or out
// of range; Problems says which.
type InvalidAnswers struct {
	Problems Problems
}

func (e *InvalidAnswers) Error() string {
	ids := make([]string, 0, len(e.Problems))
	for id, msg := range e.Problems {
		ids = append(ids, id+": "+msg)
	}
	return "answers are incomplete or out of range: " + strings.Join(ids, "; ")
}

// ParseAnswers reads the answer form: one field per question, named by
// the question's id. Scored questions are required and must be whole
// numbers in range; free text is optional, trimmed, and bounded. Fields
// that are not questions are ignored.
func ParseAnswers(s Survey, form url.Values) (Answers, Problems) {
	a := Answers{Scores: map[string]int{}, Texts: map[string]string{}}
	problems := Problems{}
	for _, q := range s.Questions {
		values := form[q.ID]
		if len(values) > 1 {
			problems[q.ID] = "was answered more than once; give one answer"
			continue
		}
		v := ""
		if len(values) == 1 {
			v = strings.TrimSpace(values[0])
		}
		if !q.Scored() {
			if text := cleanText(v); text != "" {
				if n := utf8.RuneCountInString(text); n > MaxTextAnswer {
					problems[q.ID] = fmt.Sprintf("is %d characters long; shorten it to at most %d", n, MaxTextAnswer)
				} else {
					a.Texts[q.ID] = text
				}
			}
			continue
		}
		if v == "" {
			problems[q.ID] = fmt.Sprintf("is required: choose %s", scoreRange(q))
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < q.Min() || n > q.Max() {
			problems[q.ID] = fmt.Sprintf("%q is not an answer; choose %s", shorten(v), scoreRange(q))
			continue
		}
		a.Scores[q.ID] = n
	}
	if len(problems) == 0 {
		problems = nil
	}
	return a, problems
}

func scoreRange(q Question) string {
	if q.Type == TypeLikert {
		return "one of the five answers, from strongly disagree (1) to strongly agree (5)"
	}
	return "a score from 0 (not at all likely) to 10 (extremely likely)"
}

// shorten keeps an echoed bad value short.
func shorten(s string) string {
	if utf8.RuneCountInString(s) <= 20 {
		return s
	}
	return string([]rune(s)[:20]) + "…"
}

// cleanText makes free text safe to store and show: valid UTF-8, line
// breaks as \n, and no other control characters.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// check validates answers against the survey's questions: every scored
// question answered in range, text only for text questions, nothing else.
func check(s Survey, a Answers) Problems {
	problems := Problems{}
	byID := map[string]Question{}
	for _, q := range s.Questions {
		byID[q.ID] = q
		if !q.Scored() {
			continue
		}
		n, ok := a.Scores[q.ID]
		switch {
		case !ok:
			problems[q.ID] = "is required: choose " + scoreRange(q)
		case n < q.Min() || n > q.Max():
			problems[q.ID] = fmt.Sprintf("%d is out of range; choose %s", n, scoreRange(q))
		}
	}
	for id := range a.Scores {
		if q, ok := byID[id]; !ok || !q.Scored() {
			problems[id] = "is not a scored question of this survey"
		}
	}
	for id, text := range a.Texts {
		if q, ok := byID[id]; !ok || q.Scored() {
			problems[id] = "is not a free-text question of this survey"
		} else if utf8.RuneCountInString(text) > MaxTextAnswer || text != cleanText(text) {
			problems[id] = fmt.Sprintf("must be clean text of at most %d characters", MaxTextAnswer)
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return problems
}

// Invitation is a valid, unused invite to an open survey.
type Invitation struct {
	Survey Survey
	Team   string
}

// Open checks an invite token: it must be known, unused, and its survey
// open today. The refusals are *api.Error values with the codes above: 404
// for an unknown link, 410 for a used link or a closed survey, 403 before
// the survey opens.
func (s *Service) Open(ctx context.Context, token string) (Invitation, error) {
	inv, err := s.find(ctx, token)
	if err != nil {
		return Invitation{}, err
	}
	sv, err := s.Get(ctx, inv.surveyID)
	if err != nil {
		return Invitation{}, err
	}
	if inv.usedOn != "" {
		return Invitation{}, errUsedInvite()
	}
	switch sv.Status(s.now()) {
	case StatusClosed:
		return Invitation{}, &api.Error{Status: http.StatusGone, Code: CodeClosed,
			Message: fmt.Sprintf("the survey %q closed on %s and takes no more answers", sv.Title, sv.Closes)}
	case StatusScheduled:
		return Invitation{}, &api.Error{Status: http.StatusForbidden, Code: CodeNotOpen,
			Message: fmt.Sprintf("the survey %q is not open yet; it opens on %s, and this link will work then", sv.Title, sv.Opens)}
	}
	return Invitation{Survey: sv, Team: inv.team}, nil
}

func (s *Service) find(ctx context.Context, token string) (invite, error) {
	// Real tokens are 36 characters; anything far from that is not one,
	// and is not worth a query.
	if !strings.HasPrefix(token, TokenPrefix) || len(token) > 64 {
		return invite{}, errUnknownInvite()
	}
	inv, err := s.store.lookup(ctx, hashToken(token))
	if errors.Is(err, sql.ErrNoRows) {
		return invite{}, errUnknownInvite()
	}
	return inv, err
}

// Submit stores one answer for the invite token. The invite is marked
// used in the same transaction the answer is stored in, and the answer
// keeps only the invite's team and today's date, so it cannot be traced
// back to the invite. Answers that fail check come back as
// *InvalidAnswers, and nothing is stored.
func (s *Service) Submit(ctx context.Context, token string, a Answers) error {
	inv, err := s.Open(ctx, token)
	if err != nil {
		return err
	}
	if a.Texts == nil {
		a.Texts = map[string]string{}
	}
	if ps := check(inv.Survey, a); ps != nil {
		return &InvalidAnswers{Problems: ps}
	}
	err = s.store.submit(ctx, hashToken(token), invite{surveyID: inv.Survey.ID, team: inv.Team}, s.today(), a)
	if errors.Is(err, errUsed) {
		return errUsedInvite()
	}
	return err
}
