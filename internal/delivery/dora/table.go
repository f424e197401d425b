package dora

import "slices"

// counts add up one week of one unit.
type counts struct {
	deployments int32 // successful production deployments
	production  int32 // all production deployments
	failed      int32 // production deployments that count as failed
	unplanned   int32 // rollbacks and fixes
	unrecovered int32 // failed and not yet recovered
	days        uint8 // bit d: a successful deployment on day d (Monday 0)
}

// samples are durations in milliseconds grouped by unit-week: bucket b
// (unit*weeks + week) is values[offsets[b]:offsets[b+1]], sorted. One
// flat array filled by a counting sort keeps millions of lead times to a
// few allocations, and sorting each bucket once lets every scope above a
// unit read them without sorting again.
type samples struct {
	values  []int64
	offsets []int32
}

func (s *samples) bucket(b int) []int64 { return s.values[s.offsets[b]:s.offsets[b+1]] }

// table is every unit's window, week by week.
type table struct {
	counts     []counts // unit*weeks + week
	leads      samples
	recoveries samples
	// unitLeads and unitRecoveries hold the same, one sorted run per unit.
	unitLeads      samples
	unitRecoveries samples
	incidents      []int32 // per unit
	unlinked       []int32 // per unit
}

// calc holds a window in the Unix milliseconds facts are kept in.
type calc struct {
	w        Window
	from, to int64
	monday   int64 // the first week's Monday
	nweeks   int
}

func newCalc(w Window) *calc {
	return &calc{w: w, from: w.From.UnixMilli(), to: w.To.UnixMilli(), monday: w.firstMonday().UnixMilli(), nweeks: w.weeks()}
}

func (c *calc) in(at int64) bool { return at >= c.from && at < c.to }

// slot returns the week and weekday (Monday 0) of a time in the window.
func (c *calc) slot(at int64) (week, weekday int) {
	d := (at - c.monday) / dayMs
	return int(d / 7), int(d % 7)
}

// tabulate adds up every fact in the window per unit and week.
func (c *calc) tabulate(f *facts) *table {
	nb := len(f.units) * c.nweeks
	t := &table{counts: make([]counts, nb), incidents: make([]int32, len(f.units)), unlinked: make([]int32, len(f.units))}
	bucket := func(unit int32, at int64) int {
		wk, _ := c.slot(at)
		return int(unit)*c.nweeks + wk
	}
	var recovered []sample
	for i := range f.deploys {
		d := &f.deploys[i]
		if !c.in(d.at) {
			continue
		}
		wk, wd := c.slot(d.at)
		b := int(d.unit)*c.nweeks + wk
		k := &t.counts[b]
		k.production++
		if d.success {
			k.deployments++
			k.days |= 1 << wd
		}
		if d.unplanned {
			k.unplanned++
		}
		if d.failed {
			k.failed++
			if d.recoveredAt == 0 {
				k.unrecovered++
			} else {
				recovered = append(recovered, sample{b, max(d.recoveredAt-d.at, 0)})
			}
		}
	}
	t.recoveries = sortSamples(nb, func(yield func(int, int64)) {
		for _, s := range recovered {
			yield(s.bucket, s.value)
		}
	})
	t.leads = sortSamples(nb, func(yield func(int, int64)) {
		for i := range f.changes {
			ch := &f.changes[i]
			if c.in(ch.deployedAt) {
				yield(bucket(ch.unit, ch.deployedAt), max(ch.deployedAt-ch.firstCommitAt, 0))
			}
		}
	})
	t.unitLeads = byUnit(t.leads, len(f.units), c.nweeks)
	t.unitRecoveries = byUnit(t.recoveries, len(f.units), c.nweeks)
	for _, in := range f.incidents {
		if c.in(in.openedAt) {
			t.incidents[in.unit]++
			if !in.linked {
				t.unlinked[in.unit]++
			}
		}
	}
	return t
}

type sample struct {
	bucket int
	value  int64
}

// sortSamples counting-sorts what each yields into nb buckets, then
// sorts each bucket. each is called twice: to count, then to place.
func sortSamples(nb int, each func(yield func(b int, v int64))) samples {
	s := samples{offsets: make([]int32, nb+1)}
	each(func(b int, _ int64) { s.offsets[b+1]++ })
	for b := range nb {
		s.offsets[b+1] += s.offsets[b]
	}
	s.values = make([]int64, s.offsets[nb])
	next := slices.Clone(s.offsets[:nb])
	each(func(b int, v int64) {
		s.values[next[b]] = v
		next[b]++
	})
	for b := range nb {
		slices.Sort(s.bucket(b))
	}
	return s
}
