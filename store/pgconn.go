package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// The PostgreSQL connection under database/sql, shaped for a database one
// network hop away, where each round trip costs more than the statement:
//   - placeholders are rebound (the store's statements are SQLite's);
//   - statements are prepared by pgx's own cache on first use, with no
//     round trip of their own;
//   - a write transaction's BEGIN, and the writes whose outcome the store
//     does not read (Tx.ExecLater: events, signals, status moves), wait on
//     the connection and go out in one pipeline with the next statement
//     that must answer, or with COMMIT;
//   - the notice to other processes goes behind the COMMIT, in the same
//     pipeline, as a transaction of its own (Tx.ExecAfterCommit).
// A transaction thus costs one round trip per read that decides something
// and one for all its writes and the commit.

// laterMark starts a statement the transaction may send later (ExecLater).
const laterMark = "/*later*/"

// afterCommitMark starts a statement sent behind the COMMIT
// (ExecAfterCommit).
const afterCommitMark = "/*aftercommit*/"

// rebindConnector hands out pipelining connections.
type rebindConnector struct{ driver.Connector }

func (c rebindConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	pc, ok := conn.(*stdlib.Conn)
	if !ok {
		conn.Close()
		return nil, errors.New("store: unexpected PostgreSQL driver connection")
	}
	return &rebindConn{Conn: pc}, nil
}

// queued is a statement waiting on the connection.
type queued struct {
	sql  string
	args []any
}

// rebindConn is pgx's connection, every optional interface of it kept,
// with each statement's placeholders rebound on the way in and a write
// transaction's statements pipelined.
type rebindConn struct {
	*stdlib.Conn
	txCtx   context.Context
	inPipe  bool     // a pipelined transaction is open (BeginTx below)
	pending []queued // BEGIN and deferred writes not sent yet
	after   []queued // statements to send behind the COMMIT
}

// rebound caches each statement's rebound text. The store's statements
// are written in its code (the few built at run time vary by a bounded
// count of placeholders), so the cache holds a bounded set.
var rebound sync.Map

func rebindCached(query string) string {
	if v, ok := rebound.Load(query); ok {
		return v.(string)
	}
	q := rebind(query)
	rebound.Store(query, q)
	return q
}

func (c *rebindConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// PrepareContext prepares nothing on the server: pgx prepares and caches
// the statement the first time it runs, in the same round trip.
func (c *rebindConn) PrepareContext(_ context.Context, query string) (driver.Stmt, error) {
	return &lazyStmt{c: c, query: query}, nil
}

func (c *rebindConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if opts.Isolation != driver.IsolationLevel(0) || opts.ReadOnly {
		return c.Conn.BeginTx(ctx, opts)
	}
	if c.Conn.Conn().IsClosed() {
		return nil, driver.ErrBadConn
	}
	c.txCtx, c.inPipe = ctx, true
	c.pending = append(c.pending[:0], queued{sql: "BEGIN"})
	c.after = c.after[:0]
	return pipelineTx{c}, nil
}

func (c *rebindConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if after, ok := strings.CutPrefix(query, afterCommitMark); ok {
		if !c.inPipe {
			return nil, errors.New("store: a statement for after the commit outside a transaction")
		}
		c.after = append(c.after, queued{rebindCached(after), values(args)})
		return deferredResult{}, nil
	}
	if later, ok := strings.CutPrefix(query, laterMark); ok {
		if c.inPipe { // outside one, nothing would send it: run it now
			c.pending = append(c.pending, queued{rebindCached(later), values(args)})
			return deferredResult{}, nil
		}
		query = later
	}
	if len(c.pending) == 0 {
		return c.Conn.ExecContext(ctx, rebindCached(query), args)
	}
	tag, err := c.flush(ctx, queued{rebindCached(query), values(args)})
	return driver.RowsAffected(tag.RowsAffected()), err
}

func (c *rebindConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if len(c.pending) == 0 {
		return c.Conn.QueryContext(ctx, rebindCached(query), args)
	}
	b := c.batch()
	b.Queue(rebindCached(query), values(args)...)
	br := c.Conn.Conn().SendBatch(ctx, b)
	if err := execAll(br, len(b.QueuedQueries)-1); err != nil {
		br.Close()
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		br.Close()
		return nil, err
	}
	return &batchRows{rows: rows, br: br}, nil
}

// ResetSession refuses a connection left with statements waiting.
func (c *rebindConn) ResetSession(ctx context.Context) error {
	if len(c.pending) > 0 || len(c.after) > 0 {
		return driver.ErrBadConn
	}
	return c.Conn.ResetSession(ctx)
}

// inTx reports whether the server has a transaction open on the connection.
func (c *rebindConn) inTx() bool { return c.Conn.Conn().PgConn().TxStatus() != 'I' }

// batch takes the waiting statements as a batch to send.
func (c *rebindConn) batch() *pgx.Batch {
	b := &pgx.Batch{}
	for _, q := range c.pending {
		b.Queue(q.sql, q.args...)
	}
	c.pending = c.pending[:0]
	return b
}

// flush sends the waiting statements and last in one round trip and
// returns last's outcome, or the first error.
func (c *rebindConn) flush(ctx context.Context, last queued) (pgconn.CommandTag, error) {
	return c.flushThen(ctx, last, nil)
}

// flushThen is flush with statements behind last, in the same round trip,
// whose errors are logged: they are not last's.
func (c *rebindConn) flushThen(ctx context.Context, last queued, then []queued) (pgconn.CommandTag, error) {
	b := c.batch()
	b.Queue(last.sql, last.args...)
	for _, q := range then {
		b.Queue(q.sql, q.args...)
	}
	br := c.Conn.Conn().SendBatch(ctx, b)
	if err := execAll(br, len(b.QueuedQueries)-1-len(then)); err != nil {
		br.Close()
		return pgconn.CommandTag{}, err
	}
	tag, err := br.Exec()
	if err == nil {
		for _, q := range then {
			if _, terr := br.Exec(); terr != nil {
				slog.Warn("store: a statement behind a commit failed", "statement", q.sql, "err", terr)
				break
			}
		}
	}
	// Behind last, what Close reports is the statements behind it, logged.
	if cerr := br.Close(); err == nil && len(then) == 0 {
		err = cerr
	}
	return tag, err
}

// execAll reads the outcomes of a batch's first n statements.
func execAll(br pgx.BatchResults, n int) error {
	for range n {
		if _, err := br.Exec(); err != nil {
			return err
		}
	}
	return nil
}

func values(args []driver.NamedValue) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = a.Value
	}
	return out
}

