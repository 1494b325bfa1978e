package store

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps prepared statements of the reader pool. modernc compiles
// every statement from scratch, and parsing was most of a page's database
// time; the queries are a small fixed set, so each is prepared once
// (database/sql then prepares it lazily on each pooled connection).
type stmtCache struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db, m: map[string]*sql.Stmt{}} }

func (c *stmtCache) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	c.mu.RLock()
	st, ok := c.m[query]
	c.mu.RUnlock()
	if ok {
		return st, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[query]; ok {
		return st, nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.m[query] = st
	return st, nil
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
}

// errRow lets queryRow report a prepare error through Scan.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// row is what single-row reads scan.
type row interface{ Scan(...any) error }

// queryRow runs a cached read-only statement expected to return one row.
func (db *DB) queryRow(ctx context.Context, query string, args ...any) row {
	st, err := db.reads.stmt(ctx, query)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRowContext(ctx, args...)
}

// query runs a cached read-only statement.
func (db *DB) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := db.reads.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}
