package cost

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paved-dev/paved/internal/cost/focus"
)

// rowsRead is what reading one stretch of a file (all of it, or one
// chunk from focus.Reader.Split) produced: the rollups of its rows and
// the counts the import record adds up.
type rowsRead struct {
	agg                      *aggregate
	read, imported, rejected int
	rejectedLines            []int
	rejections               []string
	totals                   map[string]Totals
	stats                    focus.Stats
	// err is the first row that failed the import (without
	// SkipInvalid), or why the file could not be read on.
	err error
}

// readRows reads the rows of a whole file, on every core when it can be
// split (an uncompressed CSV of some size), else with rd alone. The
// chunks' results are in file order, so the first failing row of the
// file is the one reported.
func (s *Service) readRows(name string, rd *focus.Reader, opts ImportOptions) ([]*rowsRead, error) {
	parts, err := rd.Split(runtime.GOMAXPROCS(0))
	if err != nil {
		return nil, err
	}
	if parts != nil {
		out := make([]*rowsRead, len(parts))
		// A chunk that fails the import stops the chunks after it: their
		// rows cannot matter any more.
		var failed atomic.Int64
		failed.Store(int64(len(parts)))
		var wg sync.WaitGroup
		for i, p := range parts {
			wg.Go(func() {
				out[i] = s.readChunk(name, p, opts, func() bool { return failed.Load() < int64(i) })
				if out[i].err != nil {
					lowerTo(&failed, int64(i))
				}
			})
		}
		wg.Wait()
		misaligned := false
		for _, r := range out {
			misaligned = misaligned || errors.Is(r.err, focus.ErrMisaligned)
		}
		if !misaligned {
			return out, nil
		}
		// A quoted field spans a chunk boundary: read the file in one go.
	}
	return []*rowsRead{s.readChunk(name, rd, opts, func() bool { return false })}, nil
}

// lowerTo sets a to v unless it holds less already.
func lowerTo(a *atomic.Int64, v int64) {
	for {
		cur := a.Load()
		if cur <= v || a.CompareAndSwap(cur, v) {
			return
		}
	}
}

// readChunk reads rows from rd until its end, the first row that fails
// the import, or stop.
func (s *Service) readChunk(name string, rd *focus.Reader, opts ImportOptions, stop func() bool) *rowsRead {
	out := &rowsRead{agg: newAggregate(), totals: map[string]Totals{}}
	defer func() { out.stats = rd.Stats() }()
	alloc, err := newAllocator(s.catalog.Index(), s.cfg.Cost)
	if err != nil {
		out.err = err
		return out
	}
	future := opts.Now.Add(24 * time.Hour)
	reject := func(line int, msg string) bool {
		if !opts.SkipInvalid {
			out.err = &RowRejectedError{Line: line, Msg: msg}
			return false
		}
		out.rejected++
		if len(out.rejectedLines) < maxRejectedLines {
			out.rejectedLines = append(out.rejectedLines, line)
		}
		if len(out.rejections) < maxRejections {
			out.rejections = append(out.rejections, msg)
		}
		return true
	}
	for n := 0; ; n++ {
		if n&4095 == 0 && stop() {
			return out
		}
		row, err := rd.Next()
		if err == io.EOF {
			return out
		}
		out.read++
		var rowErr *focus.RowError
		if errors.As(err, &rowErr) {
			if !reject(rowErr.Line, rowErr.Error()) {
				return out
			}
			continue
		}
		if err != nil {
			out.read--
			out.err = err
			return out
		}
		if row.ChargePeriodStart.After(future) {
			if !reject(row.Line, fmt.Sprintf("%s:%d: column ChargePeriodStart: %s is in the future", name, row.Line, row.ChargePeriodStart.Format(time.RFC3339))) {
				return out
			}
			continue
		}
		out.imported++
		t := out.totals[row.BillingCurrency]
		t.add(row.BilledCost, row.EffectiveCost, row.ListCost)
		out.totals[row.BillingCurrency] = t
		if sr := alloc.sharedRuleFor(row); sr != nil {
			out.agg.addShared(sr, row)
			continue
		}
		out.agg.add(row, alloc.owner(row))
	}
}

// maxRejections bounds the rejection messages an import record keeps.
const maxRejections = 20

// mergeRows adds the chunks up into imp, in file order, and returns
// their rollups and reader counts; the first chunk with an error fails
// the import with it.
func mergeRows(imp *Import, parts []*rowsRead) (*aggregate, focus.Stats, error) {
	var stats []focus.Stats
	for _, p := range parts {
		if p.err != nil {
			return nil, focus.Stats{}, p.err
		}
		imp.RowsRead += p.read
		imp.RowsImported += p.imported
		imp.RowsRejected += p.rejected
		for _, l := range p.rejectedLines {
			if len(imp.RejectedLines) < maxRejectedLines {
				imp.RejectedLines = append(imp.RejectedLines, l)
			}
		}
		for _, m := range p.rejections {
			if len(imp.Rejections) < maxRejections {
				imp.Rejections = append(imp.Rejections, m)
			}
		}
		for c, t := range p.totals {
			sum := imp.Totals[c]
			sum.add(t.Billed, t.Effective, t.List)
			imp.Totals[c] = sum
		}
		stats = append(stats, p.stats)
	}
	agg := parts[0].agg
	for _, p := range parts[1:] {
		agg.merge(p.agg)
	}
	return agg, focus.SumStats(stats), nil
}
