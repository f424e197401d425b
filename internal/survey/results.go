package survey

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/paved-dev/paved/internal/config"
)

// TeamParticipation is how many of a team's invites were answered. Counts
// are always shown: they say who took part, never what anyone answered.
type TeamParticipation struct {
	Team      string `json:"team"`
	Invited   int    `json:"invited"`
	Responses int    `json:"responses"`
	// ResponseRate is Responses / Invited, 0 to 1.
	ResponseRate float64 `json:"response_rate"`
}

// ENPS is a group's employee Net Promoter Score.
type ENPS struct {
	// Score is the share of promoters (9-10) minus the share of
	// detractors (0-6), in points from -100 to 100, to one decimal.
	Score      float64 `json:"score"`
	Promoters  int     `json:"promoters"`
	Passives   int     `json:"passives"`
	Detractors int     `json:"detractors"`
	// Distribution counts the answers per score, 0 to 10.
	Distribution []int `json:"distribution"`
}

// DimensionScore is a SPACE dimension's Likert items taken together.
type DimensionScore struct {
	Dimension string `json:"dimension"`
	Label     string `json:"label"`
	// Mean is the mean answer from 1 to 5, to two decimals.
	Mean float64 `json:"mean"`
	// Favourable is the share of answers of 4 or 5, 0 to 1, to three
	// decimals.
	Favourable float64 `json:"favourable"`
	Answers    int     `json:"answers"`
}

// ItemScore is one Likert item's answers.
type ItemScore struct {
	Question   string  `json:"question"`
	Text       string  `json:"text"`
	Dimension  string  `json:"dimension"`
	Mean       float64 `json:"mean"`
	Favourable float64 `json:"favourable"`
	// Distribution counts the answers 1 to 5.
	Distribution []int `json:"distribution"`
}

// TextAnswers are the free-text answers to one question, in alphabetical
// order (never the order they came in).
type TextAnswers struct {
	Question string   `json:"question"`
	Text     string   `json:"text"`
	Answers  []string `json:"answers"`
}

// Group is the published results of a team, of "other" (small teams
// folded together) or of everyone ("all").
type Group struct {
	Name string `json:"name"`
	// Teams are the teams whose answers the group holds.
	Teams      []string         `json:"teams"`
	Responses  int              `json:"responses"`
	ENPS       *ENPS            `json:"enps,omitempty"`
	Dimensions []DimensionScore `json:"dimensions,omitempty"`
	Items      []ItemScore      `json:"items,omitempty"`
	Texts      []TextAnswers    `json:"texts,omitempty"`
}

// AllGroup names the group of every answer.
const AllGroup = "all"

// Results is a survey's participation and, once it is closed and enough
// people answered, its published results.
type Results struct {
	Survey       Survey `json:"survey"`
	Status       string `json:"status"`
	MinResponses int    `json:"min_responses"`
	Invited      int    `json:"invited"`
	Responses    int    `json:"responses"`
	// ResponseRate is Responses / Invited, 0 to 1.
	ResponseRate  float64             `json:"response_rate"`
	Participation []TeamParticipation `json:"participation"`
	// Published is true when the survey is closed and at least
	// MinResponses people answered; Note says why not otherwise.
	Published bool   `json:"published"`
	Note      string `json:"note,omitempty"`
	// Overall is everyone's answers together (no free text: that is
	// shown per group).
	Overall *Group `json:"overall,omitempty"`
	// Groups are the teams shown on their own, by name, then "other".
	Groups []Group `json:"groups"`
}

// Results returns a survey's results as of now.
func (s *Service) Results(ctx context.Context, id string) (Results, error) {
	sv, err := s.Get(ctx, id)
	if err != nil {
		return Results{}, err
	}
	parts, err := s.store.participation(ctx, id)
	if err != nil {
		return Results{}, err
	}
	status := sv.Status(s.now())
	var res Results
	if status == StatusClosed {
		if res, err = s.closedResults(ctx, sv); err != nil {
			return Results{}, err
		}
	} else {
		res = Compute(sv, status, nil, s.MinResponses())
	}
	res.Participation = parts
	for i := range parts {
		parts[i].ResponseRate = rate(parts[i].Responses, parts[i].Invited)
		res.Invited += parts[i].Invited
		if status != StatusClosed {
			res.Responses += parts[i].Responses
		}
	}
	res.ResponseRate = rate(res.Responses, res.Invited)
	return res, nil
}

