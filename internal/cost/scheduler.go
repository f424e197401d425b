package cost

import (
	"context"
	"database/sql"
	"hash/fnv"
	"log/slog"
	"sync"
	"time"

	"github.com/paved-dev/paved/internal/store"
)

// alerting is the Service's state for alerts: the import hooks, the
// scheduler's wake-up and the metrics cache. Its zero value is ready.
type alerting struct {
	mu      sync.Mutex
	hooks   []func(Import)
	poke    chan struct{}
	metrics metricsCache
}

// OnImport registers fn to be called after every successful import. It
// runs on the importing goroutine, so it should be quick (hand work to
// another goroutine); the scheduler needs no hook of its own, as every
// import wakes it.
func (s *Service) OnImport(fn func(Import)) {
	s.alerting.mu.Lock()
	defer s.alerting.mu.Unlock()
	s.alerting.hooks = append(s.alerting.hooks, fn)
}

// afterImport runs the import hooks and wakes the scheduler, if one runs.
func (s *Service) afterImport(imp Import) {
	s.alerting.mu.Lock()
	hooks := append([]func(Import){}, s.alerting.hooks...)
	s.alerting.mu.Unlock()
	for _, fn := range hooks {
		fn(imp)
	}
	s.alerting.metrics.invalidate()
	select {
	case s.pokeChan() <- struct{}{}:
	default: // a run is already due
	}
}

func (s *Service) pokeChan() chan struct{} {
	s.alerting.mu.Lock()
	defer s.alerting.mu.Unlock()
	if s.alerting.poke == nil {
		s.alerting.poke = make(chan struct{}, 1)
	}
	return s.alerting.poke
}

// RunResult is what one run of the checks and delivery did.
type RunResult struct {
	Check    CheckResult    `json:"check"`
	Delivery DeliveryReport `json:"delivery"`
}

// RunOnce runs Check and then Deliver at now, unless another replica is
// running them (ran is then false). On PostgreSQL the run holds an
// advisory lock so that replicas sharing the database take turns; SQLite
// is one process's, and the dedupe keys and delivery claims keep a second
// process (`paved cost check` beside `paved serve`) from doubling alerts.
func (s *Service) RunOnce(ctx context.Context, now time.Time) (res RunResult, ran bool, err error) {
	ran, err = s.withAlertLock(ctx, func(ctx context.Context) error {
		var err error
		if res.Check, err = s.Check(ctx, now); err != nil {
			return err
		}
		res.Delivery, err = s.Deliver(ctx, now)
		return err
	})
	return res, ran, err
}

// deliverOnce runs only the delivery of due alerts, under the same lock.
func (s *Service) deliverOnce(ctx context.Context, now time.Time) (rep DeliveryReport, ran bool, err error) {
	ran, err = s.withAlertLock(ctx, func(ctx context.Context) error {
		var err error
		rep, err = s.Deliver(ctx, now)
		return err
	})
	return rep, ran, err
}

// DefaultSchedulerInterval is how often `paved serve` should run the cost
// checks: imports of this process wake the scheduler at once, and this
// catches imports made elsewhere (by `paved cost import` or another
// replica).
const DefaultSchedulerInterval = 15 * time.Minute

// RunScheduler runs the checks and delivery every interval (the default
// when 0) and soon after each import, until ctx ends. Retries of failed
// deliveries are also attempted every minute, so that their backoff holds
// when the interval is longer.
func (s *Service) RunScheduler(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = DefaultSchedulerInterval
	}
	poke := s.pokeChan()
	checks := time.NewTicker(interval)
	defer checks.Stop()
	retries := time.NewTicker(min(interval, firstBackoff))
	defer retries.Stop()
	run := func() {
		res, ran, err := s.RunOnce(ctx, time.Now())
		switch {
		case err != nil && ctx.Err() == nil:
			slog.ErrorContext(ctx, "cost checks failed", "err", err)
		case ran && len(res.Check.Alerts) > 0:
			slog.InfoContext(ctx, "cost alerts raised", "alerts", len(res.Check.Alerts), "delivered", res.Delivery.Delivered, "retrying", res.Delivery.Retrying, "failed", res.Delivery.Failed)
		}
	}
	run()
	for {
		select {
		case <-ctx.Done():
			return
		case <-checks.C:
			run()
		case <-poke:
			run()
		case <-retries.C:
			if _, _, err := s.deliverOnce(ctx, time.Now()); err != nil && ctx.Err() == nil {
				slog.ErrorContext(ctx, "cost alert delivery failed", "err", err)
			}
		}
	}
}

// withAlertLock runs fn while holding the PostgreSQL advisory lock of the
// cost checks (at once, or not at all when another session holds it).
func (s *Service) withAlertLock(ctx context.Context, fn func(context.Context) error) (bool, error) {
	db := s.store.db
	if db.Dialect != store.Postgres {
		return true, fn(ctx)
	}
	conn, err := db.W.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	key, err := alertLockKey(ctx, conn)
	if err != nil {
		return false, err
	}
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&got); err != nil {
		return false, err
	}
	if !got {
		return false, nil
	}
	defer func() {
		// The lock belongs to the session: release it even when ctx ended,
		// before the connection goes back to the pool.
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(uctx, `SELECT pg_advisory_unlock($1)`, key); err != nil {
			slog.Error("releasing the cost checks lock", "err", err)
		}
	}()
	return true, fn(ctx)
}

// alertLockKey is the advisory lock key of the cost checks: fixed for a
// database schema, so replicas sharing one take turns, while separate
// schemas on one server (tests, several installations) do not block each
// other.
func alertLockKey(ctx context.Context, conn *sql.Conn) (int64, error) {
	var schema string
	if err := conn.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return 0, err
	}
	h := fnv.New64a()
	h.Write([]byte("paved-cost-alerts:" + schema))
	return int64(h.Sum64() >> 1), nil
}
