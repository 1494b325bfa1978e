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
	db     *sql.DB
	mu     sync.RWMutex
	m      map[string]*sql.Stmt
	wanted map[string]bool // seen inside a transaction, prepared after it
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}, wanted: map[string]bool{}}
}

// lookup returns a prepared statement without preparing one.
func (c *stmtCache) lookup(query string) (*sql.Stmt, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	st, ok := c.m[query]
	return st, ok
}

// want notes a statement to prepare once the writer connection is free:
// preparing needs a connection, and inside a transaction the writer pool's
// only one is taken.
func (c *stmtCache) want(query string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[query]; !ok && c.m != nil {
		c.wanted[query] = true
	}
}

// prepareWanted prepares the statements noted by want. A failure only
// means the statement stays uncached.
func (c *stmtCache) prepareWanted(ctx context.Context) {
	c.mu.Lock()
	queries := make([]string, 0, len(c.wanted))
	for q := range c.wanted {
		queries = append(queries, q)
	}
	clear(c.wanted)
	c.mu.Unlock()
	for _, q := range queries {
		c.stmt(ctx, q)
	}
}

func (c *stmtCache) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := c.lookup(query); ok {
		return st, nil
	}
	// Prepare without holding the lock: preparing may wait for the writer
	// connection, whose holder may be about to look a statement up.
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	// A statement closed here waits for every connection it was prepared
	// on, one of which may be inside a transaction that waits for this
	// cache: it is closed after the lock is let go.
	c.mu.Lock()
	prior, raced := c.m[query]
	closed := c.m == nil
	if !closed && !raced {
		c.m[query] = st
	}
	c.mu.Unlock()
	switch {
	case closed:
		st.Close()
		return nil, sql.ErrConnDone
	case raced: // another goroutine won the race
		st.Close()
		return prior, nil
	}
	return st, nil
}

func (c *stmtCache) close() {
	c.mu.Lock()
	m := c.m
	c.m = nil
	c.mu.Unlock()
	for _, st := range m {
		st.Close()
	}
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

// exec runs a cached statement on the writer outside a transaction.
func (db *DB) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := db.writes.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	db.noteWriter(ctx)
	return st.ExecContext(ctx, args...)
}

// execUncached runs a write whose text varies (or is too rare to keep
// prepared) on the writer.
func (db *DB) execUncached(ctx context.Context, query string, args ...any) (sql.Result, error) {
	db.noteWriter(ctx)
	return db.w.ExecContext(ctx, query, args...)
}
