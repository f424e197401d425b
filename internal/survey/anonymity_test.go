package survey

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/paved-dev/paved/internal/config"
)

func TestFold(t *testing.T) {
	tests := []struct {
		name         string
		counts       map[string]int
		k            int
		publish      bool
		shown, other []string
	}{
		{"every team big enough", map[string]int{"a": 5, "b": 7}, 5, true, []string{"a", "b"}, nil},
		{"too few answers in all", map[string]int{"a": 2, "b": 2}, 5, false, nil, nil},
		{"one team, big enough", map[string]int{"a": 9}, 5, true, []string{"a"}, nil},
		{"teams without answers are left out", map[string]int{"a": 6, "b": 0}, 5, true, []string{"a"}, nil},
		// c alone would be "other" with 2 answers, and also total - a - b:
		// the smallest shown team, a, folds in with it.
		{"one small team", map[string]int{"a": 6, "b": 7, "c": 2}, 5, true, []string{"b"}, []string{"a", "c"}},
		{"small teams that reach k together", map[string]int{"a": 6, "c": 3, "d": 2}, 5, true, []string{"a"}, []string{"c", "d"}},
		{"small teams short of k together", map[string]int{"a": 6, "b": 9, "c": 2, "d": 1}, 5, true, []string{"b"}, []string{"a", "c", "d"}},
		{"ties fold by name", map[string]int{"b": 5, "a": 5, "c": 1}, 5, true, []string{"b"}, []string{"a", "c"}},
		{"only small teams", map[string]int{"a": 2, "b": 2, "c": 2}, 5, true, nil, []string{"a", "b", "c"}},
		{"the one shown team folds too", map[string]int{"a": 5, "c": 1}, 5, true, nil, []string{"a", "c"}},
		{"threshold 3", map[string]int{"a": 3, "b": 4, "c": 2}, 3, true, []string{"b"}, []string{"a", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := fold(tt.counts, tt.k)
			if g.publish != tt.publish || !reflect.DeepEqual(g.shown, tt.shown) || !reflect.DeepEqual(g.other, tt.other) {
				t.Errorf("fold(%v, %d) = publish %v, shown %v, other %v\nwant publish %v, shown %v, other %v",
					tt.counts, tt.k, g.publish, g.shown, g.other, tt.publish, tt.shown, tt.other)
			}
		})
	}
}

// TestFoldInvariants checks fold's guarantees on random organisations:
// every published group has k answers or more, every team with answers
// is in exactly one group, and a small team is never alone in "other".
func TestFoldInvariants(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 5000; i++ {
		k := 3 + rng.IntN(6)
		counts := map[string]int{}
		total := 0
		for j := 0; j < 1+rng.IntN(8); j++ {
			n := rng.IntN(2 * k)
			counts[fmt.Sprintf("t%d", j)] = n
			total += n
		}
		g := fold(counts, k)
		if g.publish != (total >= k) {
			t.Fatalf("%v k=%d: publish %v with %d answers", counts, k, g.publish, total)
		}
		if !g.publish {
			continue
		}
		seen := map[string]bool{}
		for _, team := range g.shown {
			if counts[team] < k {
				t.Fatalf("%v k=%d: %s shown with %d answers", counts, k, team, counts[team])
			}
			seen[team] = true
		}
		otherN := 0
		for _, team := range g.other {
			if seen[team] {
				t.Fatalf("%v k=%d: %s in two groups", counts, k, team)
			}
			seen[team] = true
			otherN += counts[team]
		}
		if len(g.other) > 0 && otherN < k {
			t.Fatalf("%v k=%d: other %v has %d answers", counts, k, g.other, otherN)
		}
		if len(g.other) == 1 && counts[g.other[0]] < k {
			t.Fatalf("%v k=%d: other is the one small team %s", counts, k, g.other[0])
		}
		for team, n := range counts {
			if n > 0 && !seen[team] {
				t.Fatalf("%v k=%d: %s with %d answers is in no group", counts, k, team, n)
			}
		}
	}
}

// TestSubtractionAttack plays the attacker who subtracts every team shown
// from the total to isolate the teams that are not. Payments (6 answers)
// and search (7) are big enough on their own; identity has 2, so without
// folding total - payments - search would be identity's two answers. With
// folding the most the attacker isolates is "other", which holds payments
// too: never fewer than k answers, never identity's alone.
func TestSubtractionAttack(t *testing.T) {
	const k = 5
	sv := fromDefinition(config.SurveyDefinition{ID: "q", Title: "Q", Kind: config.SurveyENPS, Opens: "2026-01-01", Closes: "2026-01-31"}, SourceAPI, t0)
	scores := map[string][]int{
		"payments": {10, 10, 9, 9, 8, 7},
		"search":   {6, 6, 5, 9, 10, 10, 8},
		"identity": {0, 1},
	}
	var responses []Response
	for team, ss := range scores {
		for _, s := range ss {
			responses = append(responses, Response{Team: team, Answers: Answers{Scores: map[string]int{"enps": s}}})
		}
	}
	res := Compute(sv, StatusClosed, responses, k)
	if !res.Published || res.Overall == nil {
		t.Fatalf("results not published: %+v", res)
	}

	// What the attacker can compute: the overall distribution minus every
	// group shown with a team name.
	residual := slices.Clone(res.Overall.ENPS.Distribution)
	residualN := res.Overall.Responses
	for _, g := range res.Groups {
		if g.Name == OtherGroup {
			continue
		}
		residualN -= g.Responses
		for i, c := range g.ENPS.Distribution {
			residual[i] -= c
		}
		if g.Name == "identity" {
			t.Errorf("identity is shown on its own with %d answers", g.Responses)
		}
	}
	identity := make([]int, 11)
	for _, s := range scores["identity"] {
		identity[s]++
	}
	if reflect.DeepEqual(residual, identity) || residualN < k {
		t.Fatalf("subtracting the teams shown from the total isolates %d answers %v; identity's are %v", residualN, residual, identity)
	}
	// The residual is exactly "other", which is published anyway, and
	// holds payments' answers beside identity's.
	other := res.Groups[len(res.Groups)-1]
	if other.Name != OtherGroup || !reflect.DeepEqual(other.Teams, []string{"identity", "payments"}) || other.Responses != 8 {
		t.Fatalf("other = %+v, want identity and payments with 8 answers", other)
	}
	if !reflect.DeepEqual(residual, other.ENPS.Distribution) {
		t.Errorf("residual %v is not other's distribution %v", residual, other.ENPS.Distribution)
	}
	// Shown: search alone. Other: (10+10+9+9 promoters, 8+7 passives, 0+1
	// detractors) = 4 - 2 of 8 = 25.
	if len(res.Groups) != 2 || res.Groups[0].Name != "search" || other.ENPS.Score != 25 {
		t.Errorf("groups = %+v", res.Groups)
	}

	// Without the folding, the attack works: this is the naive grouping
	// the test guards against.
	naive := 0
	for _, ss := range scores {
		if len(ss) >= k {
			naive += len(ss)
		}
	}
	if res.Overall.Responses-naive != len(scores["identity"]) {
		t.Fatal("the scenario no longer exposes identity to naive grouping")
	}
}
