package admission

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/policy"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
	"github.com/prometheus/client_golang/prometheus"
)

// The recorder's promise is that admission never waits on the database
// and no decision is lost or written twice on the way: these tests hold
// it to that with a real SQLite store, a closed one, and one that never
// answers.

// recDecision is review i's decision: one denial of its own pod, so that
// every review is one row in policy_decisions, told apart by message.
func recDecision(i int) policy.TimedUpload {
	name := fmt.Sprintf("pod-%04d", i)
	return policy.TimedUpload{
		Upload: policy.Upload{
			Source: "admission",
			Results: []policy.Result{{
				Policy: "pss-restricted-run-as-non-root", Severity: "high", Action: policy.ActionDeny, Mode: "enforce",
				Message:  "review " + name,
				Resource: policy.Resource{Kind: "Pod", Namespace: "shop", Name: name}, Team: "payments",
			}},
			Resources: []policy.CheckedResource{{Resource: "Pod/shop/" + name, Team: "payments"}},
		},
		At: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second),
	}
}

func recDecisions(from, to int) []policy.TimedUpload {
	var out []policy.TimedUpload
	for i := from; i < to; i++ {
		out = append(out, recDecision(i))
	}
	return out
}

// recInvalid is a decision the store refuses (a result without a policy).
func recInvalid(i int) policy.TimedUpload {
	u := recDecision(i)
	u.Results[0].Policy = ""
	return u
}

func recMessages(ups []policy.TimedUpload) []string {
	out := []string{}
	for _, u := range ups {
		for _, r := range u.Results {
			out = append(out, r.Message)
		}
	}
	return out
}

// hungConnector is a database that never answers, like PostgreSQL behind
// a dropped route: connecting waits until the caller gives up.
type hungConnector struct{}

func (hungConnector) Connect(ctx context.Context) (driver.Conn, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}
func (hungConnector) Driver() driver.Driver { return hungDriver{} }

type hungDriver struct{}

func (hungDriver) Open(string) (driver.Conn, error) {
	return nil, errors.New("the database does not answer")
}

func recHungStore(t testing.TB) *policy.Store {
	pool := sql.OpenDB(hungConnector{})
	t.Cleanup(func() { pool.Close() })
	return policy.NewStore(&store.DB{Dialect: store.SQLite, R: pool, W: pool, Where: "a database that never answers"})
}

// recClosedStore is a store whose database is gone: every write fails at
// once.
func recClosedStore(t testing.TB) *policy.Store {
	db := storetest.SQLite(t)
	db.Close()
	return policy.NewStore(db)
}

// newTestRecorder is a recorder with fast timers, not started, closed at
// the end of the test.
func newTestRecorder(t testing.TB, st *policy.Store, dir string, size int) *Recorder {
	t.Helper()
	r, err := NewRecorder(st, dir, size, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	// Long enough for SQLite under the race detector; tests of slow and
	// hung databases set their own.
	r.WriteTimeout = 30 * time.Second
	r.ReplayInterval = 20 * time.Millisecond
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		r.Close(ctx)
	})
	return r
}

// counterValue reads a counter the way Prometheus scrapes it.
func counterValue(t testing.TB, c prometheus.Counter) float64 {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	mfs, err := reg.Gather()
	if err != nil || len(mfs) != 1 {
		t.Fatalf("gathering %v: %v", c.Desc(), err)
	}
	return mfs[0].GetMetric()[0].GetCounter().GetValue()
}

type recCounts struct{ recorded, spooled, dropped float64 }

func (r *Recorder) counts(t testing.TB) recCounts {
	return recCounts{counterValue(t, r.recorded), counterValue(t, r.spooled), counterValue(t, r.dropped)}
}

// storedMessages lists the decisions in policy_decisions, sorted.
func storedMessages(t testing.TB, db *store.DB) []string {
	t.Helper()
	rows, err := db.R.Query(`SELECT message FROM policy_decisions ORDER BY message`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// spoolContents decodes every line the spool holds, oldest file first.
func spoolContents(t testing.TB, dir string) []policy.TimedUpload {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "replay-*.jsonl"))
	sort.Strings(files)
	files = append(files, filepath.Join(dir, pendingFile))
	var out []policy.TimedUpload
	for _, f := range files {
		data, err := os.ReadFile(f)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		for dec.More() {
			var u policy.TimedUpload
			if err := dec.Decode(&u); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			out = append(out, u)
		}
	}
	return out
}

