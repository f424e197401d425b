package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestSurveysValid(t *testing.T) {
	cfg, err := loadString(t, `
surveys:
  min_responses: 3
  base_url: https://paved.example.com/
  definitions:
    - id: enps-2026-q1
      title: Platform eNPS, Q1 2026
      kind: enps
      opens: 2026-01-05
      closes: 2026-01-30
    - id: pulse-2026-02
      title: February pulse
      kind: enps+pulse
      opens: 2026-02-02
      closes: 2026-02-02
      teams: [payments, search]
      questions:
        - {id: docs, text: "The platform's documentation answers my questions.", type: likert, dimension: efficiency}
        - {id: better, text: "What one thing should the platform do better?", type: text}
`)
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.Surveys
	if s.MinResponsesOrDefault() != 3 || s.BaseURL != "https://paved.example.com/" || len(s.Definitions) != 2 {
		t.Fatalf("surveys = %+v", s)
	}
	d := s.Definitions[1]
	want := SurveyDefinition{ID: "pulse-2026-02", Title: "February pulse", Kind: SurveyENPSPulse, Opens: "2026-02-02", Closes: "2026-02-02",
		Teams: []string{"payments", "search"}, Questions: []SurveyQuestion{
			{ID: "docs", Text: "The platform's documentation answers my questions.", Type: QuestionLikert, Dimension: DimEfficiency},
			{ID: "better", Text: "What one thing should the platform do better?", Type: QuestionText},
		}}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("definition = %+v\nwant %+v", d, want)
	}
}

func TestSurveysDefaults(t *testing.T) {
	cfg, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Surveys.MinResponsesOrDefault(); got != 5 {
		t.Errorf("default threshold = %d, want 5", got)
	}
	if len(cfg.Surveys.Definitions) != 0 {
		t.Errorf("definitions by default = %+v", cfg.Surveys.Definitions)
	}
}

// TestSurveysInvalid checks each bad value is reported at its line, naming
// the field and what would be valid.
func TestSurveysInvalid(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"threshold below 3", "surveys:\n  min_responses: 2\n", []string{
			"paved.yaml:2: surveys.min_responses: 2 is out of range; use 3 to 1000 answers (default 5)",
		}},
		{"threshold zero written out", "surveys:\n  min_responses: 0\n", []string{
			"paved.yaml:2: surveys.min_responses: 0 is out of range",
		}},
		{"threshold negative", "surveys:\n  min_responses: -5\n", []string{
			"paved.yaml:2: surveys.min_responses: -5 is out of range",
		}},
		{"base url", "surveys:\n  base_url: paved.example.com\n", []string{
			`paved.yaml:2: surveys.base_url: "paved.example.com" is not an http:// or https:// URL with a host`,
		}},
		{"definition fields", `surveys:
  definitions:
    - id: Q1 eNPS
      title: ""
      kind: nps
      opens: 2026-13-01
      closes: tomorrow
`, []string{
			`paved.yaml:3: surveys.definitions[0].id: "Q1 eNPS" is not a valid name`,
			"paved.yaml:4: surveys.definitions[0].title: is required",
			`paved.yaml:5: surveys.definitions[0].kind: "nps" is not a survey kind; use enps`,
			`paved.yaml:6: surveys.definitions[0].opens: "2026-13-01" is not a day; use YYYY-MM-DD`,
			`paved.yaml:7: surveys.definitions[0].closes: "tomorrow" is not a day`,
		}},
		{"closes before opens", `surveys:
  definitions:
    - {id: s, title: S, kind: enps, opens: 2026-02-01, closes: 2026-01-31}
`, []string{"paved.yaml:3: surveys.definitions[0].closes: 2026-01-31 is before opens (2026-02-01)"}},
		{"teams", `surveys:
  definitions:
    - id: s
      title: S
      kind: pulse
      opens: 2026-02-01
      closes: 2026-02-10
      teams:
        - payments
        - Search Team
        - payments
`, []string{
			`paved.yaml:10: surveys.definitions[0].teams[1]: "Search Team" is not a valid name`,
			`paved.yaml:11: surveys.definitions[0].teams[2]: duplicate team "payments" (also teams[0])`,
		}},
		{"questions", `surveys:
  definitions:
    - id: s
      title: S
      kind: pulse
      opens: 2026-02-01
      closes: 2026-02-10
      questions:
        - {id: enps, text: "Again", type: text}
        - {id: tools, text: "", type: likert, dimension: happiness}
        - {id: tools, text: "Why", type: essay}
        - {id: notes, text: Notes, type: text, dimension: activity}
`, []string{
			`paved.yaml:9: surveys.definitions[0].questions[0].id: "enps" is the id of a built-in question`,
			"paved.yaml:10: surveys.definitions[0].questions[1].text: is required",
			`paved.yaml:10: surveys.definitions[0].questions[1].dimension: "happiness" is not a SPACE dimension; use one of satisfaction, performance, activity, communication, efficiency`,
			`paved.yaml:11: surveys.definitions[0].questions[2].id: duplicate question id "tools" (also questions[1])`,
			`paved.yaml:11: surveys.definitions[0].questions[2].type: "essay" is not a question type; use likert`,
			"paved.yaml:12: surveys.definitions[0].questions[3].dimension: only likert questions have a dimension",
		}},
		{"duplicate and reserved ids", `surveys:
  definitions:
    - {id: q1, title: A, kind: enps, opens: 2026-01-01, closes: 2026-01-02}
    - {id: q1, title: B, kind: enps, opens: 2026-01-01, closes: 2026-01-02}
    - {id: trend, title: C, kind: enps, opens: 2026-01-01, closes: 2026-01-02}
`, []string{
			`paved.yaml:4: surveys.definitions[1].id: duplicate survey id "q1" (also surveys.definitions[0])`,
			`paved.yaml:5: surveys.definitions[2].id: "trend" is reserved`,
		}},
		{"unknown key", "surveys:\n  definitions:\n    - {id: s, title: S, kind: enps, opens: 2026-01-01, closes: 2026-01-02, anonymous: true}\n", []string{
			`paved.yaml:3: surveys.definitions[0].anonymous: unknown key "anonymous"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadString(t, tt.src)
			if err == nil {
				t.Fatal("invalid configuration was accepted")
			}
			got := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("errors lack %q:\n%s", w, got)
				}
			}
		})
	}
}