// Compute publishes a survey's answers under the anonymity threshold k.
// Answers are published only once the survey is closed, so that nobody
// can tell one person's answer by watching results change as it comes in;
// then per group as fold decides.
func Compute(sv Survey, status string, responses []Response, k int) Results {
	res := Results{Survey: sv, Status: status, MinResponses: k, Responses: len(responses), Groups: []Group{}}
	switch {
	case status != StatusClosed:
		res.Note = fmt.Sprintf("Results are published when the survey closes on %s, so that nobody's answer can be worked out by watching the results change as answers come in.", sv.Closes)
		return res
	case len(responses) < k:
		res.Note = fmt.Sprintf("%d people answered; results are shown from %d answers (surveys.min_responses), so that no answer can be told apart.", len(responses), k)
		return res
	}
	// Tally per team in one pass, then merge teams into their groups.
	tallies := map[string]*tally{}
	for _, r := range responses {
		t := tallies[r.Team]
		if t == nil {
			t = newTally(sv)
			tallies[r.Team] = t
		}
		t.add(sv, r.Answers)
	}
	counts := make(map[string]int, len(tallies))
	for team, t := range tallies {
		counts[team] = t.n
	}
	g := fold(counts, k)
	res.Published = true
	all := newTally(sv)
	for _, t := range tallies {
		all.merge(t)
	}
	overall := all.group(sv, AllGroup, slices.Sorted(maps.Keys(tallies)), false)
	res.Overall = &overall
	for _, team := range g.shown {
		res.Groups = append(res.Groups, tallies[team].group(sv, team, []string{team}, true))
	}
	if len(g.other) > 0 {
		other := newTally(sv)
		for _, team := range g.other {
			other.merge(tallies[team])
		}
		res.Groups = append(res.Groups, other.group(sv, OtherGroup, g.other, true))
	}
	return res
}

// tally counts one group's answers, indexed like the survey's questions.
type tally struct {
	n      int
	scores [][]int    // per question, a count per score (0-10 or 1-5 at index score)
	texts  [][]string // per question
}

func newTally(sv Survey) *tally {
	t := &tally{scores: make([][]int, len(sv.Questions)), texts: make([][]string, len(sv.Questions))}
	for i, q := range sv.Questions {
		if q.Scored() {
			t.scores[i] = make([]int, q.Max()+1)
		}
	}
	return t
}

func (t *tally) add(sv Survey, a Answers) {
	t.n++
	for i, q := range sv.Questions {
		if q.Scored() {
			if v, ok := a.Scores[q.ID]; ok && v >= q.Min() && v <= q.Max() {
				t.scores[i][v]++
			}
		} else if text := a.Texts[q.ID]; text != "" {
			t.texts[i] = append(t.texts[i], text)
		}
	}
}

func (t *tally) merge(o *tally) {
	t.n += o.n
	for i := range t.scores {
		for v, c := range o.scores[i] {
			t.scores[i][v] += c
		}
		t.texts[i] = append(t.texts[i], o.texts[i]...)
	}
}

// group turns a tally into published results.
func (t *tally) group(sv Survey, name string, teams []string, withTexts bool) Group {
	g := Group{Name: name, Teams: teams, Responses: t.n}
	dims := map[string][]int{}
	for i, q := range sv.Questions {
		switch q.Type {
		case TypeENPS:
			g.ENPS = enps(t.scores[i])
		case TypeLikert:
			counts := t.scores[i][1:]
			mean, fav, _ := likert(counts)
			g.Items = append(g.Items, ItemScore{Question: q.ID, Text: q.Text, Dimension: q.Dimension, Mean: mean, Favourable: fav,
				Distribution: slices.Clone(counts)})
			if dims[q.Dimension] == nil {
				dims[q.Dimension] = make([]int, 5)
			}
			for v, c := range counts {
				dims[q.Dimension][v] += c
			}
		case TypeText:
			if withTexts && len(t.texts[i]) > 0 {
				g.Texts = append(g.Texts, TextAnswers{Question: q.ID, Text: q.Text, Answers: sortedFold(t.texts[i])})
			}
		}
	}
	for _, d := range config.Dimensions {
		if counts, ok := dims[d]; ok {
			mean, fav, n := likert(counts)
			g.Dimensions = append(g.Dimensions, DimensionScore{Dimension: d, Label: DimensionLabels[d], Mean: mean, Favourable: fav, Answers: n})
		}
	}
	return g
}

// sortedFold returns texts in case-insensitive alphabetical order.
func sortedFold(texts []string) []string {
	type keyed struct{ key, text string }
	ks := make([]keyed, len(texts))
	for i, t := range texts {
		ks[i] = keyed{strings.ToLower(t), t}
	}
	slices.SortFunc(ks, func(a, b keyed) int { return cmp.Or(strings.Compare(a.key, b.key), strings.Compare(a.text, b.text)) })
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.text
	}
	return out
}

// enps scores a distribution of 0-10 answers.
func enps(dist []int) *ENPS {
	e := &ENPS{Distribution: slices.Clone(dist)}
	n := 0
	for score, c := range dist {
		n += c
		switch {
		case score >= 9:
			e.Promoters += c
		case score >= 7:
			e.Passives += c
		default:
			e.Detractors += c
		}
	}
	if n > 0 {
		e.Score = round(float64(e.Promoters-e.Detractors)*100/float64(n), 1)
	}
	return e
}

// likert returns the mean, the favourable share and the number of
// answers of counts of the answers 1 to 5.
func likert(counts []int) (mean, favourable float64, n int) {
	sum := 0
	for i, c := range counts {
		n += c
		sum += (i + 1) * c
	}
	if n == 0 {
		return 0, 0, 0
	}
	fav := counts[3] + counts[4]
	return round(float64(sum)/float64(n), 2), round(float64(fav)/float64(n), 3), n
}

func round(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(v*p) / p
}