func dirEntries(t testing.TB, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestRecorderWritesDecisions(t *testing.T) {
	for _, n := range []int{1, 37, maxBatch + 1} { // two transactions
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			db := storetest.SQLite(t)
			dir := t.TempDir()
			r := newTestRecorder(t, policy.NewStore(db), dir, 2*n)
			r.Start()
			ups := recDecisions(0, n)
			for _, u := range ups {
				r.Record(u)
			}
			// The writer, not Close, must get them there.
			eventually(t, fmt.Sprintf("%d decisions in the store", n), func() bool { return len(storedMessages(t, db)) >= n })
			if err := r.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got, want := storedMessages(t, db), recMessages(ups); !slices.Equal(got, want) {
				t.Fatalf("stored %d decisions, want each of the %d once", len(got), len(want))
			}
			if got, want := r.counts(t), (recCounts{recorded: float64(n)}); got != want {
				t.Errorf("counters %+v, want %+v", got, want)
			}
			if es := dirEntries(t, dir); len(es) > 0 {
				t.Errorf("spool holds %v with a working database", es)
			}
		})
	}
}

func TestRecorderDatabaseDown(t *testing.T) {
	tests := []struct {
		name string
		down func(testing.TB) *policy.Store
	}{
		{"database closed", recClosedStore},
		{"database never answers", recHungStore},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const n = 1000
			dir := t.TempDir()
			// Room in the queue, as in production (10,000 by default): a
			// Record that waited on the database would take 50 ms at
			// least. (A full queue spools in Record itself; that path is
			// TestRecorderQueueFull's.) The writer has to spool it all.
			r := newTestRecorder(t, tt.down(t), dir, 2*n)
			r.WriteTimeout = 50 * time.Millisecond
			// Replays fail and rewrite the spool while Records append to
			// it: nothing may be lost or doubled in between.
			r.ReplayInterval = 10 * time.Millisecond
			r.Start()

			ups := recDecisions(0, n)
			start := time.Now()
			for _, u := range ups {
				r.Record(u)
			}
			took := time.Since(start)
			t.Logf("%d Records took %v", n, took)
			if took > 100*time.Millisecond {
				t.Errorf("%d Records took %v with the database down; admission must not wait on it", n, took)
			}
			eventually(t, "every decision spooled", func() bool { return counterValue(t, r.spooled) >= n })
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			r.Close(ctx)
			if got, want := r.counts(t), (recCounts{spooled: n}); got != want {
				t.Errorf("counters %+v, want %+v", got, want)
			}
			if got := recMessages(spoolContents(t, dir)); !slices.Equal(sorted(got), recMessages(ups)) {
				t.Fatalf("the spool holds %d decisions, want each of the %d once", len(got), n)
			}

			// The database is back (a new recorder, as after a restart):
			// the replay writes each decision exactly once and empties
			// the spool; a second replay finds nothing.
			db := storetest.SQLite(t)
			back := newTestRecorder(t, policy.NewStore(db), dir, 64)
			back.replay()
			back.replay()
			if got, want := storedMessages(t, db), recMessages(ups); !slices.Equal(got, want) {
				t.Fatalf("replay stored %d decisions, want each of the %d once", len(got), n)
			}
			if got, want := back.counts(t), (recCounts{recorded: n}); got != want {
				t.Errorf("counters after replay %+v, want %+v", got, want)
			}
			if es := dirEntries(t, dir); len(es) > 0 {
				t.Errorf("spool not empty after replay: %v", es)
			}
		})
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

