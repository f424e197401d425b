package cost_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/catalog/catalogtest"
	"github.com/paved-dev/paved/internal/cost"
	"github.com/paved-dev/paved/internal/cost/focus"
	"github.com/paved-dev/paved/internal/store/storetest"
)

// TestImportOnEveryCoreMatchesOneReader imports a 25 MB export twice:
// as plain CSV, which is read in chunks on two cores, and gzipped, which
// is read by one reader. The records, the reports and the rejections
// must be the same.
func TestImportOnEveryCoreMatchesOneReader(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	var gen bytes.Buffer
	if err := focus.Generate(&gen, 36_000, 7); err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(gen.String(), "\n")
	// Break a row in each half: its BilledCost is not a number.
	spoil := func(line int) {
		lines[line-1] = "oops" + lines[line-1][strings.IndexByte(lines[line-1], ','):]
	}
	clean := []byte(strings.Join(lines, ""))
	spoil(200)
	spoil(30_000)
	dirty := []byte(strings.Join(lines, ""))

	rd, err := focus.Open("x.csv", bytes.NewReader(clean))
	if err != nil {
		t.Fatal(err)
	}
	if parts, err := rd.Split(2); len(parts) != 2 || err != nil {
		t.Fatalf("the test file is not split in two: %d parts, %v", len(parts), err)
	}

	type result struct {
		imp     cost.Import
		err     error
		reports []cost.Report
	}
	run := func(t *testing.T, data []byte, zip bool, opts cost.ImportOptions) result {
		db := storetest.SQLite(t)
		catPath := filepath.Join(t.TempDir(), "catalog.yaml")
		var cat bytes.Buffer
		focus.GenerateCatalog(&cat)
		os.WriteFile(catPath, cat.Bytes(), 0o644)
		cfg, c := catalogtest.OpenFiles(t, db, "testdata/paved.yaml", catPath)
		svc := cost.NewService(cfg, c, db)
		if zip {
			var z bytes.Buffer
			zw := gzip.NewWriter(&z)
			zw.Write(data)
			zw.Close()
			data = z.Bytes()
		}
		opts.Now = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
		var res result
		res.imp, res.err = svc.Import(context.Background(), "bill.csv", bytes.NewReader(data), opts)
		if res.err != nil {
			return res
		}
		for _, by := range []string{"team", "service", "allocation", "account", "service-name"} {
			rep, err := svc.Report(context.Background(), "2024-09", by, "")
			if err != nil {
				t.Fatal(err)
			}
			res.reports = append(res.reports, rep)
		}
		return res
	}

	t.Run("clean", func(t *testing.T) {
		split, whole := run(t, clean, false, cost.ImportOptions{}), run(t, clean, true, cost.ImportOptions{})
		if split.err != nil || whole.err != nil {
			t.Fatal(split.err, whole.err)
		}
		if split.imp.RowsImported != 36_000 {
			t.Fatalf("imported %d rows", split.imp.RowsImported)
		}
		sameImport(t, split.imp, whole.imp)
		for i := range split.reports {
			sameReport(t, split.reports[i], whole.reports[i])
		}
	})
	t.Run("the first bad row fails it", func(t *testing.T) {
		for _, zip := range []bool{false, true} {
			res := run(t, dirty, zip, cost.ImportOptions{})
			var rej *cost.RowRejectedError
			if !errors.As(res.err, &rej) || rej.Line != 200 || !strings.Contains(res.err.Error(), `bill.csv:200: column BilledCost: "oops" is not a number`) {
				t.Fatalf("gzip=%v: err = %v", zip, res.err)
			}
		}
	})
	t.Run("skip invalid", func(t *testing.T) {
		split, whole := run(t, dirty, false, cost.ImportOptions{SkipInvalid: true}), run(t, dirty, true, cost.ImportOptions{SkipInvalid: true})
		if split.err != nil || whole.err != nil {
			t.Fatal(split.err, whole.err)
		}
		if !reflect.DeepEqual(split.imp.RejectedLines, []int{200, 30_000}) || split.imp.RowsRejected != 2 || split.imp.RowsImported != 35_998 {
			t.Fatalf("rejected %d lines %v, imported %d", split.imp.RowsRejected, split.imp.RejectedLines, split.imp.RowsImported)
		}
		sameImport(t, split.imp, whole.imp)
	})
}

func sameImport(t *testing.T, a, b cost.Import) {
	t.Helper()
	if a.RowsRead != b.RowsRead || a.RowsImported != b.RowsImported || a.RowsRejected != b.RowsRejected ||
		!reflect.DeepEqual(a.RejectedLines, b.RejectedLines) || !reflect.DeepEqual(a.Rejections, b.Rejections) ||
		!reflect.DeepEqual(a.Normalised, b.Normalised) || !reflect.DeepEqual(a.Periods, b.Periods) || !reflect.DeepEqual(a.Warnings, b.Warnings) {
		t.Fatalf("imports differ:\n split %+v\n whole %+v", a, b)
	}
	for c, w := range b.Totals {
		if g := a.Totals[c]; !near(g.Billed, w.Billed) || !near(g.Effective, w.Effective) || !near(g.List, w.List) {
			t.Errorf("%s totals: split %+v, whole %+v", c, g, w)
		}
	}
	for c, w := range b.Coverage {
		if !near(a.Coverage[c], w) {
			t.Errorf("%s coverage: split %v, whole %v", c, a.Coverage[c], w)
		}
	}
}

func sameReport(t *testing.T, a, b cost.Report) {
	t.Helper()
	if len(a.Rows) != len(b.Rows) {
		t.Fatalf("by %s: %d rows split, %d whole", a.By, len(a.Rows), len(b.Rows))
	}
	for i := range a.Rows {
		x, y := a.Rows[i], b.Rows[i]
		if x.Key != y.Key || x.Currency != y.Currency || !near(x.EffectiveCost, y.EffectiveCost) || !near(x.BilledCost, y.BilledCost) {
			t.Errorf("by %s row %d: split %s, whole %s", a.By, i, fmt.Sprint(x), fmt.Sprint(y))
		}
	}
}
