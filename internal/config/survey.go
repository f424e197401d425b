package config

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paved-dev/paved/internal/slug"
	"github.com/paved-dev/paved/internal/yamlfile"
)

// Surveys configures the developer surveys: eNPS and the SPACE pulse.
type Surveys struct {
	// MinResponses is the fewest answers a team's results are shown for
	// (5 by default, never below 3); smaller groups fold into "other".
	MinResponses int `yaml:"min_responses"`
	// BaseURL is where respondents reach paved (https://paved.example.com),
	// the start of every invite link; without it the CLI needs --base-url.
	BaseURL string `yaml:"base_url"`
	// Definitions are surveys kept in git. They are written to the store
	// when paved starts; surveys created through the API or the UI live
	// only in the store.
	Definitions []SurveyDefinition `yaml:"definitions"`
}

// Survey defaults and bounds.
const (
	DefaultMinResponses = 5
	// LowestMinResponses is the smallest threshold allowed: below it a
	// group's results are one or two people's answers.
	LowestMinResponses = 3
)

// MinResponsesOrDefault returns the anonymity threshold, 5 when unset.
func (s Surveys) MinResponsesOrDefault() int {
	if s.MinResponses == 0 {
		return DefaultMinResponses
	}
	return s.MinResponses
}

// Survey kinds: the built-in questions a survey asks.
const (
	// SurveyENPS asks the one 0–10 eNPS question.
	SurveyENPS = "enps"
	// SurveyPulse asks one Likert item per SPACE dimension.
	SurveyPulse = "pulse"
	// SurveyENPSPulse asks both.
	SurveyENPSPulse = "enps+pulse"
)

// SurveyKinds lists the valid kinds.
var SurveyKinds = []string{SurveyENPS, SurveyPulse, SurveyENPSPulse}

// Question types a definition may add to the built-in ones.
const (
	QuestionLikert = "likert"
	QuestionText   = "text"
)

// SPACE dimensions, the groups of Likert items.
const (
	DimSatisfaction  = "satisfaction"
	DimPerformance   = "performance"
	DimActivity      = "activity"
	DimCommunication = "communication"
	DimEfficiency    = "efficiency"
)

// Dimensions lists the SPACE dimensions in the framework's order.
var Dimensions = []string{DimSatisfaction, DimPerformance, DimActivity, DimCommunication, DimEfficiency}

// Lengths of what a survey definition holds.
const (
	MaxSurveyTitle   = 200
	MaxQuestionText  = 500
	MaxExtraQuestion = 20
)

// SurveyDefinition is one survey: its built-in questions by kind, any
// extra questions, when it is open, and who is asked.
type SurveyDefinition struct {
	// ID names the survey in links, the API and the CLI (a slug such as
	// enps-2026-q1).
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
	Kind  string `yaml:"kind"`
	// Opens and Closes are days (YYYY-MM-DD, UTC), both included.
	Opens  string `yaml:"opens"`
	Closes string `yaml:"closes"`
	// Teams is the audience; empty means every team in the catalog.
	Teams []string `yaml:"teams"`
	// Questions are asked after the built-in ones.
	Questions []SurveyQuestion `yaml:"questions"`
}

// SurveyQuestion is an extra question: a Likert item of a SPACE dimension
// or a free-text question.
type SurveyQuestion struct {
	ID        string `yaml:"id" json:"id"`
	Text      string `yaml:"text" json:"text"`
	Type      string `yaml:"type" json:"type"`
	Dimension string `yaml:"dimension" json:"dimension,omitempty"`
}

// BuiltInQuestionIDs are the ids the built-in questions use, which extra
// questions may not take: "enps" and the SPACE dimensions.
var BuiltInQuestionIDs = append([]string{"enps"}, Dimensions...)

// SurveyProblem is one thing wrong with a definition: the field, relative
// to the definition (e.g. "questions[1].dimension"), and what is wrong.
type SurveyProblem struct {
	Field, Msg string
}

