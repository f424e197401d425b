package focus

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
)

// readOut is everything a caller sees from a read: each row (or row
// error) in order, and the normalisation counts.
type readOut struct {
	rows  []string
	stats Stats
}

func readSequential(t testing.TB, data []byte) readOut {
	t.Helper()
	r, err := Open("t.csv", bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	var out readOut
	drain(r, &out.rows)
	out.stats = r.Stats()
	return out
}

// readSplit reads with Split(n); misaligned reports ErrMisaligned.
func readSplit(t testing.TB, data []byte, n int) (out readOut, split, misaligned bool) {
	t.Helper()
	r, err := Open("t.csv", bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	parts, err := r.Split(n)
	if err != nil {
		t.Fatalf("Split: %v", err)
	}
	if parts == nil {
		return out, false, false
	}
	var stats []Stats
	for _, p := range parts {
		if drain(p, &out.rows) == ErrMisaligned {
			return out, true, true
		}
		stats = append(stats, p.Stats())
	}
	out.stats = SumStats(stats)
	return out, true, false
}

// drain reads r to its end, describing each row, and returns the error
// that ended it.
func drain(r *Reader, rows *[]string) error {
	for {
		row, err := r.Next()
		var re *RowError
		switch {
		case err == io.EOF:
			return nil
		case errors.As(err, &re):
			*rows = append(*rows, "error "+re.Error())
		case err != nil:
			return err
		default:
			*rows = append(*rows, fmt.Sprintf("%d %v %v %s %s %v %s", row.Line, row.BilledCost, row.EffectiveCost,
				row.BillingCurrency, row.ChargePeriodStart, row.Tags, row.Column("x_note")))
		}
	}
}

// TestSplitReadsWhatOneReaderReads holds split reads to the sequential
// read: the same rows with the same lines, errors and counts, or
// ErrMisaligned when a boundary falls inside a quoted field.
func TestSplitReadsWhatOneReaderReads(t *testing.T) {
	defer func(m int64) { minChunk = m }(minChunk)
	minChunk = 1
	header := "BilledCost,EffectiveCost,ListCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,BillingPeriodStart,BillingPeriodEnd,ProviderName,BillingAccountId,SubAccountId,ServiceName,Tags,x_note\n"
	row := func(i int, note string) string {
		return fmt.Sprintf("%d.5,%d,NULL,USD,2024-09-%02d 01:00:00,,2024-09-01T00:00:00Z,,AWS,1,2,EC2,\"{\"\"team\"\": \"\"t%d\"\"}\",%s\n", i, i, i%28+1, i%3, note)
	}
	var plain strings.Builder
	for i := 0; i < 200; i++ {
		plain.WriteString(row(i, "n"))
	}
	var messy strings.Builder
	messy.WriteString("\xef\xbb\xbf")
	for i := 0; i < 200; i++ {
		switch i % 7 {
		case 1:
			messy.WriteString("\n\r\n") // empty lines
		case 2:
			messy.WriteString(strings.Replace(row(i, "x"), "\n", "\r\n", 1))
		case 3:
			messy.WriteString(strings.Replace(row(i, "x"), ".5,", "oops,", 1)) // a row error
		case 4:
			messy.WriteString("1,2,3\n") // wrong field count
		}
		messy.WriteString(row(i, "m"))
	}
	var quoted strings.Builder
	for i := 0; i < 200; i++ {
		quoted.WriteString(row(i, "\"line one\nline two\nline three\""))
	}
	cases := []struct {
		name           string
		body           string
		wantMisaligned bool
	}{
		{"plain", plain.String(), false},
		{"messy", messy.String(), false},
		{"no final newline", strings.TrimSuffix(plain.String(), "\n"), false},
		{"quoted line breaks", quoted.String(), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte(header + tc.body)
			if strings.HasPrefix(tc.body, "\xef\xbb\xbf") {
				data = []byte("\xef\xbb\xbf" + header + strings.TrimPrefix(tc.body, "\xef\xbb\xbf"))
			}
			want := readSequential(t, data)
			sawMisaligned := false
			for _, n := range []int{2, 3, 7, 50} {
				got, split, misaligned := readSplit(t, data, n)
				if !split {
					t.Fatalf("n=%d: not split", n)
				}
				if misaligned {
					sawMisaligned = true
					continue
				}
				if !reflect.DeepEqual(got.rows, want.rows) {
					t.Fatalf("n=%d: rows differ\n got %d: %q\nwant %d: %q", n, len(got.rows), got.rows, len(want.rows), want.rows)
				}
				if !reflect.DeepEqual(got.stats, want.stats) {
					t.Fatalf("n=%d: stats differ\n got %+v\nwant %+v", n, got.stats, want.stats)
				}
			}
			if sawMisaligned != tc.wantMisaligned {
				t.Fatalf("misaligned = %v, want %v", sawMisaligned, tc.wantMisaligned)
			}
		})
	}
}

// TestSplitRefuses lists what is read whole.
func TestSplitRefuses(t *testing.T) {
	data := []byte(fuzzHeader + strings.Repeat("1,1,1,USD,2024-09-01,,2024-09-01,,AWS,1,2,EC2,,x\n", 10))
	r, err := Open("small.csv", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if parts, err := r.Split(2); parts != nil || err != nil {
		t.Fatalf("a file under minChunk a chunk was split: %d, %v", len(parts), err)
	}
	defer func(m int64) { minChunk = m }(minChunk)
	minChunk = 1
	if parts, _ := r.Split(1); parts != nil {
		t.Fatal("split into one")
	}
	r.Next()
	if parts, _ := r.Split(2); parts != nil {
		t.Fatal("split after reading")
	}
}

// FuzzSplitChunks holds a split read to the sequential one on any input.
func FuzzSplitChunks(f *testing.F) {
	f.Add([]byte("1,1,1,USD,2024-09-01,,2024-09-01,,AWS,1,2,EC2,,x\n2,2,2,EUR,2024-09-02,,2024-09-01,,AWS,1,2,EC2,,y\n"), uint8(2))
	f.Add([]byte("1,1,1,USD,2024-09-01,,2024-09-01,,AWS,1,2,EC2,\"{\n}\",x\n\n\r\n2,x,2,EUR,2024-09-02,,2024-09-01,,AWS,1,2,EC2,,y"), uint8(3))
	f.Fuzz(func(t *testing.T, body []byte, n uint8) {
		defer func(m int64) { minChunk = m }(minChunk)
		minChunk = 1
		data := append([]byte(fuzzHeader), body...)
		want := readSequential(t, data)
		got, split, misaligned := readSplit(t, data, int(n%8)+2)
		if !split || misaligned {
			return
		}
		if !reflect.DeepEqual(got.rows, want.rows) {
			t.Fatalf("rows differ\n got %q\nwant %q", got.rows, want.rows)
		}
		if !reflect.DeepEqual(got.stats, want.stats) {
			t.Fatalf("stats differ\n got %+v\nwant %+v", got.stats, want.stats)
		}
	})
}

// TestSplitParquetReadsWhatOneReaderReads splits the sample, written as
// Parquet in row groups of 137 rows, between row groups.
func TestSplitParquetReadsWhatOneReaderReads(t *testing.T) {
	defer func(m int64) { minChunkRows = m }(minChunkRows)
	minChunkRows = 1
	data, _ := sampleAsParquet(t)
	want := readSequential(t, data)
	if len(want.rows) != 1000 {
		t.Fatalf("sequential read gave %d rows", len(want.rows))
	}
	for _, n := range []int{2, 3, 5, 8, 50} {
		got, split, misaligned := readSplit(t, data, n)
		if !split || misaligned {
			t.Fatalf("n=%d: split %v, misaligned %v", n, split, misaligned)
		}
		if !reflect.DeepEqual(got.rows, want.rows) {
			t.Fatalf("n=%d: rows differ", n)
		}
		if !reflect.DeepEqual(got.stats, want.stats) {
			t.Fatalf("n=%d: stats differ\n got %+v\nwant %+v", n, got.stats, want.stats)
		}
	}
	minChunkRows = 600 // fewer rows than two chunks need
	if _, split, _ := readSplit(t, data, 2); split {
		t.Fatal("a file under minChunkRows a chunk was split")
	}
}
