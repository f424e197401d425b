package usage

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/catalog/catalogtest"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
)

// orgShape is a generated organisation's use of the platform.
type orgShape struct {
	teams, usersPerTeam, features int
	// perDay is how many features a user uses on a working day.
	perDay int
}

// year100 is a year of a 100-team organisation: 800 users, 30
// features, up to four uses a working day each (a team skips the
// features it does not use) — 744,251 events.
var year100 = orgShape{teams: 100, usersPerTeam: 8, features: 30, perDay: 4}

// generate calls emit with the events of the days from `from` for `days`
// days, in time order, one day at a time. Feature popularity falls off
// (feature k about 1/(k+1) as often as feature 0), and each team uses
// only the features its seed gives it, so adoption varies.
func (o orgShape) generate(from time.Time, days int, emit func([]Event) error) error {
	rng := rand.New(rand.NewPCG(1, 2))
	weights := make([]float64, o.features)
	total := 0.0
	for k := range weights {
		weights[k] = 1 / float64(k+1)
		total += weights[k]
	}
	pick := func() int {
		x := rng.Float64() * total
		for k, w := range weights {
			if x -= w; x < 0 {
				return k
			}
		}
		return o.features - 1
	}
	// A team knows of a feature with a chance that falls with its rank.
	uses := make([][]bool, o.teams)
	for t := range uses {
		uses[t] = make([]bool, o.features)
		for k := range uses[t] {
			uses[t][k] = rng.Float64() < 1.2-float64(k)/float64(o.features)
		}
	}
	var batch []Event
	for d := range days {
		dayStart := from.AddDate(0, 0, d)
		if wd := dayStart.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		batch = batch[:0]
		for t := range o.teams {
			for u := range o.usersPerTeam {
				for range o.perDay {
					k := pick()
					if !uses[t][k] {
						continue
					}
					batch = append(batch, Event{
						ID: fmt.Sprintf("g%d-%d", d, len(batch)), Feature: fmt.Sprintf("idp.feature-%02d", k), Action: DefaultAction,
						Team: fmt.Sprintf("team-%d", t), Actor: fmt.Sprintf("user-%d-%d", t, u),
						Time: dayStart.Add(time.Duration(8*3600+rng.IntN(9*3600)) * time.Second),
					})
				}
			}
		}
		if err := emit(batch); err != nil {
			return err
		}
	}
	return nil
}

// catalogOf is a catalog YAML of n teams, team-0 to team-(n-1).
func catalogOf(n int) []byte {
	var b strings.Builder
	b.WriteString("teams:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - name: team-%d\n", i)
	}
	return []byte(b.String())
}

// benchService is a usage service on db with o's teams in the catalog,
// its clock at testNow.
func benchService(b *testing.B, db *store.DB, o orgShape) *Service {
	b.Helper()
	cfg := config.Default()
	cat := catalogtest.Open(b, db, cfg, catalogOf(o.teams))
	s, err := NewService(cfg, cat, db, nil)
	if err != nil {
		b.Fatal(err)
	}
	s.now = func() time.Time { return testNow }
	return s
}

func engines(b *testing.B, fn func(b *testing.B, db func(testing.TB) *store.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, storetest.SQLite) })
	b.Run("postgres", func(b *testing.B) { fn(b, storetest.Postgres) })
}

// BenchmarkIngestBatch posts full batches (1000 events of a working day
// of year100) through Ingest: hashing, the idempotency check and every
// rollup, in one transaction.
func BenchmarkIngestBatch(b *testing.B) {
	engines(b, func(b *testing.B, open func(testing.TB) *store.DB) {
		s := benchService(b, open(b), year100)
		var batches [][]Event
		err := year100.generate(testNow.AddDate(0, 0, -180), 180, func(evs []Event) error {
			for len(evs) >= MaxBatch {
				batches = append(batches, append([]Event(nil), evs[:MaxBatch]...))
				evs = evs[MaxBatch:]
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		i := 0
		for b.Loop() {
			if i == len(batches) {
				b.Fatalf("ran out of batches after %d", i)
			}
			res, err := s.Ingest(ctx, batches[i])
			if err != nil || res.Recorded != MaxBatch {
				b.Fatalf("%+v %v", res, err)
			}
			i++
		}
		b.ReportMetric(float64(b.N*MaxBatch)/b.Elapsed().Seconds(), "events/s")
	})
}

// BenchmarkSummaryYear summarises a year of year100 (loaded through
// Ingest) over the page's default 12 weeks and over 52.
func BenchmarkSummaryYear(b *testing.B) {
	engines(b, func(b *testing.B, open func(testing.TB) *store.DB) {
		db := open(b)
		s := benchService(b, db, year100)
		ctx := context.Background()
		start, events := time.Now(), 0
		err := year100.generate(testNow.AddDate(-1, 0, 0), 366, func(evs []Event) error {
			for len(evs) > 0 {
				n := min(len(evs), MaxBatch)
				if _, err := s.Ingest(ctx, evs[:n]); err != nil {
					return err
				}
				events += n
				evs = evs[n:]
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("loaded %d events in %v (%.0f events/s)", events, time.Since(start).Round(time.Millisecond), float64(events)/time.Since(start).Seconds())
		for _, weeks := range []int{12, 52} {
			b.Run(fmt.Sprintf("weeks=%d", weeks), func(b *testing.B) {
				for b.Loop() {
					sum, err := s.Summary(ctx, weeks)
					if err != nil || sum.CatalogTeams != year100.teams || len(sum.Features) != year100.features {
						b.Fatalf("%v: %d teams, %d features", err, sum.CatalogTeams, len(sum.Features))
					}
				}
			})
		}
	})
}

// BenchmarkRecord is the cost a page pays to record its view.
func BenchmarkRecord(b *testing.B) {
	s := benchService(b, storetest.SQLite(b), orgShape{teams: 1})
	b.Cleanup(func() { s.Close(context.Background()) })
	ev := Event{Feature: "ui.costs", Action: "view", Actor: "tok_0123456789abcdef", Team: "team-0"}
	for b.Loop() {
		s.Record(ev)
	}
}
