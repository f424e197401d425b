package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"database/sql"

	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		v1, err := db.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		v2, err := db.Migrate(ctx)
		if err != nil || v1 != v2 || v1 < 2 {
			t.Fatalf("second migrate: version %d -> %d, err %v", v1, v2, err)
		}
		cur, latest, err := db.MigrationStatus(ctx)
		if err != nil || cur != latest {
			t.Fatalf("status %d/%d, %v", cur, latest, err)
		}
	})
}

func TestTxRollsBack(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.Exec(`INSERT INTO environments (name, production, created_at, updated_at) VALUES ($1, $2, $3, $4)`, "qa", false, 1, 1); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		var n int
		db.R.QueryRow(`SELECT COUNT(*) FROM environments`).Scan(&n)
		if n != 0 {
			t.Fatalf("rolled-back insert is visible: %d rows", n)
		}
	})
}

// TestConcurrentMigrations starts several "replicas" on one empty
// PostgreSQL schema at once; the advisory lock must make them take turns.
func TestConcurrentMigrations(t *testing.T) {
	url := storetest.PostgresURL(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := store.Open(ctx, store.Options{URL: url})
			if err != nil {
				errs <- err
				return
			}
			defer db.Close()
			_, err = db.Migrate(ctx)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("replica failed to migrate: %v", err)
		}
	}
}

func TestOpenUnreachablePostgres(t *testing.T) {
	_, err := store.Open(context.Background(), store.Options{URL: "postgres://paved:s3cret@127.0.0.1:1/paved?connect_timeout=2"})
	if err == nil {
		t.Fatal("opened an unreachable database")
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("error leaks the password: %v", err)
	}
	if !strings.Contains(err.Error(), "cannot reach PostgreSQL at postgres://paved@127.0.0.1:1/paved") {
		t.Fatalf("error does not say where: %v", err)
	}
}

func TestSQLiteUsesWAL(t *testing.T) {
	db := storetest.SQLite(t)
	var mode string
	if err := db.W.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v", mode, err)
	}
	var timeout int
	db.R.QueryRow("PRAGMA busy_timeout").Scan(&timeout)
	if timeout < 1000 {
		t.Fatalf("busy_timeout = %d", timeout)
	}
}
