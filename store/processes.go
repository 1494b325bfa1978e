package store

import (
	"context"
	"log/slog"
	"time"

	"testgate/store/jobs"
)

// Several serve processes on one PostgreSQL database share the background
// work by leases, each lease naming the process that took it. Each
// process says every few seconds that it is alive; one that is not seen
// for processStale is taken for dead, and its leases are made due at once
// rather than when they run out (emails' after 2 minutes). A live process
// keeps its leases however long it takes.

// processStale is how long a process may go unseen before its leases are
// taken over: three missed heartbeats.
const processStale = 30 * time.Second

// HeartbeatEvery is how often a process says it is alive.
const HeartbeatEvery = 10 * time.Second

// Heartbeat records this process as alive now.
func (db *DB) Heartbeat(ctx context.Context) error {
	now := millis(db.Now())
	_, err := db.exec(ctx, `INSERT INTO processes (id, started_at, seen_at) VALUES (?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at`, db.process, now, now)
	return err
}

// TakeOverLeases makes the leases of processes not seen for processStale
// due now, forgets those processes, and says how many leases it freed.
func (db *DB) TakeOverLeases(ctx context.Context) (emails, callbacks, imports int64, err error) {
	dead := millis(db.Now().Add(-processStale))
	return db.freeLeases(ctx, ` AND locked_by IN (SELECT id FROM processes WHERE seen_at < ?)`, func(tx *Tx, _ int64) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM processes WHERE seen_at < ?`, dead)
		return err
	}, dead)
}

// HeartbeatJob keeps this process seen and takes over the leases of
// processes that are gone: a background job (WorkHeartbeat).
type HeartbeatJob struct {
	DB  *DB
	Log *slog.Logger
}

// HeartbeatSchedule is how serve runs it on PostgreSQL.
var HeartbeatSchedule = jobs.Schedule{Lanes: 1, Poll: HeartbeatEvery, Retry: HeartbeatEvery}

// Pass says this process is alive, then takes over dead ones' leases.
func (j *HeartbeatJob) Pass(ctx context.Context) (int, error) {
	if err := j.DB.Heartbeat(ctx); err != nil {
		return 0, err
	}
	emails, callbacks, imports, err := j.DB.TakeOverLeases(ctx)
	if emails+callbacks+imports > 0 {
		j.Log.Warn("taking up work a stopped process held", "emails", emails, "callbacks", callbacks, "imports", imports)
	}
	return 0, err
}
