// Package storetest gives tests a migrated, empty database on every engine
// paved supports, so that each store test runs on SQLite and PostgreSQL.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"testing"

	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/testenv"
)

// PostgresEnv names the variable holding an admin URL of a PostgreSQL
// server that tests may create schemas in.
const PostgresEnv = "PAVED_TEST_POSTGRES_URL"

// Run calls fn in a subtest per engine: "sqlite" always, "postgres" when
// PAVED_TEST_POSTGRES_URL is set. Each gets its own fresh database.
func Run(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite returns a migrated database in a temporary directory.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	return open(t, store.Options{DataDir: t.TempDir()})
}

// Postgres returns a migrated database living in a schema of its own,
// dropped when the test ends, so tests never see each other's rows.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	admin := testenv.Lookup(t, PostgresEnv, "the PostgreSQL store suite")
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "paved_test_" + hex.EncodeToString(b)

	adm, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer adm.Close()
	if _, err := adm.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("creating schema on %s: %v", PostgresEnv, err)
	}
	t.Cleanup(func() {
		adm, err := sql.Open("pgx", admin)
		if err != nil {
			return
		}
		defer adm.Close()
		adm.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return open(t, store.Options{URL: u.String()})
}

// PostgresURL returns a URL for a fresh, empty schema (not migrated), for
// tests of start-up paths such as concurrent migration.
func PostgresURL(t testing.TB) string {
	t.Helper()
	db := Postgres(t)
	var schema string
	if err := db.R.QueryRow("SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	// Postgres() migrated it; empty it again.
	if _, err := db.W.Exec("DROP SCHEMA " + schema + " CASCADE; CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	db.Close()
	u, _ := url.Parse(testenv.Lookup(t, PostgresEnv, "the PostgreSQL store suite"))
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t testing.TB, opts store.Options) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}
