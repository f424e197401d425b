package admission

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/policy"
	"github.com/prometheus/client_golang/prometheus"
)

// Recorder writes admission decisions to the store without ever making a
// request wait: Record puts a decision on a bounded queue, one writer
// drains it in batches (one transaction each), and whatever the database
// cannot take — it is down, or slower than the write timeout — goes to a
// spool on disk that is replayed once the database answers again. Close
// flushes the queue, to the database or else to the spool.
//
// Decisions reach the database in the order they were made, as far as
// the writer sees them: the latest decision about a resource is what its
// findings show, so a decision replayed from the spool after a newer one
// was written directly would reopen a finding that was fixed. While
// anything waits in the spool, a new batch goes behind it.
type Recorder struct {
	store *policy.Store
	queue chan policy.TimedUpload
	spool *spool
	log   *slog.Logger
	stop  chan struct{}
	done  chan struct{}
	// ctx bounds the writer's database work; Close cancels it when its
	// own context ends, so a hung database cannot keep a batch in flight
	// after Close returned (and the process exited with it).
	ctx    context.Context
	cancel context.CancelFunc

	// gate orders Record against Close: a Record that saw the recorder
	// open has put its decision on the queue before Close drains it, so
	// none is left behind in a queue nobody reads.
	gate    sync.RWMutex
	closed  bool
	started atomic.Bool
	// writing serialises the writer with Close's final flush.
	writing sync.Mutex
	// backlog says the spool may hold decisions (set after every append,
	// cleared when a replay starts); degraded says the database failed
	// last time and has not been replayed into since: new batches then
	// join the spool without trying, and the replay ticker probes.
	backlog, degraded atomic.Bool
	// batch is how many reviews go in one transaction: maxBatch, halved
	// each time a write runs out of WriteTimeout and doubled again when
	// writes are quick. A fixed size the database cannot write within
	// the timeout would time out on every replay, for ever.
	batch atomic.Int64

	// WriteTimeout bounds one batch write; ReplayInterval is how often
	// the spool is retried.
	WriteTimeout   time.Duration
	ReplayInterval time.Duration

	recorded, spooled, dropped prometheus.Counter
	queueLen                   prometheus.GaugeFunc
}

// maxBatch caps one transaction.
const maxBatch = 500

func (r *Recorder) batchSize() int { return int(r.batch.Load()) }

// NewRecorder returns a recorder with a queue of size and a spool in dir.
func NewRecorder(st *policy.Store, dir string, size int, log *slog.Logger) (*Recorder, error) {
	if log == nil {
		log = slog.Default()
	}
	sp, err := openSpool(dir)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &Recorder{
		store: st, queue: make(chan policy.TimedUpload, size), spool: sp, log: log,
		stop: make(chan struct{}), done: make(chan struct{}), ctx: ctx, cancel: cancel,
		WriteTimeout: 2 * time.Second, ReplayInterval: 5 * time.Second,
		recorded: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "paved_admission_decisions_recorded_total", Help: "Admission reviews whose decisions reached the database.",
		}),
		spooled: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "paved_admission_decisions_spooled_total", Help: "Admission reviews spooled to disk because the database was slow, down or the queue full.",
		}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "paved_admission_decisions_dropped_total", Help: "Admission reviews whose decisions were lost: the spool could not be written, or the store rejected them.",
		}),
	}
	// A previous run may have left decisions in the spool.
	r.backlog.Store(true)
	r.batch.Store(maxBatch)
	r.queueLen = prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "paved_admission_decision_queue_length", Help: "Admission reviews waiting to be written.",
	}, func() float64 { return float64(len(r.queue)) })
	return r, nil
}

func (r *Recorder) register(reg prometheus.Registerer) {
	reg.MustRegister(r.recorded, r.spooled, r.dropped, r.queueLen)
}

// Start runs the writer until Close. Call it once, before Close.
func (r *Recorder) Start() {
	if r.started.Swap(true) {
		return
	}
	go r.run()
}

// Record queues one review's decisions. It never blocks: with the queue
// full (the writer is behind) or the recorder closed, the decisions go
// straight to the spool.
func (r *Recorder) Record(u policy.TimedUpload) {
	r.gate.RLock()
	if !r.closed {
		select {
		case r.queue <- u:
			r.gate.RUnlock()
			return
		default:
		}
	}
	r.gate.RUnlock()
	r.toSpool([]policy.TimedUpload{u})
}

func (r *Recorder) run() {
	defer close(r.done)
	tick := time.NewTicker(r.ReplayInterval)
	defer tick.Stop()
	r.replay()
	for {
		// Stopping wins over a busy queue: Close flushes what is left
		// within its own deadline.
		select {
		case <-r.stop:
			return
		default:
		}
		select {
		case u := <-r.queue:
			batch := []policy.TimedUpload{u}
		fill:
			for len(batch) < maxBatch {
				select {
				case u := <-r.queue:
					batch = append(batch, u)
				default:
					break fill
				}
			}
			r.write(r.ctx, batch)
		case <-tick.C:
			r.replay()
		case <-r.stop:
			return
		}
	}
}

// write stores a batch in transactions of the current batch size, or
// spools it: behind what the spool holds (which is replayed first), and
// without another try while the database is known to be failing.
func (r *Recorder) write(ctx context.Context, batch []policy.TimedUpload) {
	r.writing.Lock()
	defer r.writing.Unlock()
	if r.degraded.Load() {
		r.toSpool(batch)
		return
	}
	if r.backlog.Load() {
		if err := r.replayLocked(ctx); err != nil {
			r.toSpool(batch)
			return
		}
	}
	for len(batch) > 0 {
		n, err := r.storeBatch(ctx, batch[:min(len(batch), r.batchSize())])
		batch = batch[n:]
		if err != nil {
			r.markDegraded(err)
			r.toSpool(batch)
			return
		}
	}
}

