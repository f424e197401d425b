package survey

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// fullForm answers every scored question of pulseSurvey.
func fullForm() url.Values {
	return url.Values{"enps": {"9"}, "satisfaction": {"4"}, "performance": {"3"}, "activity": {"5"},
		"communication": {"1"}, "efficiency": {"2"}, "docs": {"4"}}
}

func TestParseAnswers(t *testing.T) {
	sv := pulseSurvey()
	with := func(changes map[string][]string) url.Values {
		f := fullForm()
		for k, v := range changes {
			if v == nil {
				f.Del(k)
			} else {
				f[k] = v
			}
		}
		return f
	}
	tests := []struct {
		name     string
		form     url.Values
		problems map[string]string // question id → substring of its problem
		texts    map[string]string
	}{
		{"complete", fullForm(), nil, map[string]string{}},
		{"with text, trimmed and cleaned", with(map[string][]string{"better": {"  Faster\r\nbuilds\x00 \x07 "}, "unknown": {"x"}}), nil,
			map[string]string{"better": "Faster\nbuilds"}},
		{"blank text is no answer", with(map[string][]string{"better": {"   "}}), nil, map[string]string{}},
		{"eNPS missing", with(map[string][]string{"enps": nil}), map[string]string{"enps": "is required: choose a score from 0"}, nil},
		{"eNPS blank", with(map[string][]string{"enps": {" "}}), map[string]string{"enps": "is required"}, nil},
		{"eNPS 11", with(map[string][]string{"enps": {"11"}}), map[string]string{"enps": `"11" is not an answer; choose a score from 0 (not at all likely) to 10`}, nil},
		{"eNPS -1", with(map[string][]string{"enps": {"-1"}}), map[string]string{"enps": `"-1" is not an answer`}, nil},
		{"eNPS not a number", with(map[string][]string{"enps": {"ten"}}), map[string]string{"enps": `"ten" is not an answer`}, nil},
		{"eNPS fraction", with(map[string][]string{"enps": {"9.5"}}), map[string]string{"enps": `"9.5" is not an answer`}, nil},
		{"eNPS twice", with(map[string][]string{"enps": {"9", "10"}}), map[string]string{"enps": "more than once"}, nil},
		{"Likert 0", with(map[string][]string{"satisfaction": {"0"}}), map[string]string{"satisfaction": "from strongly disagree (1) to strongly agree (5)"}, nil},
		{"Likert 6 and extra item missing", with(map[string][]string{"activity": {"6"}, "docs": nil}),
			map[string]string{"activity": `"6" is not an answer`, "docs": "is required"}, nil},
		{"long value is cut when echoed", with(map[string][]string{"enps": {strings.Repeat("9", 50)}}), map[string]string{"enps": `"99999999999999999999…" is not an answer`}, nil},
		{"text too long", with(map[string][]string{"better": {strings.Repeat("é", MaxTextAnswer+1)}}), map[string]string{"better": "is 2001 characters long; shorten it to at most 2000"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, problems := ParseAnswers(sv, tt.form)
			if len(problems) != len(tt.problems) {
				t.Fatalf("problems = %v, want %d", problems, len(tt.problems))
			}
			for id, want := range tt.problems {
				if !strings.Contains(problems[id], want) {
					t.Errorf("problem of %s = %q, want it to contain %q", id, problems[id], want)
				}
			}
			if tt.problems != nil {
				return
			}
			wantScores := map[string]int{"enps": 9, "satisfaction": 4, "performance": 3, "activity": 5, "communication": 1, "efficiency": 2, "docs": 4}
			if !reflect.DeepEqual(a.Scores, wantScores) || !reflect.DeepEqual(a.Texts, tt.texts) {
				t.Errorf("answers = %+v", a)
			}
			if ps := check(sv, a); ps != nil {
				t.Errorf("parsed answers fail check: %v", ps)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	sv := pulseSurvey()
	good, _ := ParseAnswers(sv, fullForm())
	tests := []struct {
		name  string
		edit  func(a *Answers)
		field string
	}{
		{"out of range", func(a *Answers) { a.Scores["enps"] = 42 }, "enps"},
		{"missing", func(a *Answers) { delete(a.Scores, "docs") }, "docs"},
		{"unknown score", func(a *Answers) { a.Scores["mood"] = 3 }, "mood"},
		{"text for a scored question", func(a *Answers) { a.Texts["enps"] = "ten" }, "enps"},
		{"score for a text question", func(a *Answers) { a.Scores["better"] = 3 }, "better"},
		{"dirty text", func(a *Answers) { a.Texts["better"] = " padded\x00" }, "better"},
	}
	for _, tt := range tests {
		a := Answers{Scores: map[string]int{}, Texts: map[string]string{}}
		for k, v := range good.Scores {
			a.Scores[k] = v
		}
		tt.edit(&a)
		if ps := check(sv, a); ps[tt.field] == "" {
			t.Errorf("%s: check = %v, want a problem with %s", tt.name, ps, tt.field)
		}
	}
}

// FuzzParseAnswers feeds the answer form parser arbitrary form bodies. It
// must never panic, and whatever it accepts must pass check and fit the
// stored shape.
func FuzzParseAnswers(f *testing.F) {
	f.Add(fullForm().Encode())
	f.Add("enps=10&satisfaction=5&performance=5&activity=5&communication=5&efficiency=5&docs=1&better=%00%ff%fe")
	f.Add("enps=9&enps=9")
	f.Add("enps=%2B9&satisfaction=0x3")
	f.Add("better=" + strings.Repeat("%E2%80%AE", 700))
	sv := pulseSurvey()
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		a, problems := ParseAnswers(sv, form)
		if problems != nil {
			return
		}
		if ps := check(sv, a); ps != nil {
			t.Fatalf("ParseAnswers accepted %q but check refuses it: %v", body, ps)
		}
		for id, text := range a.Texts {
			if !utf8.ValidString(text) || text == "" || utf8.RuneCountInString(text) > MaxTextAnswer {
				t.Fatalf("text of %s is %q", id, text)
			}
		}
	})
}