// Problems checks a definition on its own: the one set of rules for
// surveys in paved.yaml and surveys created through the API. Whether its
// teams exist is for the caller to check against the catalog.
func (d SurveyDefinition) Problems() []SurveyProblem {
	var out []SurveyProblem
	add := func(field, format string, args ...any) {
		out = append(out, SurveyProblem{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if err := slug.Check(d.ID); err != nil {
		add("id", "%v", err)
	} else if d.ID == "trend" {
		add("id", `"trend" is reserved (GET /api/v1/surveys/trend); choose another id`)
	}
	switch t := strings.TrimSpace(d.Title); {
	case t == "":
		add("title", "is required: the survey's name as respondents see it")
	case utf8.RuneCountInString(t) > MaxSurveyTitle:
		add("title", "is %d characters long; use at most %d", utf8.RuneCountInString(t), MaxSurveyTitle)
	}
	if !contains(SurveyKinds, d.Kind) {
		add("kind", "%q is not a survey kind; use enps (the 0-10 eNPS question), pulse (one Likert item per SPACE dimension) or enps+pulse (both)", d.Kind)
	}
	opens, okOpens := surveyDay(d.Opens)
	if !okOpens {
		add("opens", "%q is not a day; use YYYY-MM-DD (UTC), e.g. 2026-01-05", d.Opens)
	}
	closes, okCloses := surveyDay(d.Closes)
	if !okCloses {
		add("closes", "%q is not a day; use YYYY-MM-DD (UTC), e.g. 2026-01-30", d.Closes)
	}
	if okOpens && okCloses && closes.Before(opens) {
		add("closes", "%s is before opens (%s); a survey closes on or after the day it opens", d.Closes, d.Opens)
	}
	seenTeams := map[string]int{}
	for i, t := range d.Teams {
		f := fmt.Sprintf("teams[%d]", i)
		if err := slug.Check(t); err != nil {
			add(f, "%v", err)
		} else if j, dup := seenTeams[t]; dup {
			add(f, "duplicate team %q (also teams[%d])", t, j)
		}
		seenTeams[t] = i
	}
	if len(d.Questions) > MaxExtraQuestion {
		add("questions", "has %d questions; use at most %d besides the built-in ones", len(d.Questions), MaxExtraQuestion)
	}
	seenQ := map[string]int{}
	for i, q := range d.Questions {
		f := fmt.Sprintf("questions[%d]", i)
		if err := slug.Check(q.ID); err != nil {
			add(f+".id", "%v", err)
		} else if contains(BuiltInQuestionIDs, q.ID) {
			add(f+".id", "%q is the id of a built-in question; choose another (built-in: %s)", q.ID, strings.Join(BuiltInQuestionIDs, ", "))
		} else if j, dup := seenQ[q.ID]; dup {
			add(f+".id", "duplicate question id %q (also questions[%d])", q.ID, j)
		}
		seenQ[q.ID] = i
		switch t := strings.TrimSpace(q.Text); {
		case t == "":
			add(f+".text", "is required: the question as respondents read it")
		case utf8.RuneCountInString(t) > MaxQuestionText:
			add(f+".text", "is %d characters long; use at most %d", utf8.RuneCountInString(t), MaxQuestionText)
		}
		switch q.Type {
		case QuestionLikert:
			if !contains(Dimensions, q.Dimension) {
				add(f+".dimension", "%q is not a SPACE dimension; use one of %s", q.Dimension, strings.Join(Dimensions, ", "))
			}
		case QuestionText:
			if q.Dimension != "" {
				add(f+".dimension", "only likert questions have a dimension")
			}
		default:
			add(f+".type", "%q is not a question type; use likert (1-5, with a SPACE dimension) or text (free text)", q.Type)
		}
	}
	return out
}

// surveyDay parses a YYYY-MM-DD day.
func surveyDay(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

func (v *validator) surveys(c Config) {
	s := c.Surveys
	if yamlfile.Locate(v.root, "surveys.min_responses") != nil || s.MinResponses != 0 {
		if s.MinResponses < LowestMinResponses || s.MinResponses > 1000 {
			v.add("surveys.min_responses", "%d is out of range; use %d to 1000 answers (default %d): below %d a team's results are one or two people's answers",
				s.MinResponses, LowestMinResponses, DefaultMinResponses, LowestMinResponses)
		}
	}
	if s.BaseURL != "" {
		if u, err := url.Parse(s.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			v.add("surveys.base_url", "%q is not an http:// or https:// URL with a host (and no query), e.g. https://paved.example.com", s.BaseURL)
		}
	}
	ids := map[string]int{}
	for i, d := range s.Definitions {
		p := fmt.Sprintf("surveys.definitions[%d]", i)
		for _, pr := range d.Problems() {
			v.add(p+"."+pr.Field, "%s", pr.Msg)
		}
		if j, dup := ids[d.ID]; dup && d.ID != "" {
			v.add(p+".id", "duplicate survey id %q (also surveys.definitions[%d])", d.ID, j)
		}
		ids[d.ID] = i
	}
}
