package catalogtest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
)

// Open returns the catalog on db under cfg's ownership rules and
// environments, with the paved catalog YAML applied: the setup every
// capability's tests start from.
func Open(t testing.TB, db *store.DB, cfg config.Config, catalogYAML []byte) *catalog.Catalog {
	t.Helper()
	ctx := context.Background()
	cat, err := catalog.New(ctx, db, cfg.Ownership)
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.SyncEnvironments(ctx, cfg.Environments); err != nil {
		t.Fatal(err)
	}
	doc, err := catalog.Parse("catalog.yaml", catalogYAML)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cat.Apply(ctx, doc, catalog.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	return cat
}

// OpenFiles loads the configuration at cfgPath and opens the catalog of
// the YAML file at catalogPath on db, as Open does.
func OpenFiles(t testing.TB, db *store.DB, cfgPath, catalogPath string) (config.Config, *catalog.Catalog) {
	t.Helper()
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Clean(catalogPath))
	if err != nil {
		t.Fatal(err)
	}
	return cfg, Open(t, db, cfg, data)
}
