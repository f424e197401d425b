package survey

import (
	"slices"
	"time"

	"github.com/paved-dev/paved/internal/config"
)

// Question types. Likert and text questions can be added to a survey;
// the eNPS question is built in.
const (
	TypeENPS   = "enps"
	TypeLikert = config.QuestionLikert
	TypeText   = config.QuestionText
)

// Sources of a survey.
const (
	SourceConfig = "config"
	SourceAPI    = "api"
)

// Statuses of a survey on a given day.
const (
	StatusScheduled = "scheduled"
	StatusOpen      = "open"
	StatusClosed    = "closed"
)

// Question is one question of a survey.
type Question struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	// Type is enps (0-10), likert (1-5) or text.
	Type string `json:"type"`
	// Dimension is the SPACE dimension of a Likert item.
	Dimension string `json:"dimension,omitempty"`
}

// Min and Max are the range of a scored question's answers.
func (q Question) Min() int {
	if q.Type == TypeLikert {
		return 1
	}
	return 0
}

// Max is the highest score a question takes.
func (q Question) Max() int {
	if q.Type == TypeLikert {
		return 5
	}
	return 10
}

// Scored reports whether the question takes a number.
func (q Question) Scored() bool { return q.Type == TypeENPS || q.Type == TypeLikert }

// ENPSQuestion is the one question of the eNPS.
var ENPSQuestion = Question{ID: "enps", Type: TypeENPS,
	Text: "How likely are you to recommend the platform to a colleague?"}

// PulseQuestions are the SPACE pulse's Likert items, one per dimension,
// each a statement to agree or disagree with.
var PulseQuestions = []Question{
	{ID: config.DimSatisfaction, Type: TypeLikert, Dimension: config.DimSatisfaction,
		Text: "I am satisfied with the tools and platform I use for my daily work."},
	{ID: config.DimPerformance, Type: TypeLikert, Dimension: config.DimPerformance,
		Text: "The platform helps my team deliver changes that work reliably in production."},
	{ID: config.DimActivity, Type: TypeLikert, Dimension: config.DimActivity,
		Text: "I can ship changes as often as my work needs without the platform holding me back."},
	{ID: config.DimCommunication, Type: TypeLikert, Dimension: config.DimCommunication,
		Text: "When I need help from the platform team, I get it quickly."},
	{ID: config.DimEfficiency, Type: TypeLikert, Dimension: config.DimEfficiency,
		Text: "I can work without waiting on builds, environments or approvals."},
}

// DimensionLabels names the SPACE dimensions for people.
var DimensionLabels = map[string]string{
	config.DimSatisfaction:  "Satisfaction & well-being",
	config.DimPerformance:   "Performance",
	config.DimActivity:      "Activity",
	config.DimCommunication: "Communication & collaboration",
	config.DimEfficiency:    "Efficiency & flow",
}

// LikertLabels are the answers of a Likert item, 1 to 5.
var LikertLabels = []string{"Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"}

// Survey is one survey as stored.
type Survey struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Kind  string `json:"kind" doc:"enps, pulse or enps+pulse"`
	// Opens and Closes are days, YYYY-MM-DD UTC, both included.
	Opens  string `json:"opens"`
	Closes string `json:"closes"`
	// Teams is the audience; empty means every team.
	Teams []string `json:"teams"`
	// Extra are the questions added to the built-in ones.
	Extra []config.SurveyQuestion `json:"extra_questions"`
	// Questions is every question asked, built-in first.
	Questions []Question `json:"questions"`
	Source    string     `json:"source" doc:"config (paved.yaml) or api"`
	CreatedAt time.Time  `json:"created_at"`
}

// Status says whether the survey takes answers on now's day (UTC).
func (s Survey) Status(now time.Time) string {
	today := now.UTC().Format(time.DateOnly)
	switch {
	case today < s.Opens:
		return StatusScheduled
	case today > s.Closes:
		return StatusClosed
	}
	return StatusOpen
}

// HasENPS reports whether the survey asks the eNPS question.
func (s Survey) HasENPS() bool {
	return s.Kind == config.SurveyENPS || s.Kind == config.SurveyENPSPulse
}

// HasPulse reports whether the survey asks the SPACE pulse.
func (s Survey) HasPulse() bool {
	return s.Kind == config.SurveyPulse || s.Kind == config.SurveyENPSPulse
}

// InAudience reports whether team is asked.
func (s Survey) InAudience(team string) bool {
	return len(s.Teams) == 0 || slices.Contains(s.Teams, team)
}

// Definition returns the survey as paved.yaml would define it.
func (s Survey) Definition() config.SurveyDefinition {
	return config.SurveyDefinition{ID: s.ID, Title: s.Title, Kind: s.Kind, Opens: s.Opens, Closes: s.Closes,
		Teams: slices.Clone(s.Teams), Questions: slices.Clone(s.Extra)}
}

// fromDefinition builds a survey with its full question list.
func fromDefinition(d config.SurveyDefinition, source string, created time.Time) Survey {
	s := Survey{ID: d.ID, Title: d.Title, Kind: d.Kind, Opens: d.Opens, Closes: d.Closes,
		Teams: nonNil(d.Teams), Extra: d.Questions, Source: source, CreatedAt: created}
	if s.Extra == nil {
		s.Extra = []config.SurveyQuestion{}
	}
	s.Questions = questions(s.Kind, s.Extra)
	return s
}

// questions lists what a survey of kind asks: the built-in questions,
// then the extra ones.
func questions(kind string, extra []config.SurveyQuestion) []Question {
	var qs []Question
	if kind == config.SurveyENPS || kind == config.SurveyENPSPulse {
		qs = append(qs, ENPSQuestion)
	}
	if kind == config.SurveyPulse || kind == config.SurveyENPSPulse {
		qs = append(qs, PulseQuestions...)
	}
	for _, q := range extra {
		qs = append(qs, Question{ID: q.ID, Text: q.Text, Type: q.Type, Dimension: q.Dimension})
	}
	return qs
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
