package cli

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestBatchGC: an import collects by heap size, and the collector is as it
// was afterwards; a GOGC the user set wins.
func TestBatchGC(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")

	restore := batchGC()
	if p := debug.SetGCPercent(-1); p != -1 {
		t.Errorf("during an import GC percent = %d, want -1 (off)", p)
	}
	if l := debug.SetMemoryLimit(-1); l != importHeap {
		t.Errorf("during an import the memory limit = %d, want %d", l, importHeap)
	}
	restore()
	if p := debug.SetGCPercent(-1); p != 100 {
		t.Errorf("after it GC percent = %d, want 100", p)
	}
	debug.SetGCPercent(100)
	if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
		t.Errorf("after it the memory limit = %d, want none", l)
	}

	t.Setenv("GOGC", "50")
	batchGC()()
	if p := debug.SetGCPercent(100); p != 100 {
		t.Errorf("with GOGC set, batchGC changed GC percent to %d", p)
	}
}