func TestSpoolPartialReplay(t *testing.T) {
	errDown := errors.New("database down")
	tests := []struct {
		name string
		// failOn is the write call that fails, having written done
		// decisions of its batch first.
		failOn, done int
		left         int // the first decision still in the file
	}{
		{name: "first batch fails", failOn: 1, left: 0},
		{name: "second batch fails", failOn: 2, left: 2},
		{name: "last batch fails", failOn: 3, left: 4},
		{name: "second batch fails after one decision", failOn: 2, done: 1, left: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			sp, err := openSpool(dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := sp.append(recDecisions(0, 5)); err != nil {
				t.Fatal(err)
			}
			var got []policy.TimedUpload
			calls := 0
			written, err := sp.replay(func(b []policy.TimedUpload) (int, error) {
				calls++
				if calls == tt.failOn {
					got = append(got, b[:tt.done]...)
					return tt.done, errDown
				}
				got = append(got, b...)
				return len(b), nil
			}, func() int { return 2 }, func(n int) { t.Errorf("%d unreadable lines in a clean spool", n) })
			if !errors.Is(err, errDown) {
				t.Fatalf("replay error %v, want %v", err, errDown)
			}
			if written != tt.left || len(got) != tt.left {
				t.Fatalf("replay wrote %d (reported %d), want %d", len(got), written, tt.left)
			}
			// Exactly the unwritten rest stays, in one replay file.
			if es := dirEntries(t, dir); len(es) != 1 || !strings.HasPrefix(es[0], "replay-") {
				t.Fatalf("spool holds %v, want one replay file", es)
			}
			if rest, want := recMessages(spoolContents(t, dir)), recMessages(recDecisions(tt.left, 5)); !slices.Equal(rest, want) {
				t.Fatalf("left in the spool %q, want %q", rest, want)
			}

			// Decisions spooled since join behind; the next replay writes
			// only what was not written, oldest first.
			if err := sp.append(recDecisions(5, 7)); err != nil {
				t.Fatal(err)
			}
			got = nil
			written, err = sp.replay(func(b []policy.TimedUpload) (int, error) {
				got = append(got, b...)
				return len(b), nil
			}, func() int { return 2 }, func(n int) { t.Errorf("%d unreadable lines", n) })
			if err != nil {
				t.Fatal(err)
			}
			if want := recMessages(recDecisions(tt.left, 7)); !slices.Equal(recMessages(got), want) || written != len(want) {
				t.Fatalf("second replay wrote %q (reported %d), want %q", recMessages(got), written, want)
			}
			if es := dirEntries(t, dir); len(es) > 0 {
				t.Fatalf("spool not empty after a full replay: %v", es)
			}
		})
	}
}

func TestSpoolUnreadableLines(t *testing.T) {
	line := func(i int) string {
		b, _ := json.Marshal(recDecision(i))
		return string(b)
	}
	// A review can carry many results; a long line must not end the read.
	huge := recDecision(1)
	huge.Results[0].Message = "review pod-0001 " + strings.Repeat("x", 2*MaxReviewBytes+1)
	hugeLine, _ := json.Marshal(huge)
	tests := []struct {
		name    string
		file    string // pending.jsonl as found
		then    []int  // decisions appended afterwards
		want    []string
		badSeen int
	}{
		{name: "garbage between good lines",
			file: line(0) + "\n" + `{"source":"admission","resul` + "\n" + line(1) + "\n\n   \n" + "not json\n" + line(2) + "\n",
			want: recMessages(recDecisions(0, 3)), badSeen: 2},
		{name: "torn last line, then an append",
			file: line(0) + "\n" + line(1)[:40], then: []int{2},
			want: recMessages([]policy.TimedUpload{recDecision(0), recDecision(2)}), badSeen: 1},
		{name: "CRLF line ends", file: line(0) + "\r\n" + line(1) + "\r\n",
			want: recMessages(recDecisions(0, 2))},
		{name: "a line longer than any scanner buffer",
			file: line(0) + "\n" + string(hugeLine) + "\n" + line(2) + "\n",
			want: recMessages([]policy.TimedUpload{recDecision(0), huge, recDecision(2)})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			sp, err := openSpool(dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, pendingFile), []byte(tt.file), 0o600); err != nil {
				t.Fatal(err)
			}
			for _, i := range tt.then {
				if err := sp.append([]policy.TimedUpload{recDecision(i)}); err != nil {
					t.Fatal(err)
				}
			}
			var got []policy.TimedUpload
			bad := 0
			if _, err := sp.replay(func(b []policy.TimedUpload) (int, error) {
				got = append(got, b...)
				return len(b), nil
			}, func() int { return maxBatch }, func(n int) { bad += n }); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(recMessages(got), tt.want) {
				t.Errorf("replayed %d decisions, want %d", len(got), len(tt.want))
			}
			if bad != tt.badSeen {
				t.Errorf("%d unreadable lines reported, want %d", bad, tt.badSeen)
			}
			if es := dirEntries(t, dir); len(es) > 0 {
				t.Errorf("spool not empty: %v", es)
			}
		})
	}
}

