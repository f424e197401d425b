package delivery

import (
	"context"
	"database/sql"
	"sync"

	"github.com/paved-dev/paved/internal/store"
)

// maxStmts bounds the statement cache; queries past it run unprepared.
const maxStmts = 512

// stmtCache keeps the writer's statements prepared. On SQLite, parsing
// and planning a statement costs as much as running it, and every event
// runs the same dozen; PostgreSQL's driver caches statements itself, so
// there the cache stays empty. SQLite has one write connection, held by
// the running transaction, so statements are prepared between batches:
// a query first runs unprepared and is prepared before the next batch.
type stmtCache struct {
	db      *store.DB
	mu      sync.Mutex
	m       map[string]*sql.Stmt
	pending map[string]bool
}

func newStmtCache(db *store.DB) *stmtCache {
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}, pending: map[string]bool{}}
}

// get returns the prepared statement of q, or nil when it is not prepared
// (yet).
func (c *stmtCache) get(q string) *sql.Stmt {
	if c.db.Dialect != store.SQLite {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.m[q]; ok {
		return s
	}
	if len(c.m)+len(c.pending) < maxStmts {
		c.pending[q] = true
	}
	return nil
}

// prepare prepares the statements asked for since the last call. The
// writer calls it outside any transaction. A statement that does not
// prepare is left to run unprepared, where its error is reported.
func (c *stmtCache) prepare(ctx context.Context) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q := range c.pending {
		if s, err := c.db.W.PrepareContext(ctx, q); err == nil {
			c.m[q] = s
		}
		delete(c.pending, q)
	}
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, s := range c.m {
		s.Close()
		delete(c.m, q)
	}
}

// stmt returns q prepared within the transaction, or nil.
func (t *txn) stmt(q string) *sql.Stmt {
	if s := t.s.stmts.get(q); s != nil {
		return t.tx.StmtContext(t.ctx, s)
	}
	return nil
}

func (t *txn) execResult(q string, args ...any) (sql.Result, error) {
	if s := t.stmt(q); s != nil {
		return s.ExecContext(t.ctx, args...)
	}
	return t.tx.ExecContext(t.ctx, q, args...)
}

func (t *txn) exec(q string, args ...any) error {
	_, err := t.execResult(q, args...)
	return err
}

func (t *txn) queryRow(q string, args ...any) *sql.Row {
	if s := t.stmt(q); s != nil {
		return s.QueryRowContext(t.ctx, args...)
	}
	return t.tx.QueryRowContext(t.ctx, q, args...)
}

func (t *txn) query(q string, args ...any) (*sql.Rows, error) {
	if s := t.stmt(q); s != nil {
		return s.QueryContext(t.ctx, args...)
	}
	return t.tx.QueryContext(t.ctx, q, args...)
}
