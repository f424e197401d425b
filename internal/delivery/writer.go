package delivery

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/store"
)

// maxBatch bounds how many events one transaction applies.
const maxBatch = 256

// applyTimeout bounds one batch's transaction.
const applyTimeout = 30 * time.Second

// pgLockKey is the PostgreSQL advisory lock every delivery write holds
// for its transaction, so that replicas sharing the database link one
// batch at a time (landing order and links are read-modify-write).
const pgLockKey = 0x70617665_64656c76 // "pavedelv"

// outcome is what applying one event did.
type outcome struct {
	duplicate bool
	// id is the deployment, change or incident the event wrote, if any.
	id string
}

// errClosed answers events submitted after Close.
var errClosed = &api.Error{Status: 503, Code: "unavailable", Message: "paved is shutting down; retry the delivery"}

// writer applies events through one goroutine in group commits: it takes
// whatever events are waiting, applies them in one transaction and
// answers each once that transaction has committed. SQLite has a single
// writer, so this turns N concurrent requests into one commit instead of
// N; on PostgreSQL it saves the same round trips.
type writer struct {
	db    *store.DB
	apply func(ctx context.Context, tx *sql.Tx, ev *event) (outcome, error)
	// before runs ahead of each batch's transaction (preparing statements).
	before func(ctx context.Context)
	jobs   chan job
	quit   chan struct{}
	done   chan struct{}
	start  sync.Once
	stop   sync.Once
	// coming counts deliveries being read and parsed, soon submitted.
	coming atomic.Int64
	// batches and events count what the loop applied, for the benchmark.
	batches, events atomic.Int64
}

// maxLinger bounds how long a batch waits for deliveries still being
// parsed.
const maxLinger = 2 * time.Millisecond

// expect announces a delivery that will be submitted shortly; done
// reports that it was (or will not be).
func (w *writer) expect() (done func()) {
	w.coming.Add(1)
	var once sync.Once
	return func() { once.Do(func() { w.coming.Add(-1) }) }
}

type job struct {
	ev    *event
	reply chan reply
}

type reply struct {
	out outcome
	err error
}

func newWriter(db *store.DB, apply func(context.Context, *sql.Tx, *event) (outcome, error), before func(context.Context)) *writer {
	return &writer{db: db, apply: apply, before: before, jobs: make(chan job), quit: make(chan struct{}), done: make(chan struct{})}
}

// submit applies ev and returns once it is committed (or failed).
func (w *writer) submit(ctx context.Context, ev *event) (outcome, error) {
	return w.submitExpected(ctx, ev, func() {})
}

// submitExpected is submit for a delivery announced by expect: done runs
// as soon as the writer has taken it.
func (w *writer) submitExpected(ctx context.Context, ev *event, done func()) (outcome, error) {
	w.start.Do(func() { go w.loop() })
	defer done()
	j := job{ev: ev, reply: make(chan reply, 1)}
	select {
	case w.jobs <- j:
		done()
	case <-w.quit:
		return outcome{}, errClosed
	case <-ctx.Done():
		return outcome{}, ctx.Err()
	}
	select {
	case r := <-j.reply:
		return r.out, r.err
	case <-ctx.Done():
		// The event is still applied; only the caller stopped waiting.
		return outcome{}, ctx.Err()
	}
}

// close stops the loop after the events already taken are written.
func (w *writer) close() {
	w.stop.Do(func() {
		close(w.quit)
		// A writer that never started has nothing to wait for.
		w.start.Do(func() { close(w.done) })
	})
	<-w.done
}

func (w *writer) loop() {
	defer close(w.done)
	batch := make([]job, 0, maxBatch)
	for {
		select {
		case j := <-w.jobs:
			batch = append(batch[:0], j)
		case <-w.quit:
			return
		}
		// Take everyone already waiting, and those about to be (their
		// bodies are being read and checked): they share this commit.
		// Waiting a little for them costs far less than a commit each.
		var linger <-chan time.Time
	more:
		for len(batch) < maxBatch {
			select {
			case j := <-w.jobs:
				batch = append(batch, j)
				continue
			default:
			}
			if w.coming.Load() <= 0 {
				break
			}
			if linger == nil {
				linger = time.After(maxLinger)
			}
			select {
			case j := <-w.jobs:
				batch = append(batch, j)
			case <-linger:
				break more
			}
		}
		w.batches.Add(1)
		w.events.Add(int64(len(batch)))
		w.run(batch)
	}
}

// run applies a batch in one transaction. If that fails, each event is
// retried in a transaction of its own, so that one bad event (or a
// deadlock) fails only its own request.
func (w *writer) run(batch []job) {
	ctx, cancel := context.WithTimeout(context.Background(), applyTimeout)
	defer cancel()
	if w.before != nil {
		w.before(ctx)
	}
	outs := make([]outcome, len(batch))
	err := w.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := w.lock(ctx, tx); err != nil {
			return err
		}
		for i, j := range batch {
			out, err := w.safeApply(ctx, tx, j.ev)
			if err != nil {
				return err
			}
			outs[i] = out
		}
		return nil
	})
	if err == nil {
		for i, j := range batch {
			j.reply <- reply{out: outs[i]}
		}
		return
	}
	if len(batch) > 1 {
		slog.Debug("delivery batch failed; applying its events one by one", "events", len(batch), "err", err)
	}
	for _, j := range batch {
		var out outcome
		err := w.db.Tx(ctx, func(tx *sql.Tx) error {
			if err := w.lock(ctx, tx); err != nil {
				return err
			}
			var err error
			out, err = w.safeApply(ctx, tx, j.ev)
			return err
		})
		if err != nil && !errors.As(err, new(*api.Error)) {
			slog.Error("applying a delivery event failed", "key", j.ev.key, "kind", j.ev.kind, "err", err)
		}
		j.reply <- reply{out: out, err: err}
	}
}

// safeApply applies one event, turning a panic (a bug) into that event's
// error rather than the end of the process.
func (w *writer) safeApply(ctx context.Context, tx *sql.Tx, ev *event) (out outcome, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("applying %s %s panicked: %v", ev.source, ev.kind, p)
		}
	}()
	return w.apply(ctx, tx, ev)
}

func (w *writer) lock(ctx context.Context, tx *sql.Tx) error {
	if w.db.Dialect != store.Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(pgLockKey))
	return err
}