// Through the recorder, unreadable lines count as dropped and the rest
// reaches the store.
func TestRecorderDropsUnreadableSpoolLines(t *testing.T) {
	db := storetest.SQLite(t)
	dir := t.TempDir()
	r := newTestRecorder(t, policy.NewStore(db), dir, 8)
	var file bytes.Buffer
	for i := range 3 {
		b, _ := json.Marshal(recDecision(i))
		file.Write(b)
		file.WriteString("\n{\"source\":\n")
	}
	if err := os.WriteFile(filepath.Join(dir, pendingFile), file.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	r.replay()
	if got, want := storedMessages(t, db), recMessages(recDecisions(0, 3)); !slices.Equal(got, want) {
		t.Errorf("stored %q, want %q", got, want)
	}
	if got, want := r.counts(t), (recCounts{recorded: 3, dropped: 3}); got != want {
		t.Errorf("counters %+v, want %+v", got, want)
	}
	if es := dirEntries(t, dir); len(es) > 0 {
		t.Errorf("spool not empty: %v", es)
	}
}

func TestRecorderQueueFull(t *testing.T) {
	db := storetest.SQLite(t)
	dir := t.TempDir()
	r := newTestRecorder(t, policy.NewStore(db), dir, 4)
	// Not started: the writer is behind and the queue fills.
	ups := recDecisions(0, 50)
	start := time.Now()
	for _, u := range ups {
		r.Record(u)
	}
	if took := time.Since(start); took > 100*time.Millisecond {
		t.Errorf("50 Records with a full queue took %v", took)
	}
	if len(r.queue) != 4 {
		t.Errorf("queue holds %d, want 4", len(r.queue))
	}
	if got, want := r.counts(t), (recCounts{spooled: 46}); got != want {
		t.Errorf("counters %+v, want %+v", got, want)
	}
	if got := recMessages(spoolContents(t, dir)); !slices.Equal(got, recMessages(ups[4:])) {
		t.Errorf("spool holds %d decisions, want the 46 that did not fit", len(got))
	}
	// Once the writer runs, queue and spool both reach the store, once.
	r.Start()
	eventually(t, "50 decisions in the store", func() bool { return len(storedMessages(t, db)) >= 50 })
	r.Close(context.Background())
	if got := storedMessages(t, db); !slices.Equal(got, recMessages(ups)) {
		t.Errorf("stored %d decisions, want each of the 50 once", len(got))
	}
	if es := dirEntries(t, dir); len(es) > 0 {
		t.Errorf("spool not empty: %v", es)
	}
}

func TestRecorderClose(t *testing.T) {
	expired, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		hung    bool // the store never answers (else a working SQLite)
		start   bool
		n       int
		ctx     func() (context.Context, context.CancelFunc)
		inStore bool // else everything must be in the spool
	}{
		{name: "queue flushed to the store", n: 10, inStore: true,
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 5*time.Second)
			}},
		{name: "running writer's queue flushed to the store", start: true, n: 100, inStore: true,
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 5*time.Second)
			}},
		{name: "unreachable store, expired context: queue spooled", hung: true, n: 10,
			ctx: func() (context.Context, context.CancelFunc) { return expired, func() {} }},
		{name: "unreachable store, expired context: batch in flight spooled", hung: true, start: true, n: 10,
			ctx: func() (context.Context, context.CancelFunc) { return expired, func() {} }},
		{name: "unreachable store, deadline shorter than the write timeout", hung: true, n: 1200,
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 200*time.Millisecond)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := storetest.SQLite(t)
			st := policy.NewStore(db)
			if tt.hung {
				st = recHungStore(t)
			}
			dir := t.TempDir()
			r := newTestRecorder(t, st, dir, 2*tt.n)
			r.WriteTimeout = time.Minute
			ups := recDecisions(0, tt.n)
			for _, u := range ups {
				r.Record(u)
			}
			if tt.start {
				r.Start()
			}
			if tt.start && tt.hung {
				// The writer holds the batch, stuck on the database.
				eventually(t, "the writer to take the queue", func() bool { return len(r.queue) == 0 })
			}
			ctx, cancel := tt.ctx()
			defer cancel()
			start := time.Now()
			if err := r.Close(ctx); err != nil {
				t.Fatal(err)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("Close took %v", took)
			}
			stored, spooled := storedMessages(t, db), recMessages(spoolContents(t, dir))
			want := recCounts{recorded: float64(tt.n)}
			if !tt.inStore {
				stored, spooled = spooled, stored
				want = recCounts{spooled: float64(tt.n)}
			}
			if !slices.Equal(sorted(stored), recMessages(ups)) || len(spooled) > 0 {
				t.Errorf("after Close: %d decisions where they belong (want %d), %d elsewhere", len(stored), tt.n, len(spooled))
			}
			if got := r.counts(t); got != want {
				t.Errorf("counters %+v, want %+v", got, want)
			}

			// Record after Close spools: there is no writer any more.
			r.Record(recDecision(tt.n))
			if len(r.queue) != 0 {
				t.Errorf("Record after Close queued a decision nobody will write")
			}
			if got := spoolContents(t, dir); len(got) == 0 || recMessages(got)[len(got)-1] != recMessages([]policy.TimedUpload{recDecision(tt.n)})[0] {
				t.Errorf("Record after Close did not spool")
			}
		})
	}
}

