// Package store holds Testgate's domain types and every SQL statement.
//
// SQLite is the embedded default: one writer connection (SQLite allows one
// writer at a time, so a pool would only queue on the file lock) beside a pool
// of read-only connections. PostgreSQL (postgres.go) runs the same statements,
// its write transactions side by side, each locking only what it touches
// (locks.go).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"testgate/store/jobs"
)

// DB is the store: a writer connection, a reader pool and a clock.
type DB struct {
	path    string // the SQLite file; "" on PostgreSQL
	dsn     string // the PostgreSQL URL
	dialect dialect
	process string // this process's name on the leases it takes (processes.go)
	w       *sql.DB
	r       *sql.DB
	reads   *stmtCache
	writes  *stmtCache
	now     atomic.Pointer[func() time.Time] // swapped by tests while workers read it

	branding atomic.Pointer[brandingEntry] // read by every candidate page; nil until loaded

	passwords *passwords                   // hashes and checks console users' passwords
	composer  Composer                     // renders emails for the outbox
	payloads  PayloadBuilder               // writes callback bodies
	workers   atomic.Pointer[jobs.Workers] // woken by commits that make work due; nil until started

	// waiting counts the transactions waiting for the writer, so bulk work
	// can let them go first.
	waiting atomic.Int64
	// group is SQLite's queue of writes sharing commits; nil on PostgreSQL,
	// whose writers do not take turns.
	group *groupCommit
	// checkpoints copies SQLite's WAL into the file off the writer's path
	// (checkpoint.go); nil on PostgreSQL.
	checkpoints *checkpointer
	// lastOthers is when a transaction other than background work last
	// began, lastBulkStart when bulk work's last transaction began (unix
	// nanoseconds), lastBulk how long it took. Bulk work paces itself by
	// them (yield.go).
	lastOthers    atomic.Int64
	lastBulkStart atomic.Int64
	lastBulk      atomic.Int64

	// In-memory reads, dropped by the writes that change them (read_cache.go),
	// on PostgreSQL by other processes' too, while listener hears them
	// (notify.go).
	listener   *listener
	readGen    readGenerations
	candidates readCache[candidatePage]
	papers     readCache[[]Question] // started attempts' papers, for their saves (papers.go)
	links      readCache[TestLink]   // links by id, for the requests that name one (the API's invites)
	counts     readCache[int]
	stats      readCache[TestStatistics]
	bankStats  readCache[BankStatistics]
}

// Wiring is what the store is given when it is opened: the composer of
// the emails it queues and the builder of the callback bodies it records,
// each in the transaction of its cause. Both are required, so that no
// email or callback is ever dropped for want of one.
type Wiring struct {
	Composer Composer
	Payloads PayloadBuilder
	// PasswordCost is bcrypt's cost for console users' passwords (0: the
	// default, 10). Tests use the lowest, 4.
	PasswordCost int
	// process names the process in its leases and notices: a new token
	// when empty (tests name one).
	process string
}

// Open opens the database path names: a SQLite file (created, with its
// directory, if needed) or a postgres:// URL. It does not migrate: call
// Migrate.
func Open(ctx context.Context, path string, wiring Wiring) (*DB, error) {
	if path == "" {
		return nil, errors.New("store: empty database path")
	}
	if wiring.Composer == nil || wiring.Payloads == nil {
		return nil, errors.New("store: an email composer and a callback payload builder are required")
	}
	if IsPostgres(path) {
		return openPostgres(ctx, path, wiring)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("store: create database directory: %w", err)
		}
	}
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("store: open writer: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}

	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open readers: %w", err)
	}
	readers := max(4, runtime.GOMAXPROCS(0)*2)
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	r.SetConnMaxIdleTime(5 * time.Minute)
	if err := r.PingContext(ctx); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("store: open readers on %s: %w", path, err)
	}
	cp, err := startCheckpointer(ctx, path)
	if err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("store: open checkpointer on %s: %w", path, err)
	}
	db := newDB(w, r, path, dialectSQLite, wiring)
	db.group = newGroupCommit()
	db.checkpoints = cp
	return db, nil
}

