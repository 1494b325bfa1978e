package store

import (
	"context"
	"database/sql"
	"time"
)

// RecordLoginFailure notes a failed sign-in under each scope (an IP, an
// account) and forgets failures older than keep.
func (db *DB) RecordLoginFailure(ctx context.Context, keep time.Duration, scopes ...string) error {
	now := db.Now()
	return db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE failed_at < ?`, millis(now.Add(-keep))); err != nil {
			return err
		}
		for _, s := range scopes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO login_failures (scope, failed_at) VALUES (?, ?)`, s, millis(now)); err != nil {
				return err
			}
		}
		return nil
	})
}

// LoginFailures counts a scope's failures since the given time and returns
// the oldest of them, from which the caller can tell when the window clears.
func (db *DB) LoginFailures(ctx context.Context, scope string, since time.Time) (count int, oldest time.Time, err error) {
	var first sql.NullInt64
	err = db.queryRow(ctx, `SELECT COUNT(*), MIN(failed_at) FROM login_failures WHERE scope = ? AND failed_at >= ?`,
		scope, millis(since)).Scan(&count, &first)
	if first.Valid {
		oldest = fromMillis(first.Int64)
	}
	return count, oldest, err
}

// ClearLoginFailures forgets a scope's failures (after a successful sign-in).
func (db *DB) ClearLoginFailures(ctx context.Context, scope string) error {
	_, err := db.execUncached(ctx, `DELETE FROM login_failures WHERE scope = ?`, scope)
	return err
}
