// Package store opens paved's database — embedded SQLite by default,
// PostgreSQL when a URL is given — applies the one migration set, and runs
// transactions. Capability packages own their SQL; this package only hands
// them a connection that behaves the same on both engines.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Dialect names the database engine behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open paved database. Reads go to R and writes to W: on SQLite W
// is a single connection (SQLite allows one writer; queueing in Go is
// cheaper than spinning on SQLITE_BUSY), while R is a pool of readers that
// WAL lets run beside the writer. On PostgreSQL both are the same pool.
type DB struct {
	Dialect Dialect
	R, W    *sql.DB
	// Where describes the database for logs and errors without any secret.
	Where string
}

// Options say which database to open.
type Options struct {
	// URL is a postgres:// URL; when empty, SQLite in DataDir is used.
	URL     string
	DataDir string
}

// Open connects to the database and checks that it answers. It does not
// migrate; call Migrate.
func Open(ctx context.Context, opts Options) (*DB, error) {
	if opts.URL != "" {
		return openPostgres(ctx, opts.URL)
	}
	return openSQLite(ctx, opts.DataDir)
}

func openSQLite(ctx context.Context, dir string) (*DB, error) {
	if dir == "" {
		return nil, errors.New("no database: set --data-dir for the embedded store or --database-url for PostgreSQL")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("creating data directory: %w", err)
	}
	path := filepath.Join(dir, "paved.db")
	// WAL lets readers run beside the writer; busy_timeout makes a second
	// process (say `paved token create` next to `paved serve`) wait instead
	// of failing; foreign keys are off by default in SQLite.
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	w, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(8)
	db := &DB{Dialect: SQLite, R: r, W: w, Where: "sqlite:" + path}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	return db, nil
}

func openPostgres(ctx context.Context, rawURL string) (*DB, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, errors.New("--database-url must be a postgres:// URL")
	}
	where := redact(u)
	pool, err := sql.Open("pgx", rawURL)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", where, err)
	}
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(10)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	db := &DB{Dialect: Postgres, R: pool, W: pool, Where: where}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.Ping(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("cannot reach PostgreSQL at %s: %s", where, scrub(err.Error(), u))
	}
	return db, nil
}

// redact renders a URL for humans with its password removed.
func redact(u *url.URL) string {
	c := *u
	if c.User != nil {
		c.User = url.User(c.User.Username())
	}
	c.RawQuery = ""
	return c.String()
}

// scrub removes the password from a driver error, in case a driver echoes
// its connection string.
func scrub(msg string, u *url.URL) string {
	if u.User != nil {
		if p, ok := u.User.Password(); ok && p != "" {
			msg = strings.ReplaceAll(msg, p, "xxxxx")
		}
	}
	return msg
}

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.R.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Close releases both pools.
func (db *DB) Close() error {
	err := db.W.Close()
	if db.R != db.W {
		err = errors.Join(err, db.R.Close())
	}
	return err
}

// Tx runs fn in a write transaction, committing when fn returns nil and
// rolling back otherwise, so a failed import leaves nothing behind.
func (db *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// Now is the timestamp format every table uses: UTC Unix milliseconds.
func Now() int64 { return time.Now().UTC().UnixMilli() }

// Time converts a stored timestamp back.
func Time(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