func newDB(w, r *sql.DB, path string, d dialect, wiring Wiring) *DB {
	process := wiring.process
	if process == "" {
		process = NewToken(12)
	}
	db := &DB{path: path, dialect: d, process: process, w: w, r: r, reads: newStmtCache(r), writes: newStmtCache(w),
		composer: wiring.Composer, payloads: wiring.Payloads, passwords: newPasswords(wiring.PasswordCost),
		candidates: readCache[candidatePage]{max: 20_000}, counts: readCache[int]{max: 1_000}, papers: readCache[[]Question]{max: 4_096},
		links: readCache[TestLink]{max: 1_000},
		stats: readCache[TestStatistics]{max: 100}, bankStats: readCache[BankStatistics]{max: 1_000}}
	db.SetClock(time.Now)
	return db
}

// dsn builds the modernc DSN. busy_timeout goes first so that no later pragma
// can fail with SQLITE_BUSY; _txlock=immediate takes the write lock at BEGIN,
// so two writers never deadlock upgrading a read lock.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
		// Freed space is zeroed, so an erased candidate's bytes do not
		// linger in the file (erase.go).
		q.Add("_pragma", "secure_delete(1)")
		// Statement journals (a multi-row insert inside a transaction
		// keeps one) stay in memory instead of a temporary file. Readers
		// keep the default, so a large DISTINCT or GROUP BY may spill.
		q.Add("_pragma", "temp_store(MEMORY)")
		// Commits do not checkpoint; the checkpointer does (checkpoint.go).
		q.Add("_pragma", "wal_autocheckpoint(0)")
	}
	return "file:" + path + "?" + q.Encode()
}

// Close closes both pools.
func (db *DB) Close() error {
	db.stopListening()
	db.reads.close()
	db.writes.close()
	return errors.Join(db.checkpoints.close(), db.r.Close(), db.w.Close())
}

// SetClock replaces the clock; tests use it to move time.
func (db *DB) SetClock(now func() time.Time) { db.now.Store(&now) }

// Now is the store's current time, truncated to what the database keeps.
func (db *DB) Now() time.Time { return (*db.now.Load())().UTC().Truncate(time.Millisecond) }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.r.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// IntegrityCheck runs SQLite's integrity check and returns its verdict ("ok").
func (db *DB) IntegrityCheck(ctx context.Context) (string, error) {
	var verdict string
	err := db.w.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&verdict)
	return verdict, err
}

// Tx is a write transaction whose statements come from the writer's
// prepared-statement cache.
type Tx struct {
	tx    *sql.Tx
	cache *stmtCache
	// Links and tests read in this transaction; bulk invitations through
	// one link would otherwise read them again for every candidate.
	links map[int64]TestLink
	tests map[int64]Test
	// Statements first used in this transaction, prepared on it: a bulk
	// transaction reuses them rather than parsing each statement per row.
	local   map[string]*sql.Stmt
	dialect dialect
	// changes is what the transaction changed of what the read caches
	// hold, as its write methods said: the commit drops those entries.
	changes readChanges
	// due names the workers whose work the transaction made due now: the
	// commit wakes them.
	due []string
	// after runs once the transaction has committed (caches filled with
	// what it read: they must not hold what a rollback took back).
	after []func()
	// gen is the read caches' generation its commit made: an entry of what
	// the transaction wrote, kept at it, is fresh until the next change.
	gen uint64
	// detached: the transaction is shared with other callers' writes, so
	// a caller's cancelled context must not interrupt its statements
	// (group_commit.go).
	detached bool
}

