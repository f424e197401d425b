package survey

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchResponses answers pulseSurvey n times across teams teams of
// uneven sizes, one in four with free text.
func benchResponses(n, teams int) []Response {
	rng := rand.New(rand.NewPCG(7, 7))
	rs := make([]Response, n)
	for i := range rs {
		// Squaring skews sizes, so some teams fall below the threshold.
		team := int(float64(teams) * rng.Float64() * rng.Float64())
		text := ""
		if i%4 == 0 {
			text = fmt.Sprintf("answer %d", i)
		}
		rs[i] = answer(fmt.Sprintf("team-%d", team), rng.IntN(11), 1+rng.IntN(5), 1+rng.IntN(5), text)
	}
	return rs
}

// BenchmarkCompute measures publishing a survey: tallying every answer per
// team, folding small teams and scoring every group.
func BenchmarkCompute(b *testing.B) {
	sv := pulseSurvey()
	for _, size := range []struct{ answers, teams int }{{200, 20}, {5000, 100}, {50000, 500}} {
		rs := benchResponses(size.answers, size.teams)
		b.Run(fmt.Sprintf("answers=%d/teams=%d", size.answers, size.teams), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				res := Compute(sv, StatusClosed, rs, 5)
				if !res.Published {
					b.Fatal("not published")
				}
			}
		})
	}
}

// BenchmarkFold measures the anonymity grouping alone.
func BenchmarkFold(b *testing.B) {
	counts := map[string]int{}
	for i := 0; i < 500; i++ {
		counts[fmt.Sprintf("team-%d", i)] = i % 9
	}
	b.ReportAllocs()
	for b.Loop() {
		fold(counts, 5)
	}
}
