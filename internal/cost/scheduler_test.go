package cost

import (
	"context"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
)

// TestSchedulerLock runs two schedulers (two replicas) on one database:
// on PostgreSQL only one runs the checks at a time; SQLite has one
// process and no lock.
func TestSchedulerLock(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := newAlertService(t, db, config.Cost{})
		b := NewService(a.cfg, a.catalog, db)
		var ranInside bool
		ranA, err := a.withAlertLock(ctx, func(ctx context.Context) error {
			var err error
			_, ranInside, err = b.RunOnce(ctx, t0)
			return err
		})
		if err != nil || !ranA {
			t.Fatalf("first scheduler: ran %v, %v", ranA, err)
		}
		if want := db.Dialect != store.Postgres; ranInside != want {
			t.Errorf("second scheduler ran while the first held the lock: %v (want %v on %s)", ranInside, want, db.Dialect)
		}
		// Released: the second one runs now, and so does the first again.
		for _, svc := range []*Service{b, a} {
			if _, ran, err := svc.RunOnce(ctx, t0); err != nil || !ran {
				t.Errorf("after release: ran %v, %v", ran, err)
			}
		}
	})
}

func TestOnImport(t *testing.T) {
	svc := &Service{}
	var got []string
	svc.OnImport(func(imp Import) { got = append(got, "first "+imp.ID) })
	svc.OnImport(func(imp Import) { got = append(got, "second "+imp.ID) })
	svc.afterImport(Import{ID: "imp_1"})
	if len(got) != 2 || got[0] != "first imp_1" || got[1] != "second imp_1" {
		t.Errorf("hooks ran: %v", got)
	}
	select {
	case <-svc.pokeChan():
	default:
		t.Errorf("an import did not wake the scheduler")
	}
	// Imports while a run is pending do not block.
	svc.afterImport(Import{ID: "imp_2"})
	svc.afterImport(Import{ID: "imp_3"})
}

// TestRunScheduler checks that the scheduler runs the checks when it
// starts and again when an import wakes it, and stops with its context.
func TestRunScheduler(t *testing.T) {
	db := storetest.SQLite(t)
	svc := newAlertService(t, db, config.Cost{Budgets: config.Budgets{Teams: map[string]config.TeamBudget{"payments": {Amount: 100}}}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		svc.RunScheduler(ctx, time.Hour)
		close(done)
	}()
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(dayLayout)
	seed(t, db, daily("payments", "checkout", yesterday, yesterday, constant(150)))
	svc.afterImport(Import{ID: "imp_x"})
	deadline := time.Now().Add(10 * time.Second)
	for {
		alerts, err := svc.Alerts(context.Background(), "payments", "")
		if err != nil {
			t.Fatal(err)
		}
		if len(alerts) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no alert 10 s after an import woke the scheduler")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the scheduler did not stop with its context")
	}
}