// storeBatch writes batch in one transaction. When the store rejects it
// as invalid, it writes the decisions one review at a time so that only
// the invalid ones are dropped, not the valid reviews that shared their
// batch. It returns how many reviews from the front are done with
// (written or dropped) and the database's error that stopped it.
func (r *Recorder) storeBatch(ctx context.Context, batch []policy.TimedUpload) (int, error) {
	err := r.tryWrite(ctx, batch)
	if !isInvalid(err) {
		if err != nil {
			return 0, err
		}
		return len(batch), nil
	}
	if len(batch) == 1 {
		r.drop(1, err)
		return 1, nil
	}
	for i, u := range batch {
		err := r.tryWrite(ctx, []policy.TimedUpload{u})
		switch {
		case isInvalid(err):
			r.drop(1, err)
		case err != nil:
			return i, err
		}
	}
	return len(batch), nil
}

// isInvalid says whether the store refused decisions for what they are:
// retrying them would fail forever and wedge the spool.
func isInvalid(err error) bool {
	var invalid *api.Error
	return errors.As(err, &invalid)
}

func (r *Recorder) drop(n int, err error) {
	r.dropped.Add(float64(n))
	r.log.Error("admission decisions rejected by the store and dropped", "reviews", n, "err", err)
}

func (r *Recorder) tryWrite(ctx context.Context, batch []policy.TimedUpload) error {
	wctx, cancel := context.WithTimeout(ctx, r.WriteTimeout)
	defer cancel()
	start := time.Now()
	_, err := r.store.RecordBatch(wctx, batch)
	switch {
	case err != nil && ctx.Err() == nil && errors.Is(wctx.Err(), context.DeadlineExceeded):
		// Too slow for this many at once (or the database is hung):
		// smaller transactions next time.
		r.batch.Store(max(1, min(r.batch.Load(), int64(len(batch)))/2))
	case err == nil && time.Since(start) < r.WriteTimeout/4:
		r.batch.Store(min(maxBatch, 2*r.batch.Load()))
	}
	if err != nil {
		return err
	}
	r.recorded.Add(float64(len(batch)))
	return nil
}

func (r *Recorder) markDegraded(err error) {
	if !r.degraded.Swap(true) {
		r.log.Warn("database slow or unavailable: spooling admission decisions to disk", "dir", r.spool.dir, "err", err)
	}
}

func (r *Recorder) toSpool(batch []policy.TimedUpload) {
	if len(batch) == 0 {
		return
	}
	if err := r.spool.append(batch); err != nil {
		r.dropped.Add(float64(len(batch)))
		r.log.Error("admission decisions lost: cannot write the spool", "dir", r.spool.dir, "reviews", len(batch), "err", err)
		return
	}
	r.backlog.Store(true)
	r.spooled.Add(float64(len(batch)))
}

// replay moves spooled decisions into the database, oldest first, and
// stops at the first failure (the rest waits for the next try).
func (r *Recorder) replay() {
	r.writing.Lock()
	defer r.writing.Unlock()
	r.replayLocked(r.ctx)
}

// replayLocked replays the spool and returns the database's error if the
// database failed. A spool file that cannot be read or rewritten is
// logged but does not keep new decisions from the database.
func (r *Recorder) replayLocked(ctx context.Context) error {
	// Cleared before the spool's pending file is renamed, so a decision
	// appended after that sets it again.
	r.backlog.Store(false)
	var dbErr error
	n, err := r.spool.replay(func(batch []policy.TimedUpload) (int, error) {
		n, err := r.storeBatch(ctx, batch)
		dbErr = err
		return n, err
	}, r.batchSize, func(bad int) {
		r.dropped.Add(float64(bad))
		r.log.Error("unreadable lines in the admission spool were dropped", "dir", r.spool.dir, "lines", bad)
	})
	switch {
	case dbErr != nil:
		r.backlog.Store(true)
		r.markDegraded(dbErr)
		return dbErr
	case err != nil:
		r.backlog.Store(true)
		r.log.Error("cannot replay the admission spool", "dir", r.spool.dir, "err", err)
		return nil
	}
	if r.degraded.Swap(false) {
		r.log.Info("database available again: spooled admission decisions written", "reviews", n)
	}
	return nil
}

// Close stops the writer and flushes what is queued: to the database if
// it is answering and does so before ctx ends, else to the spool, so
// nothing queued is lost on shutdown. When Close returns, every decision
// recorded before it is in the database or the spool (a batch the writer
// had in flight included); Record after Close spools.
func (r *Recorder) Close(ctx context.Context) error {
	r.gate.Lock()
	if r.closed {
		r.gate.Unlock()
		return nil
	}
	r.closed = true
	r.gate.Unlock()
	defer r.cancel()
	close(r.stop)
	if r.started.Load() {
		select {
		case <-r.done:
		case <-ctx.Done():
			// The writer's batch is not getting through in time: abort
			// it (it goes to the spool) rather than return with it in
			// flight.
			r.cancel()
			<-r.done
		}
	}
	var rest []policy.TimedUpload
	for {
		select {
		case u := <-r.queue:
			rest = append(rest, u)
			continue
		default:
		}
		break
	}
	for len(rest) > 0 {
		n := min(len(rest), maxBatch)
		if ctx.Err() != nil {
			r.toSpool(rest[:n])
		} else {
			r.write(ctx, rest[:n])
		}
		rest = rest[n:]
	}
	return nil
}