// stmtContext is the context a statement of the transaction runs under.
func (t *Tx) stmtContext(ctx context.Context) context.Context {
	if t.detached {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// stmt returns a prepared statement for the transaction: from the writer
// cache, or prepared here (and noted for the cache once the transaction
// ends, when the writer connection is free to prepare it).
func (t *Tx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := t.local[query]; ok {
		return st, nil
	}
	var st *sql.Stmt
	if shared, ok := t.cache.lookup(query); ok {
		st = t.tx.StmtContext(ctx, shared)
	} else {
		t.cache.want(query)
		var err error
		if st, err = t.tx.PrepareContext(ctx, query); err != nil {
			return nil, err
		}
	}
	if t.local == nil {
		t.local = map[string]*sql.Stmt{}
	}
	t.local[query] = st
	return st, nil
}

// ExecContext runs a statement in the transaction, prepared from the cache
// when it is there.
func (t *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = t.stmtContext(ctx)
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// ExecLater runs a write whose outcome the caller does not read (how many
// rows, which id): an event appended, a status moved under the lock the
// transaction holds. On PostgreSQL it waits to go out with the
// transaction's next statement that must answer, or with its commit, in
// one round trip (pgconn.go); an error it meets fails that statement or
// the commit, and the transaction with it.
func (t *Tx) ExecLater(ctx context.Context, query string, args ...any) error {
	if t.dialect != dialectPostgres {
		_, err := t.ExecContext(ctx, query, args...)
		return err
	}
	_, err := t.tx.ExecContext(ctx, laterMark+query, args...)
	return err
}

// ExecAfterCommit runs a statement of its own right after the
// transaction commits, whose outcome nobody waits for: on PostgreSQL it
// goes out behind the COMMIT in the same round trip (pgconn.go), does not
// run after a COMMIT that raised an error (after one that rolled back a
// transaction already failed it does, needlessly), and an error it meets
// is logged, not the commit's. Only on PostgreSQL; it must be the
// transaction's last statement.
func (t *Tx) ExecAfterCommit(ctx context.Context, query string, args ...any) error {
	if t.dialect != dialectPostgres {
		return errors.New("store: ExecAfterCommit is for PostgreSQL")
	}
	_, err := t.tx.ExecContext(ctx, afterCommitMark+query, args...)
	return err
}

// QueryRowContext runs a single-row query in the transaction.
func (t *Tx) QueryRowContext(ctx context.Context, query string, args ...any) row {
	ctx = t.stmtContext(ctx)
	st, err := t.stmt(ctx, query)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRowContext(ctx, args...)
}

// QueryContext runs a query in the transaction.
func (t *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = t.stmtContext(ctx)
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// execScript runs SQL that may hold several statements (migrations); it
// is not cached, since a prepared statement holds only the first.
func (t *Tx) execScript(ctx context.Context, script string) error {
	t.changedTests() // a schema change may change anything
	_, err := t.tx.ExecContext(t.stmtContext(ctx), script)
	return err
}

// inTx runs fn in a write transaction, committing when it returns nil:
// on SQLite in one shared with other writes waiting for the writer
// (group_commit.go).
func (db *DB) inTx(ctx context.Context, fn func(tx *Tx) error) error {
	if db.group != nil {
		return db.inTxGrouped(ctx, fn)
	}
	db.waiting.Add(1)
	defer db.waiting.Add(-1)
	return db.runTx(ctx, fn)
}

// runTx runs fn in a write transaction of its own.
func (db *DB) runTx(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := db.w.BeginTx(ctx, nil)
	db.noteWriter(ctx)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	tx := &Tx{tx: sqlTx, cache: db.writes, dialect: db.dialect}
	// Statements first seen in this transaction are prepared once it ends.
	defer db.writes.prepareWanted(context.WithoutCancel(ctx))
	if err := fn(tx); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := db.notifyChanges(ctx, tx); err != nil {
		sqlTx.Rollback()
		return fmt.Errorf("store: notify other processes: %w", err)
	}
	err = sqlTx.Commit()
	// Even after a failed commit: what was written is then unknown.
	tx.gen = db.readGen.changed(tx.changes)
	if err != nil {
		return fmt.Errorf("store: commit: %w", mapError(err))
	}
	tx.committed(db)
	return nil
}

// committed does what waits for the transaction's commit: wake the
// workers it made work for, fill the caches it read for.
func (t *Tx) committed(db *DB) {
	db.checkpoints.committed()
	db.wake(t.due)
	for _, fn := range t.after {
		fn()
	}
}

// link reads a link once per transaction.
func (t *Tx) link(ctx context.Context, id int64) (TestLink, error) {
	if l, ok := t.links[id]; ok {
		return l, nil
	}
	l, err := scanLink(t.QueryRowContext(ctx, `SELECT `+linkColumns+` FROM test_links WHERE id = ?`, id))
	if err != nil {
		return l, err
	}
	if t.links == nil {
		t.links = map[int64]TestLink{}
	}
	t.links[id] = l
	return l, nil
}

// test reads a test once per transaction.
func (t *Tx) test(ctx context.Context, id int64) (Test, error) {
	if v, ok := t.tests[id]; ok {
		return v, nil
	}
	v, err := scanTest(t.QueryRowContext(ctx, `SELECT `+testColumns+` FROM tests t WHERE t.id = ?`, id))
	if err != nil {
		return v, err
	}
	if t.tests == nil {
		t.tests = map[int64]Test{}
	}
	t.tests[id] = v
	return v, nil
}

// Path is the database file.
func (db *DB) Path() string { return db.path }

// ReadOnly is a read-only handle on the database, for checks outside the
// store (tests, invariants) that have no query of their own here.
func (db *DB) ReadOnly() *sql.DB { return db.r }
