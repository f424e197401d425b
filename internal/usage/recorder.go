package usage

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// DefaultQueueSize is how many of paved's own events may wait to be
// written; beyond it they are dropped and counted.
const DefaultQueueSize = 4096

// RawRetention is how long received events are kept, with their ids and
// properties; the rollups are kept for good. An event sent again after
// this is counted again.
const RawRetention = 90 * 24 * time.Hour

// pruneInterval is how often the recorder deletes events older than
// RawRetention.
const pruneInterval = time.Hour

// writeTimeout bounds one batch write of paved's own events.
const writeTimeout = 5 * time.Second

// maxRecordBatch caps the events of one write.
const maxRecordBatch = 500

// recorder writes paved's own events (page views) without ever making a
// request wait: Record puts an event on a bounded queue, one goroutine
// drains it in batches, and an event that finds the queue full, or whose
// batch the database does not take, is dropped and counted. Usage figures
// are statistics: losing a few views under overload is better than
// slowing the page that would record them.
type recorder struct {
	svc   *Service
	queue chan Event
	flush chan chan struct{}
	stop  chan struct{}
	done  chan struct{}

	start sync.Once
	// gate orders Record against Close, so no event is queued after the
	// writer has drained the queue for the last time.
	gate   sync.RWMutex
	closed bool

	recorded prometheus.Counter
	dropped  *prometheus.CounterVec
	ingested prometheus.CounterFunc
	queueLen prometheus.GaugeFunc
}

func newRecorder(s *Service, size int) *recorder {
	r := &recorder{
		svc: s, queue: make(chan Event, size), flush: make(chan chan struct{}),
		stop: make(chan struct{}), done: make(chan struct{}),
		recorded: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "paved_usage_self_events_recorded_total", Help: "paved's own usage events (page views) written to the database.",
		}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "paved_usage_self_events_dropped_total",
			Help: "paved's own usage events (page views) dropped: the queue was full, the write failed, or paved was stopping.",
		}, []string{"reason"}),
	}
	r.ingested = prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "paved_usage_events_ingested_total", Help: "Usage events counted, from the API and paved's own instrumentation.",
	}, func() float64 { return float64(s.ingested.Load()) })
	r.queueLen = prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "paved_usage_self_event_queue_length", Help: "paved's own usage events waiting to be written.",
	}, func() float64 { return float64(len(r.queue)) })
	for _, reason := range []string{"queue_full", "write_failed", "stopping"} {
		r.dropped.WithLabelValues(reason)
	}
	return r
}

// Collectors are the usage metrics, for the server's registry.
func (s *Service) Collectors() []prometheus.Collector {
	r := s.rec
	return []prometheus.Collector{r.recorded, r.dropped, r.ingested, r.queueLen}
}

// Record queues one of paved's own events, stamped now when it has no
// time. It never blocks and never fails: an event that cannot be queued
// is dropped and counted in paved_usage_self_events_dropped_total.
func (s *Service) Record(ev Event) {
	if ev.Time.IsZero() {
		ev.Time = s.now()
	}
	r := s.rec
	r.start.Do(func() { go r.run() })
	r.gate.RLock()
	defer r.gate.RUnlock()
	if r.closed {
		r.dropped.WithLabelValues("stopping").Inc()
		return
	}
	select {
	case r.queue <- ev:
	default:
		r.dropped.WithLabelValues("queue_full").Inc()
	}
}

// Flush returns once every event queued before it was called has been
// written (or dropped), or when ctx ends.
func (s *Service) Flush(ctx context.Context) error {
	r := s.rec
	r.start.Do(func() { go r.run() })
	reply := make(chan struct{})
	select {
	case r.flush <- reply:
	case <-r.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-reply:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close writes the events still queued, within ctx, and stops the
// writer. Events recorded afterwards are dropped.
func (s *Service) Close(ctx context.Context) error {
	r := s.rec
	r.gate.Lock()
	if r.closed {
		r.gate.Unlock()
		return nil
	}
	r.closed = true
	r.gate.Unlock()
	started := true
	r.start.Do(func() { started = false })
	if !started {
		close(r.done)
		return nil
	}
	close(r.stop)
	select {
	case <-r.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *recorder) run() {
	defer close(r.done)
	prune := time.NewTicker(pruneInterval)
	defer prune.Stop()
	r.prune()
	for {
		select {
		case ev := <-r.queue:
			r.write(append(r.drain(maxRecordBatch-1), ev))
		case reply := <-r.flush:
			for len(r.queue) > 0 {
				r.write(r.drain(maxRecordBatch))
			}
			close(reply)
		case <-prune.C:
			r.prune()
		case <-r.stop:
			// Close has stopped new events; write what is left.
			for len(r.queue) > 0 {
				r.write(r.drain(maxRecordBatch))
			}
			return
		}
	}
}

// drain takes up to n queued events without waiting.
func (r *recorder) drain(n int) []Event {
	var batch []Event
	for len(batch) < n {
		select {
		case ev := <-r.queue:
			batch = append(batch, ev)
		default:
			return batch
		}
	}
	return batch
}

func (r *recorder) write(batch []Event) {
	if len(batch) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	defer cancel()
	res, err := r.svc.Ingest(ctx, batch)
	if err != nil {
		r.dropped.WithLabelValues("write_failed").Add(float64(len(batch)))
		r.svc.log.Warn("usage: dropping paved's own events the database did not take", "events", len(batch), "err", err)
		return
	}
	r.recorded.Add(float64(res.Recorded))
}

func (r *recorder) prune() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	n, err := r.svc.store.prune(ctx, r.svc.now().Add(-RawRetention))
	if err != nil {
		r.svc.log.Warn("usage: pruning old events failed", "err", err)
		return
	}
	if n > 0 {
		r.svc.log.Debug("usage: pruned old events", "events", n)
	}
}
