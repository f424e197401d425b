package cost_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/catalog/catalogtest"
	"github.com/paved-dev/paved/internal/cost"
	"github.com/paved-dev/paved/internal/cost/focus"
	"github.com/paved-dev/paved/internal/store/storetest"
)

const importBenchRows = 200_000

var importBenchData = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	if err := focus.Generate(&buf, importBenchRows, 1); err != nil {
		panic(err)
	}
	return buf.Bytes()
})

// BenchmarkImport imports a generated 200,000-row export into SQLite:
// reading, allocation, rollups and the write, as `paved cost import`
// does. Each iteration replaces the previous one's billing periods.
func BenchmarkImport(b *testing.B) {
	data := importBenchData()
	db := storetest.SQLite(b)
	// The owners of the generated tags, so that allocation does the work
	// it does for a real organisation.
	catPath := filepath.Join(b.TempDir(), "catalog.yaml")
	var cat bytes.Buffer
	if err := focus.GenerateCatalog(&cat); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(catPath, cat.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	cfg, c := catalogtest.OpenFiles(b, db, "testdata/paved.yaml", catPath)
	svc := cost.NewService(cfg, c, db)
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		imp, err := svc.Import(context.Background(), "bench.csv", bytes.NewReader(data), cost.ImportOptions{Now: now})
		if err != nil {
			b.Fatal(err)
		}
		if imp.RowsImported != importBenchRows {
			b.Fatalf("imported %d rows", imp.RowsImported)
		}
	}
	b.ReportMetric(float64(importBenchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