// A Record that found the recorder open when Close began has its decision
// flushed: Close waits for it (it holds the gate between its check and its
// send) instead of draining the queue first and leaving the decision in a
// queue nobody reads any more.
func TestRecorderCloseWaitsForARecordInFlight(t *testing.T) {
	db := storetest.SQLite(t)
	dir := t.TempDir()
	r := newTestRecorder(t, policy.NewStore(db), dir, 8)
	r.Start()

	r.gate.RLock() // a Record past its check, before its send
	closed := make(chan struct{})
	go func() {
		r.Close(context.Background())
		close(closed)
	}()
	select {
	case <-closed:
		t.Fatal("Close returned while a Record was in flight")
	case <-time.After(50 * time.Millisecond):
	}
	r.queue <- recDecision(1)
	r.gate.RUnlock()
	<-closed

	if got, want := storedMessages(t, db), recMessages(recDecisions(1, 2)); !slices.Equal(got, want) {
		t.Errorf("stored %q, want %q", got, want)
	}
	if len(r.queue) != 0 {
		t.Errorf("%d decisions left in the queue after Close", len(r.queue))
	}
}

func TestRecorderInvalidDecisions(t *testing.T) {
	valid := func(ups ...policy.TimedUpload) []string { return recMessages(ups) }
	tests := []struct {
		name    string
		spooled bool // the batch comes from the spool, else from the queue
		batch   []policy.TimedUpload
		want    []string
		dropped float64
	}{
		{name: "queued batch", batch: []policy.TimedUpload{recDecision(0), recInvalid(1), recDecision(2)},
			want: valid(recDecision(0), recDecision(2)), dropped: 1},
		{name: "queued batch of one", batch: []policy.TimedUpload{recInvalid(1)}, want: []string{}, dropped: 1},
		{name: "spooled batch", spooled: true,
			batch: []policy.TimedUpload{recInvalid(0), recDecision(1), recDecision(2), recInvalid(3), recDecision(4)},
			want:  valid(recDecision(1), recDecision(2), recDecision(4)), dropped: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := storetest.SQLite(t)
			dir := t.TempDir()
			r := newTestRecorder(t, policy.NewStore(db), dir, 16)
			if tt.spooled {
				if err := r.spool.append(tt.batch); err != nil {
					t.Fatal(err)
				}
				r.replay()
			} else {
				r.write(context.Background(), tt.batch)
			}
			if got := storedMessages(t, db); !slices.Equal(got, tt.want) {
				t.Errorf("stored %q, want %q", got, tt.want)
			}
			want := recCounts{recorded: float64(len(tt.want)), dropped: tt.dropped}
			if got := r.counts(t); got != want {
				t.Errorf("counters %+v, want %+v", got, want)
			}
			// Not retried, and not in the way of what comes next.
			if es := dirEntries(t, dir); len(es) > 0 {
				t.Errorf("spool holds %v", es)
			}
			if err := r.spool.append([]policy.TimedUpload{recDecision(9)}); err != nil {
				t.Fatal(err)
			}
			r.replay()
			if got := storedMessages(t, db); !slices.Contains(got, recMessages([]policy.TimedUpload{recDecision(9)})[0]) {
				t.Errorf("a decision spooled after the invalid ones was not replayed: %q", got)
			}
			if got := counterValue(t, r.dropped); got != tt.dropped {
				t.Errorf("dropped %v after another replay, want %v", got, tt.dropped)
			}
		})
	}
}

