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
type Recorder struct {
	store  *policy.Store
	queue  chan policy.TimedUpload
	spool  *spool
	log    *slog.Logger
	stop   chan struct{}
	done   chan struct{}
	closed atomic.Bool
	// writing serialises the writer with Close's final flush.
	writing sync.Mutex

	// WriteTimeout bounds one batch write; ReplayInterval is how often
	// the spool is retried.
	WriteTimeout   time.Duration
	ReplayInterval time.Duration

	recorded, spooled, dropped prometheus.Counter
	queueLen                   prometheus.GaugeFunc
	degraded                   atomic.Bool
}

// maxBatch caps one transaction.
const maxBatch = 500

// NewRecorder returns a recorder with a queue of size and a spool in dir.
func NewRecorder(st *policy.Store, dir string, size int, log *slog.Logger) (*Recorder, error) {
	if log == nil {
		log = slog.Default()
	}
	sp, err := openSpool(dir)
	if err != nil {
		return nil, err
	}
	r := &Recorder{
		store: st, queue: make(chan policy.TimedUpload, size), spool: sp, log: log,
		stop: make(chan struct{}), done: make(chan struct{}),
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
	r.queueLen = prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "paved_admission_decision_queue_length", Help: "Admission reviews waiting to be written.",
	}, func() float64 { return float64(len(r.queue)) })
	return r, nil
}

func (r *Recorder) register(reg prometheus.Registerer) {
	reg.MustRegister(r.recorded, r.spooled, r.dropped, r.queueLen)
}

// Start runs the writer until Close.
func (r *Recorder) Start() {
	go r.run()
}

// Record queues one review's decisions. It never blocks: with the queue
// full (the writer is behind) or the recorder closed, the decisions go
// straight to the spool.
func (r *Recorder) Record(u policy.TimedUpload) {
	if !r.closed.Load() {
		select {
		case r.queue <- u:
			return
		default:
		}
	}
	r.toSpool([]policy.TimedUpload{u})
}

func (r *Recorder) run() {
	defer close(r.done)
	tick := time.NewTicker(r.ReplayInterval)
	defer tick.Stop()
	r.replay()
	for {
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
			r.write(batch)
		case <-tick.C:
			r.replay()
		case <-r.stop:
			return
		}
	}
}

// write stores a batch, or spools it.
func (r *Recorder) write(batch []policy.TimedUpload) {
	r.writing.Lock()
	defer r.writing.Unlock()
	if err := r.tryWrite(batch); err != nil {
		var invalid *api.Error
		if errors.As(err, &invalid) {
			// The store will never take these; retrying would wedge the
			// spool. Count and say so.
			r.dropped.Add(float64(len(batch)))
			r.log.Error("admission decisions rejected by the store and dropped", "reviews", len(batch), "err", err)
			return
		}
		if !r.degraded.Swap(true) {
			r.log.Warn("database slow or unavailable: spooling admission decisions to disk", "dir", r.spool.dir, "err", err)
		}
		r.toSpool(batch)
	}
}

func (r *Recorder) tryWrite(batch []policy.TimedUpload) error {
	ctx, cancel := context.WithTimeout(context.Background(), r.WriteTimeout)
	defer cancel()
	if _, err := r.store.RecordBatch(ctx, batch); err != nil {
		return err
	}
	r.recorded.Add(float64(len(batch)))
	return nil
}

func (r *Recorder) toSpool(batch []policy.TimedUpload) {
	if err := r.spool.append(batch); err != nil {
		r.dropped.Add(float64(len(batch)))
		r.log.Error("admission decisions lost: cannot write the spool", "dir", r.spool.dir, "reviews", len(batch), "err", err)
		return
	}
	r.spooled.Add(float64(len(batch)))
}

// replay moves spooled decisions into the database, oldest first, and
// stops at the first failure (the rest waits for the next try).
func (r *Recorder) replay() {
	r.writing.Lock()
	defer r.writing.Unlock()
	n, err := r.spool.replay(func(batch []policy.TimedUpload) error {
		err := r.tryWrite(batch)
		var invalid *api.Error
		if errors.As(err, &invalid) {
			r.dropped.Add(float64(len(batch)))
			r.log.Error("spooled admission decisions rejected by the store and dropped", "reviews", len(batch), "err", err)
			return nil
		}
		return err
	}, maxBatch, func(bad int) {
		r.dropped.Add(float64(bad))
		r.log.Error("unreadable lines in the admission spool were dropped", "dir", r.spool.dir, "lines", bad)
	})
	if err == nil && r.degraded.Swap(false) {
		r.log.Info("database available again: spooled admission decisions written", "reviews", n)
	}
}

// Close stops the writer and flushes what is queued: to the database if
// it answers before ctx ends, else to the spool, so nothing queued is
// lost on shutdown.
func (r *Recorder) Close(ctx context.Context) error {
	if r.closed.Swap(true) {
		return nil
	}
	close(r.stop)
	select {
	case <-r.done:
	case <-ctx.Done():
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
			r.write(rest[:n])
		}
		rest = rest[n:]
	}
	return nil
}
