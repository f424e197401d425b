package usage

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

func TestRecord(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newTestService(t, db)
		// Page views from many requests at once; one has its own time.
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Go(func() {
				actor := []string{"alice", "dave"}[i%2]
				s.Record(Event{Feature: "ui.costs", Action: "view", Team: s.TeamOf(actor), Actor: actor})
			})
		}
		wg.Wait()
		s.Record(Event{Feature: "ui.teams", Action: "view", Time: testNow.AddDate(0, 0, -7)})
		if err := s.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		sum, err := s.Summary(ctx, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(sum.Features) != 2 {
			t.Fatalf("features = %+v", sum.Features)
		}
		costs, teams := sum.Features[0], sum.Features[1]
		if costs.Feature != "ui.costs" || costs.Events != 40 || costs.WeeklyActiveTeams[1] != 2 || costs.WeeklyActiveUsers[1] != 2 || costs.AdoptedTeams != 2 {
			t.Errorf("ui.costs = %+v", costs)
		}
		if teams.Feature != "ui.teams" || teams.WeeklyEvents[0] != 1 || teams.Users != 0 {
			t.Errorf("ui.teams = %+v", teams)
		}
		if got := value(s.rec.recorded); got != 41 {
			t.Errorf("recorded = %v, want 41", got)
		}

		// After Close, events are dropped and counted, not queued.
		if err := s.Close(ctx); err != nil {
			t.Fatal(err)
		}
		s.Record(Event{Feature: "ui.costs"})
		if got := value(s.rec.dropped.WithLabelValues("stopping")); got != 1 {
			t.Errorf("dropped while stopping = %v, want 1", got)
		}
	})
}

// TestRecordNeverBlocks: with the writer stuck, Record returns at once
// and counts what the full queue cannot take.
func TestRecordNeverBlocks(t *testing.T) {
	s := newTestService(t, storetest.SQLite(t))
	s.rec = newRecorder(s, 3)
	s.rec.start.Do(func() {}) // no writer: the queue only fills
	t.Cleanup(func() { close(s.rec.done) })
	start := time.Now()
	for range 10 {
		s.Record(Event{Feature: "ui.costs"})
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("10 records took %v", d)
	}
	if got := value(s.rec.dropped.WithLabelValues("queue_full")); got != 7 {
		t.Errorf("dropped = %v, want 7", got)
	}
	if got := value(s.rec.queueLen); got != 3 {
		t.Errorf("queue length = %v, want 3", got)
	}
}

// TestRecordDropsWhatTheDatabaseRefuses: a failed write is counted, not
// retried for ever nor surfaced to a page.
func TestRecordDropsWhatTheDatabaseRefuses(t *testing.T) {
	db := storetest.SQLite(t)
	s := newTestService(t, db)
	db.Close()
	s.Record(Event{Feature: "ui.costs", Actor: "alice"})
	s.Record(Event{Feature: "ui.costs"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := value(s.rec.dropped.WithLabelValues("write_failed")); got != 2 {
		t.Errorf("dropped = %v, want 2", got)
	}
}

func TestCloseWithoutRecords(t *testing.T) {
	s := newTestService(t, storetest.SQLite(t))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(ctx); err != nil {
		t.Errorf("Flush after Close = %v", err)
	}
}

// value reads a counter or gauge.
func value(m prometheus.Metric) float64 {
	var d dto.Metric
	if err := m.Write(&d); err != nil {
		panic(err)
	}
	if c := d.GetCounter(); c != nil {
		return c.GetValue()
	}
	return d.GetGauge().GetValue()
}