// pipelineTx commits with the writes still waiting, in one round trip.
type pipelineTx struct{ c *rebindConn }

func (t pipelineTx) Commit() error {
	c := t.c
	c.inPipe = false
	if len(c.pending) == 1 && !c.inTx() { // nothing was sent: nothing to commit
		c.pending, c.after = c.pending[:0], c.after[:0]
		return nil
	}
	tag, err := c.flushThen(c.txCtx, queued{sql: "COMMIT"}, c.after)
	c.after = c.after[:0]
	if err == nil && tag.String() == "ROLLBACK" {
		err = errors.New("store: the transaction was rolled back at commit")
	}
	if err != nil && c.inTx() {
		c.Conn.Conn().Exec(context.WithoutCancel(c.txCtx), "ROLLBACK")
	}
	return err
}

func (t pipelineTx) Rollback() error {
	c := t.c
	c.inPipe = false
	c.pending, c.after = c.pending[:0], c.after[:0]
	if !c.inTx() {
		return nil
	}
	_, err := c.Conn.Conn().Exec(context.WithoutCancel(c.txCtx), "ROLLBACK")
	return err
}

// deferredResult is the result of a statement not sent yet: the store
// never reads it (ExecLater).
type deferredResult struct{}

func (deferredResult) LastInsertId() (int64, error) {
	return 0, errors.New("store: a deferred statement has no result")
}

func (deferredResult) RowsAffected() (int64, error) {
	return 0, errors.New("store: a deferred statement has no result")
}

// lazyStmt is a statement prepared by pgx when it first runs.
type lazyStmt struct {
	c     *rebindConn
	query string
}

func (s *lazyStmt) Close() error  { return nil }
func (s *lazyStmt) NumInput() int { return -1 }

func (s *lazyStmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), named(args))
}

func (s *lazyStmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), named(args))
}

func (s *lazyStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.c.ExecContext(ctx, s.query, args)
}

func (s *lazyStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.c.QueryContext(ctx, s.query, args)
}

func named(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, v := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return out
}

// batchRows are the rows of a query sent in a batch, as database/sql
// reads them.
type batchRows struct {
	rows pgx.Rows
	br   pgx.BatchResults
}

func (r *batchRows) Columns() []string {
	fields := r.rows.FieldDescriptions()
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	return names
}

func (r *batchRows) Close() error {
	r.rows.Close()
	return errors.Join(r.rows.Err(), r.br.Close())
}

func (r *batchRows) Next(dest []driver.Value) error {
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return io.EOF
	}
	vals, err := r.rows.Values()
	if err != nil {
		return err
	}
	for i, v := range vals {
		if dest[i], err = driverValue(v); err != nil {
			return err
		}
	}
	return nil
}

// driverValue is a value pgx decoded as one of database/sql's.
func driverValue(v any) (driver.Value, error) {
	switch v := v.(type) {
	case nil, int64, float64, bool, []byte, string, time.Time:
		return v, nil
	case int32:
		return int64(v), nil
	case int16:
		return int64(v), nil
	case float32:
		return float64(v), nil
	case driver.Valuer:
		return v.Value()
	}
	return nil, fmt.Errorf("store: a PostgreSQL value of type %T", v)
}
