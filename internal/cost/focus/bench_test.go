package focus

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"io"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

const benchRows = 100_000

var benchData = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	if err := Generate(&buf, benchRows, 1); err != nil {
		panic(err)
	}
	return buf.Bytes()
})

// measure runs read b.N times over data and reports rows/s, allocs/row
// and MB/s. It also reports rows per second of CPU time the process used
// (GC included): on a shared machine that figure moves far less than
// the wall-clock one.
func measure(b *testing.B, data []byte, read func() int) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	start, cpuStart := time.Now(), cpuTime()
	rows := 0
	for i := 0; i < b.N; i++ {
		rows += read()
	}
	elapsed, cpu := time.Since(start), cpuTime()-cpuStart
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(rows)/elapsed.Seconds(), "rows/s")
	if cpu > 0 {
		b.ReportMetric(float64(rows)/cpu.Seconds(), "rows/cpu-s")
	}
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(rows), "allocs/row")
}

// cpuTime is the user and system time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkReadCSV reads a generated 100,000-row, 37-column export
// (Generate, seed 1) with the Reader, summing the costs.
func BenchmarkReadCSV(b *testing.B) {
	data := benchData()
	measure(b, data, func() int {
		r, err := Open("bench.csv", bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		var sum float64
		for {
			row, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			sum += row.BilledCost + row.EffectiveCost
			n++
		}
		if n != benchRows || sum == 0 {
			b.Fatalf("%d rows", n)
		}
		return n
	})
}

// BenchmarkReadCSVBaseline is the floor: encoding/csv alone over the
// same bytes, reusing its record, parsing nothing.
func BenchmarkReadCSVBaseline(b *testing.B) {
	data := benchData()
	measure(b, data, func() int {
		cr := csv.NewReader(bytes.NewReader(data))
		cr.ReuseRecord = true
		n := -1
		for {
			_, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		return n
	})
}

// BenchmarkReadParquet reads the same rows written as Parquet.
func BenchmarkReadParquet(b *testing.B) {
	data := benchParquet(b)
	measure(b, data, func() int {
		r, err := Open("bench.parquet", bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		n, err := countRows(r)
		if err != nil {
			b.Fatal(err)
		}
		return n
	})
}

// BenchmarkReadParquetSplit reads the same Parquet on every core, split
// between row groups as the import does.
func BenchmarkReadParquetSplit(b *testing.B) {
	data := benchParquet(b)
	defer func(m int64) { minChunkRows = m }(minChunkRows)
	minChunkRows = 1
	measure(b, data, func() int {
		r, err := Open("bench.parquet", bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		parts, err := r.Split(runtime.GOMAXPROCS(0))
		if err != nil || len(parts) < 2 {
			b.Fatalf("not split: %d parts, %v", len(parts), err)
		}
		counts := make([]int, len(parts))
		errs := make([]error, len(parts))
		var wg sync.WaitGroup
		for i, p := range parts {
			wg.Go(func() { counts[i], errs[i] = countRows(p) })
		}
		wg.Wait()
		n := 0
		for i, c := range counts {
			if errs[i] != nil {
				b.Fatal(errs[i])
			}
			n += c
		}
		return n
	})
}

// countRows reads r to its end and returns how many rows it gave.
func countRows(r *Reader) (int, error) {
	n := 0
	for {
		_, err := r.Next()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

// benchParquet writes the generated rows as Parquet (the columns Row
// reads, tags as a MAP, as AWS exports them).
func benchParquet(b *testing.B) []byte {
	type pq struct {
		BilledCost         float64           `parquet:"BilledCost"`
		EffectiveCost      float64           `parquet:"EffectiveCost"`
		ListCost           float64           `parquet:"ListCost"`
		BillingCurrency    string            `parquet:"BillingCurrency,dict"`
		ProviderName       string            `parquet:"ProviderName,dict"`
		BillingAccountID   string            `parquet:"BillingAccountId,dict"`
		SubAccountID       string            `parquet:"SubAccountId,dict"`
		ServiceName        string            `parquet:"ServiceName,dict"`
		ServiceCategory    string            `parquet:"ServiceCategory,dict"`
		ChargeCategory     string            `parquet:"ChargeCategory,dict"`
		ChargeDescription  string            `parquet:"ChargeDescription"`
		ResourceID         string            `parquet:"ResourceId"`
		RegionID           string            `parquet:"RegionId,dict"`
		ChargePeriodStart  time.Time         `parquet:"ChargePeriodStart,timestamp(microsecond)"`
		ChargePeriodEnd    time.Time         `parquet:"ChargePeriodEnd,timestamp(microsecond)"`
		BillingPeriodStart time.Time         `parquet:"BillingPeriodStart,timestamp(microsecond)"`
		BillingPeriodEnd   time.Time         `parquet:"BillingPeriodEnd,timestamp(microsecond)"`
		Tags               map[string]string `parquet:"Tags"`
	}
	data := benchData()
	r, err := Open("bench.csv", bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	var rows []pq
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		rows = append(rows, pq{row.BilledCost, row.EffectiveCost, row.ListCost, row.BillingCurrency, row.ProviderName,
			row.BillingAccountID, row.SubAccountID, row.ServiceName, row.ServiceCategory, row.ChargeCategory,
			row.ChargeDescription, row.ResourceID, row.RegionID, row.ChargePeriodStart, row.ChargePeriodEnd,
			row.BillingPeriodStart, row.BillingPeriodEnd, row.Tags})
	}
	var buf bytes.Buffer
	// Row groups of 16,384 rows, as exporters cut files of this size.
	if err := parquet.Write(&buf, rows, parquet.MaxRowsPerRowGroup(16384)); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkSplitCSV is the splitter alone over the same bytes: what
// cutting rows into fields costs, without reading the fields.
func BenchmarkSplitCSV(b *testing.B) {
	data := benchData()
	measure(b, data, func() int {
		sp := &splitter{br: bufio.NewReaderSize(bytes.NewReader(data), bufSize), comma: ','}
		n := -1
		for {
			_, _, _, _, err := sp.read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		return n
	})
}