// A decision spooled during an outage is older than one made after the
// database came back; written after it, it would reopen a finding the
// newer review closed.
func TestRecorderKeepsOrderAcrossAnOutage(t *testing.T) {
	db := storetest.SQLite(t)
	r := newTestRecorder(t, recClosedStore(t), t.TempDir(), 8)
	violating := recDecision(1)
	fixed := policy.TimedUpload{
		Upload: policy.Upload{Source: "admission", Resources: violating.Resources},
		At:     violating.At.Add(time.Minute),
	}
	// The writer's steps, one at a time: a batch while the database is
	// down, the database back, the next batch before the replay tick,
	// the tick.
	ctx := context.Background()
	r.write(ctx, []policy.TimedUpload{violating})
	r.store = policy.NewStore(db)
	r.write(ctx, []policy.TimedUpload{fixed})
	r.replay()

	if got := storedMessages(t, db); len(got) != 1 {
		t.Fatalf("stored %q, want the violation's decision", got)
	}
	fs, err := r.store.Findings(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) > 0 {
		t.Errorf("the pod was fixed after the violation, but the finding is open: %+v", fs)
	}
}

// slowDB is a database that takes delay per statement, as a distant
// PostgreSQL does per round trip. It keeps nothing; it counts the
// decisions of committed transactions and the largest such transaction.
type slowDB struct {
	delay              time.Duration
	mu                 sync.Mutex
	committed, largest int
}

func (d *slowDB) Connect(context.Context) (driver.Conn, error) { return &slowConn{db: d}, nil }
func (d *slowDB) Driver() driver.Driver                        { return hungDriver{} }

func (d *slowDB) counts() (committed, largest int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.committed, d.largest
}

type slowConn struct {
	db      *slowDB
	pending int // decisions in the open transaction
}

func (c *slowConn) Prepare(string) (driver.Stmt, error) {
	return nil, errors.New("prepare: not supported")
}
func (c *slowConn) Close() error              { return nil }
func (c *slowConn) Begin() (driver.Tx, error) { c.pending = 0; return c, nil }
func (c *slowConn) Rollback() error           { c.pending = 0; return nil }
func (c *slowConn) Commit() error {
	c.db.mu.Lock()
	defer c.db.mu.Unlock()
	c.db.committed += c.pending
	c.db.largest = max(c.db.largest, c.pending)
	c.pending = 0
	return nil
}

func (c *slowConn) ExecContext(ctx context.Context, query string, _ []driver.NamedValue) (driver.Result, error) {
	timer := time.NewTimer(c.db.delay)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if strings.HasPrefix(strings.TrimSpace(query), "INSERT INTO policy_decisions ") {
		c.pending++
	}
	return driver.RowsAffected(1), nil
}

// A database that writes a full batch slower than WriteTimeout, but a
// smaller one in time, must still get the spool: with a fixed batch size
// every replay would time out on the same first batch for ever.
func TestRecorderSlowDatabaseDrainsTheSpool(t *testing.T) {
	slow := &slowDB{delay: 250 * time.Microsecond}
	pool := sql.OpenDB(slow)
	pool.SetMaxOpenConns(1)
	t.Cleanup(func() { pool.Close() })
	dir := t.TempDir()
	r := newTestRecorder(t, policy.NewStore(&store.DB{Dialect: store.SQLite, R: pool, W: pool}), dir, 8)
	// A full batch is 2,000 statements, half a second at least: five
	// times the timeout.
	r.WriteTimeout = 100 * time.Millisecond
	const n = 600
	if err := r.spool.append(recDecisions(0, n)); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 30 && len(dirEntries(t, dir)) > 0; i++ {
		r.replay()
	}
	committed, largest := slow.counts()
	t.Logf("largest transaction: %d decisions", largest)
	if committed != n {
		t.Fatalf("%d of %d spooled decisions written", committed, n)
	}
	if es := dirEntries(t, dir); len(es) > 0 {
		t.Errorf("spool not empty: %v", es)
	}
	if got := counterValue(t, r.recorded); got != n {
		t.Errorf("recorded counter %v, want %d", got, n)
	}
}
