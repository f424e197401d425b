package dora

import (
	"runtime"
	"slices"
	"sync"
)

// runs are sorted slices whose union is one sample: the lead times of a
// scope's units in a week, or in the whole window. Quantiles are found
// without merging or copying the runs, so a scope of a thousand services
// costs no more memory than one.
type runs struct {
	list [][]int64
	n    int
}

// reset empties r, keeping its storage.
func (r runs) reset() runs { return runs{list: r.list[:0]} }

func (r *runs) add(s []int64) {
	if len(s) > 0 {
		r.list = append(r.list, s)
		r.n += len(s)
	}
}

// quantile interpolates the p-quantile of the union like percentile does;
// r is not empty.
func (r *runs) quantile(p float64) float64 {
	if len(r.list) == 1 {
		return percentile(r.list[0], p)
	}
	pos := p * float64(r.n-1)
	k := int(pos)
	a := r.kth(k)
	frac := pos - float64(k)
	if frac == 0 {
		return float64(a)
	}
	b := a
	if r.countAtMost(a) < k+2 {
		b = r.nextAbove(a)
	}
	return float64(a) + frac*float64(b-a)
}

// kth returns the k-th smallest value (from 0) by bisecting the range of
// values: each step counts, by binary search in every run, the values at
// most the midpoint.
func (r *runs) kth(k int) int64 {
	lo, hi := r.list[0][0], r.list[0][len(r.list[0])-1]
	for _, s := range r.list[1:] {
		lo, hi = min(lo, s[0]), max(hi, s[len(s)-1])
	}
	for lo < hi {
		mid := lo + (hi-lo)/2
		if r.countAtMost(mid) > k {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

func (r *runs) countAtMost(v int64) int {
	n := 0
	for _, s := range r.list {
		switch {
		case s[0] > v:
		case s[len(s)-1] <= v:
			n += len(s)
		default:
			i, _ := slices.BinarySearch(s, v+1) // the first value above v
			n += i
		}
	}
	return n
}

// nextAbove returns the smallest value above v; there is one.
func (r *runs) nextAbove(v int64) int64 {
	var best int64
	found := false
	for _, s := range r.list {
		if i, _ := slices.BinarySearch(s, v+1); i < len(s) && (!found || s[i] < best) {
			best, found = s[i], true
		}
	}
	return best
}

// byUnit returns s regrouped by unit: each unit's weekly runs, which lie
// side by side, merged into one sorted run, so that a window's quantiles
// search one run per unit instead of one per unit-week.
func byUnit(s samples, units, nweeks int) samples {
	out := samples{values: make([]int64, len(s.values)), offsets: make([]int32, units+1)}
	for u := range units {
		out.offsets[u+1] = s.offsets[(u+1)*nweeks]
	}
	parallel(units, func(u int, scratch *[]int64) {
		lo, hi := out.offsets[u], out.offsets[u+1]
		mergeRuns(out.values[lo:hi], s.values[lo:hi], s.offsets[u*nweeks:(u+1)*nweeks+1], scratch)
	})
	return out
}

// mergeRuns merges the sorted runs of src into dst (as long): run i is
// src[bounds[i]-bounds[0] : bounds[i+1]-bounds[0]]. Runs are merged
// pairwise, back and forth between dst and scratch, in log2(runs) passes.
func mergeRuns(dst, src []int64, bounds []int32, scratch *[]int64) {
	if len(src) == 0 {
		return
	}
	var b []int // run boundaries relative to src, empty runs dropped
	for _, x := range bounds {
		if rel := int(x - bounds[0]); len(b) == 0 || rel != b[len(b)-1] {
			b = append(b, rel)
		}
	}
	if cap(*scratch) < len(src) {
		*scratch = make([]int64, len(src))
	}
	cur, other := dst, (*scratch)[:len(src)]
	copy(cur, src)
	inDst := true
	for len(b) > 2 {
		next := []int{0}
		for i := 0; i+1 < len(b); i += 2 {
			lo, mid, hi := b[i], b[i+1], b[i+1]
			if i+2 < len(b) {
				hi = b[i+2]
			}
			merge2(other[lo:hi], cur[lo:mid], cur[mid:hi])
			next = append(next, hi)
		}
		b = next
		cur, other = other, cur
		inDst = !inDst
	}
	if !inDst {
		copy(dst, cur)
	}
}

// merge2 merges sorted a and b into out, which holds exactly both.
func merge2(out, a, b []int64) {
	i, j, k := 0, 0, 0
	for i < len(a) && j < len(b) {
		if a[i] <= b[j] {
			out[k] = a[i]
			i++
		} else {
			out[k] = b[j]
			j++
		}
		k++
	}
	k += copy(out[k:], a[i:])
	copy(out[k:], b[j:])
}

// parallel calls fn for 0..n-1 on every processor, each worker with a
// scratch buffer of its own.
func parallel(n int, fn func(i int, scratch *[]int64)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var scratch []int64
			for i := w; i < n; i += workers {
				fn(i, &scratch)
			}
		}()
	}
	wg.Wait()
}
