package store

import (
	"context"
	"log/slog"
	"time"

	"testgate/store/jobs"
)

// Several serve processes on one PostgreSQL database share the background
// work by leases, each lease naming the process that took it. Each
// process says every few seconds that it is alive; one not seen for
// missedHeartbeats of its own heartbeats is taken for dead, and its leases
// are made due at once rather than when they run out (emails' after 2
// minutes). A live process keeps its leases however long it takes.

// DefaultHeartbeat is how often a process says it is alive, unless serve's
// --heartbeat says otherwise.
const DefaultHeartbeat = 10 * time.Second

// missedHeartbeats is how many of its heartbeats a process may miss before
// its leases are taken over. Each process writes its own limit, so
// processes with different heartbeats judge each other by the one that
// is late.
const missedHeartbeats = 3

// Heartbeat records this process as alive now, and how long it may go
// unseen: missedHeartbeats times every, its heartbeat.
func (db *DB) Heartbeat(ctx context.Context, every time.Duration) error {
	now := millis(db.Now())
	_, err := db.exec(ctx, `INSERT INTO processes (id, started_at, seen_at, stale_after_ms) VALUES (?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at, stale_after_ms = excluded.stale_after_ms`,
		db.process, now, now, (missedHeartbeats * every).Milliseconds())
	return err
}

// TakeOverLeases makes the leases of processes not seen within their
// limit due now, forgets those processes, and says how many leases it
// freed.
func (db *DB) TakeOverLeases(ctx context.Context) (emails, callbacks, imports int64, err error) {
	now := millis(db.Now())
	return db.freeLeases(ctx, ` AND locked_by IN (SELECT id FROM processes WHERE seen_at + stale_after_ms < ?)`, func(tx *Tx, _ int64) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM processes WHERE seen_at + stale_after_ms < ?`, now)
		return err
	}, now)
}

// HeartbeatJob keeps this process seen and takes over the leases of
// processes that are gone: a background job (WorkHeartbeat).
type HeartbeatJob struct {
	DB    *DB
	Log   *slog.Logger
	Every time.Duration // the heartbeat, as its schedule runs it
}

// Schedule is how serve runs the job on PostgreSQL: once every heartbeat.
func (j *HeartbeatJob) Schedule() jobs.Schedule {
	return jobs.Schedule{Lanes: 1, Poll: j.Every, Retry: j.Every}
}

// Pass says this process is alive, then takes over dead ones' leases.
func (j *HeartbeatJob) Pass(ctx context.Context) (int, error) {
	if err := j.DB.Heartbeat(ctx, j.Every); err != nil {
		return 0, err
	}
	emails, callbacks, imports, err := j.DB.TakeOverLeases(ctx)
	if emails+callbacks+imports > 0 {
		j.Log.Warn("taking up work a stopped process held", "emails", emails, "callbacks", callbacks, "imports", imports)
	}
	return 0, err
}
