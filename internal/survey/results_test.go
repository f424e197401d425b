package survey

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/config"
)

var t0 = time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC)

// pulseSurvey asks the eNPS, the five SPACE items, one extra efficiency
// item and a free-text question.
func pulseSurvey() Survey {
	return fromDefinition(config.SurveyDefinition{ID: "pulse", Title: "Pulse", Kind: config.SurveyENPSPulse, Opens: "2026-01-01", Closes: "2026-01-31",
		Questions: []config.SurveyQuestion{
			{ID: "docs", Text: "Docs answer my questions.", Type: config.QuestionLikert, Dimension: config.DimEfficiency},
			{ID: "better", Text: "What should we do better?", Type: config.QuestionText},
		}}, SourceAPI, t0)
}

// answer builds one response: the eNPS score, then the same Likert value
// for every SPACE item, docs, and an optional text.
func answer(team string, enps, likert, docs int, text string) Response {
	a := Answers{Scores: map[string]int{"enps": enps, "docs": docs}, Texts: map[string]string{}}
	for _, d := range config.Dimensions {
		a.Scores[d] = likert
	}
	if text != "" {
		a.Texts["better"] = text
	}
	return Response{Team: team, Answers: a}
}

func TestComputeHandCounted(t *testing.T) {
	sv := pulseSurvey()
	// payments: eNPS 10 9 9 8 7 6 3 → 3 promoters, 2 passives, 2
	// detractors of 7: (3-2)/7 = 14.3. search: 10 9 0 0 5 → 2 - 3 of 5 = -20.
	var rs []Response
	for i, s := range []int{10, 9, 9, 8, 7, 6, 3} {
		text := ""
		if i == 0 {
			text = "Faster builds"
		}
		if i == 1 {
			text = "better docs"
		}
		rs = append(rs, answer("payments", s, 1+i%5, 4, text))
	}
	for _, s := range []int{10, 9, 0, 0, 5} {
		rs = append(rs, answer("search", s, 5, 2, ""))
	}
	res := Compute(sv, StatusClosed, rs, 5)
	if !res.Published || len(res.Groups) != 2 {
		t.Fatalf("results = %+v", res)
	}
	pay, search := res.Groups[0], res.Groups[1]
	want := &ENPS{Score: 14.3, Promoters: 3, Passives: 2, Detractors: 2, Distribution: []int{0, 0, 0, 1, 0, 0, 1, 1, 1, 2, 1}}
	if pay.Name != "payments" || !reflect.DeepEqual(pay.ENPS, want) {
		t.Errorf("payments eNPS = %+v, want %+v", pay.ENPS, want)
	}
	if search.ENPS.Score != -20 || search.ENPS.Promoters != 2 || search.ENPS.Detractors != 3 {
		t.Errorf("search eNPS = %+v", search.ENPS)
	}
	// Overall: 5 promoters, 2 passives, 5 detractors of 12 = 0.
	if o := res.Overall.ENPS; o.Score != 0 || o.Promoters != 5 || o.Detractors != 5 || res.Overall.Responses != 12 {
		t.Errorf("overall eNPS = %+v", o)
	}

	// payments' SPACE items are 1 2 3 4 5 1 2 (mean 18/7 = 2.57, 2 of 7
	// favourable = 0.286); efficiency adds docs, seven 4s: mean
	// (18+28)/14 = 3.29, favourable (2+7)/14 = 0.643.
	dims := map[string]DimensionScore{}
	for _, d := range pay.Dimensions {
		dims[d.Dimension] = d
	}
	if d := dims[config.DimSatisfaction]; d.Mean != 2.57 || d.Favourable != 0.286 || d.Answers != 7 || d.Label != "Satisfaction & well-being" {
		t.Errorf("payments satisfaction = %+v", d)
	}
	if d := dims[config.DimEfficiency]; d.Mean != 3.29 || d.Favourable != 0.643 || d.Answers != 14 {
		t.Errorf("payments efficiency = %+v", d)
	}
	if len(pay.Dimensions) != 5 || pay.Dimensions[0].Dimension != config.DimSatisfaction || pay.Dimensions[4].Dimension != config.DimEfficiency {
		t.Errorf("dimensions out of SPACE order: %+v", pay.Dimensions)
	}
	// search: all 5s and docs all 2s: efficiency (25+10)/10 = 3.5, 5 of 10 favourable.
	for _, d := range search.Dimensions {
		want := DimensionScore{Dimension: d.Dimension, Label: d.Label, Mean: 5, Favourable: 1, Answers: 5}
		if d.Dimension == config.DimEfficiency {
			want.Mean, want.Favourable, want.Answers = 3.5, 0.5, 10
		}
		if d != want {
			t.Errorf("search %s = %+v, want %+v", d.Dimension, d, want)
		}
	}
	// Free text: per group, alphabetical, never in the overall.
	if len(pay.Texts) != 1 || !reflect.DeepEqual(pay.Texts[0].Answers, []string{"better docs", "Faster builds"}) {
		t.Errorf("payments texts = %+v", pay.Texts)
	}
	if len(res.Overall.Texts) != 0 || len(search.Texts) != 0 {
		t.Errorf("texts where there should be none: overall %+v, search %+v", res.Overall.Texts, search.Texts)
	}
}

func TestComputeWithholds(t *testing.T) {
	sv := pulseSurvey()
	rs := []Response{answer("payments", 10, 5, 5, "secret"), answer("payments", 0, 1, 1, ""), answer("search", 9, 4, 4, "")}
	open := Compute(sv, StatusOpen, rs, 3)
	if open.Published || open.Overall != nil || len(open.Groups) != 0 || !strings.Contains(open.Note, "published when the survey closes on 2026-01-31") {
		t.Errorf("open survey results = %+v", open)
	}
	few := Compute(sv, StatusClosed, rs[:2], 3)
	if few.Published || few.Overall != nil || !strings.Contains(few.Note, "2 people answered; results are shown from 3 answers") {
		t.Errorf("results of 2 answers = %+v", few)
	}
	// Three answers reach k=3, but no team has three: all fold into other.
	all := Compute(sv, StatusClosed, rs, 3)
	if !all.Published || len(all.Groups) != 1 || all.Groups[0].Name != OtherGroup || all.Groups[0].Responses != 3 {
		t.Errorf("results of 3 answers = %+v", all.Groups)
	}
}

func TestQuarter(t *testing.T) {
	for day, want := range map[string]string{"2026-01-01": "2026 Q1", "2026-03-31": "2026 Q1", "2026-04-01": "2026 Q2", "2025-12-31": "2025 Q4", "nope": "nope"} {
		if got := Quarter(day); got != want {
			t.Errorf("Quarter(%s) = %s, want %s", day, got, want)
		}
	}
}
