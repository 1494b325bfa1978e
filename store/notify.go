package store

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// On PostgreSQL the read caches (read_cache.go) are kept across processes
// by LISTEN/NOTIFY: a write transaction that changed what the caches hold
// says so in a pg_notify sent right behind its COMMIT, in the same round
// trip (Tx.ExecAfterCommit), and every process listening drops those
// entries as its own commits do. A process whose listening connection is
// lost stops serving from its caches at once, and once it listens again
// drops all it held: a notice it may have missed never leaves a stale page
// served.
//
// The notice is not sent inside the transaction: a transaction that
// NOTIFYs takes one lock of the whole cluster at its commit and holds it
// until the commit is done, its WAL flush included, so every write of
// every process committed one at a time. With durable commits (fsync and
// synchronous_commit on) 16 clients pipelining BEGIN, an insert and COMMIT
// committed 13,400–15,800 transactions a second, 4,200–4,400 with a
// pg_notify inside, 8,100–11,200 with it behind the COMMIT (pgbench, 2
// cores). Behind the COMMIT, the notice goes out in its own transaction
// after the write's, so one that fails (or a connection cut between the
// two) would leave the others' pages stale: every listening process drops
// everything every forgetEvery, which bounds how long.

// changesChannel is the channel the notices go on.
const changesChannel = "testgate_changes"

// maxNoticeIDs bounds the invitation ids one notice names (PostgreSQL's
// payload holds under 8,000 bytes); past it the notice says "everything".
const maxNoticeIDs = 400

// notice is a transaction's changes as a notice's payload: the sending
// process, then "t" (tests, links, questions, sections: everything), or
// "n" (invitations added) and/or the changed invitations' ids.
func (c readChanges) notice(process string) string {
	var b strings.Builder
	b.WriteString(process)
	b.WriteByte(' ')
	if c.tests || len(c.invitations) > maxNoticeIDs {
		b.WriteByte('t')
		return b.String()
	}
	if c.newInvitations {
		b.WriteByte('n')
	}
	b.WriteByte(' ')
	first := true
	for id := range c.invitations {
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}

// parseNotice reads a notice: who sent it and what changed. A notice that
// does not parse counts as a change to everything.
func parseNotice(payload string) (process string, c readChanges) {
	process, rest, _ := strings.Cut(payload, " ")
	flags, ids, _ := strings.Cut(rest, " ")
	if strings.Contains(flags, "t") {
		return process, readChanges{tests: true}
	}
	c.newInvitations = strings.Contains(flags, "n")
	for field := range strings.SplitSeq(ids, ",") {
		if field == "" {
			continue
		}
		id, err := strconv.ParseInt(field, 10, 64)
		if err != nil {
			return process, readChanges{tests: true}
		}
		if c.invitations == nil {
			c.invitations = map[int64]struct{}{}
		}
		c.invitations[id] = struct{}{}
	}
	return process, c
}

// notifyChanges sends the transaction's changes to the other processes
// behind its commit (PostgreSQL runs it once the COMMIT before it is done,
// and not after a COMMIT that raised an error).
func (db *DB) notifyChanges(ctx context.Context, tx *Tx) error {
	if !db.Postgres() || tx.changes.empty() {
		return nil
	}
	return tx.ExecAfterCommit(ctx, `SELECT pg_notify(?, ?)`, changesChannel, tx.changes.notice(db.process))
}

// listener holds the connection that listens for the other processes'
// changes.
type listener struct {
	cfg       *pgx.ConnConfig
	listening atomic.Bool   // caches are served only while true
	pid       atomic.Uint32 // the listening connection's server process (tests end it)
	forget    atomic.Int64  // forgetEvery but in tests (nanoseconds)
	stop      context.CancelFunc
	done      chan struct{}
}

// forgetEvery is how often a listening process drops all it cached: how
// long a change whose notice was lost can go unseen. Each entry is then
// read again once, by its next request.
const forgetEvery = 30 * time.Second

// listenCheck is how often a quiet listening connection is checked to be
// alive: a connection lost without a word (a network cut) is found within
// it, and caches stop being served.
const listenCheck = 2 * time.Second

// startListening connects and listens before it returns, so that a store
// opened on PostgreSQL caches from its first read, then keeps listening
// (reconnecting after a loss) until Close.
func (db *DB) startListening(ctx context.Context, cfg *pgx.ConnConfig) error {
	l := &listener{cfg: cfg, done: make(chan struct{})}
	l.forget.Store(int64(forgetEvery))
	conn, err := l.connect(ctx)
	if err != nil {
		return err
	}
	runCtx, stop := context.WithCancel(context.Background())
	l.stop = stop
	db.listener = l
	db.readGen.changed(readChanges{tests: true})
	l.listening.Store(true)
	go db.listen(runCtx, conn)
	return nil
}

func (l *listener) connect(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, l.cfg.Copy())
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, `LISTEN `+changesChannel); err != nil {
		conn.Close(ctx)
		return nil, err
	}
	l.pid.Store(conn.PgConn().PID())
	return conn, nil
}

// listen applies the notices arriving on conn, and after a loss connects
// again, waiting longer each time up to 5 seconds.
func (db *DB) listen(ctx context.Context, conn *pgx.Conn) {
	l := db.listener
	defer close(l.done)
	wait := 50 * time.Millisecond
	for {
		if conn != nil {
			err := db.applyNotices(ctx, conn)
			l.listening.Store(false)
			conn.Close(context.Background())
			conn = nil
			if ctx.Err() != nil {
				return
			}
			slog.Warn("store: the connection listening for other processes' changes was lost; cached reads are off until it is back", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		c, err := l.connect(ctx)
		if err != nil {
			wait = min(wait*2, 5*time.Second)
			continue
		}
		conn, wait = c, 50*time.Millisecond
		// Whatever changed while nobody listened is unknown: drop it all,
		// then serve from the caches again.
		db.readGen.changed(readChanges{tests: true})
		l.listening.Store(true)
		slog.Info("store: listening for other processes' changes again; cached reads are back on")
	}
}

// applyNotices drops what each notice names until the connection fails,
// and everything every forgetEvery.
func (db *DB) applyNotices(ctx context.Context, conn *pgx.Conn) error {
	forgot := time.Now()
	for {
		every := time.Duration(db.listener.forget.Load())
		if time.Since(forgot) >= every {
			db.readGen.changed(readChanges{tests: true})
			forgot = time.Now()
		}
		waitCtx, cancel := context.WithTimeout(ctx, min(listenCheck, every))
		n, err := conn.WaitForNotification(waitCtx)
		cancel()
		switch {
		case err == nil:
			if process, c := parseNotice(n.Payload); process != db.process {
				db.readGen.changed(c)
			}
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, context.DeadlineExceeded):
			if err := conn.Ping(ctx); err != nil { // quiet: is it still there?
				return err
			}
		default:
			return err
		}
	}
}

// stopListening ends the listening connection (Close).
func (db *DB) stopListening() {
	if db.listener == nil {
		return
	}
	db.listener.stop()
	<-db.listener.done
}
