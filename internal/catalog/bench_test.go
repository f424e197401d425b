package catalog_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/catalog/catalogtest"
	"github.com/paved-dev/paved/internal/store/storetest"
)

// backstageCorpus writes a generated n-service Backstage catalog to a
// temporary file.
func backstageCorpus(tb testing.TB, n int) string {
	var b strings.Builder
	catalogtest.WriteBackstage(&b, n)
	path := filepath.Join(tb.TempDir(), "catalog-info.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// BenchmarkImportBackstage5000 is `paved catalog import` of 5,000 services
// into an empty SQLite store: parse, validate, write, rebuild the index.
func BenchmarkImportBackstage5000(b *testing.B) {
	path := backstageCorpus(b, 5000)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		db := storetest.SQLite(b)
		c := newCatalog(b, db)
		b.StartTimer()
		doc, err := catalog.ReadFiles([]string{path})
		if err != nil {
			b.Fatal(err)
		}
		rep, err := c.Apply(ctx, doc, catalog.ApplyOptions{Source: "import"})
		if err != nil || rep.Services.Created != 5000 {
			b.Fatalf("%v %+v", err, rep.Services)
		}
	}
}

// TestImport5000IsIdempotent keeps the benchmark's corpus honest and checks
// the re-import path at scale.
func TestImport5000IsIdempotent(t *testing.T) {
	if testing.Short() {
		t.Skip("large import")
	}
	path := backstageCorpus(t, 5000)
	ctx := context.Background()
	c := newCatalog(t, storetest.SQLite(t))
	doc, err := catalog.ReadFiles([]string{path})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Apply(ctx, doc, catalog.ApplyOptions{Source: "import"}); err != nil {
		t.Fatal(err)
	}
	doc, _ = catalog.ReadFiles([]string{path})
	rep, err := c.Apply(ctx, doc, catalog.ApplyOptions{Source: "import"})
	if err != nil || rep.Services.Unchanged != 5000 || len(rep.Changes) != 0 {
		t.Fatalf("re-import: %v %+v", err, rep.Services)
	}
	if o := c.Index().ResolveCloud(nil, fmt.Sprintf("%012d", 100000000000+42)); o.Team != "team-42" {
		t.Fatalf("account of team-42 resolves to %+v", o)
	}
}
