package store

import (
	"context"
	"database/sql"
	"time"
)

// LoginLimit is how many sign-in attempts a scope ("ip:…", "account:…")
// may make in the throttling window.
type LoginLimit struct {
	Scope string
	Max   int
}

// LoginAttempt is a sign-in attempt counted before its password is checked:
// the rows it wrote, one per scope.
type LoginAttempt struct {
	ids []int64
}

// BeginLoginAttempt counts a sign-in attempt under every scope before the
// password is checked, in one write transaction, so concurrent attempts
// cannot all slip under a limit between a count and an insert. When a scope
// has used its limit within window, nothing is counted and wait says how
// long until its oldest attempt leaves the window. Attempts older than the
// window are forgotten on the way.
func (db *DB) BeginLoginAttempt(ctx context.Context, window time.Duration, limits ...LoginLimit) (a LoginAttempt, wait time.Duration, err error) {
	now := db.Now()
	since := millis(now.Add(-window))
	err = db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE failed_at <= ?`, since); err != nil {
			return err
		}
		for _, l := range limits {
			var n int
			var oldest sql.NullInt64
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), MIN(failed_at) FROM login_failures WHERE scope = ? AND failed_at > ?`,
				l.Scope, since).Scan(&n, &oldest); err != nil {
				return err
			}
			if n >= l.Max {
				wait = max(fromMillis(oldest.Int64).Add(window).Sub(now), time.Second)
				return nil
			}
		}
		a.ids = a.ids[:0]
		for _, l := range limits {
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO login_failures (scope, failed_at) VALUES (?, ?) RETURNING id`,
				l.Scope, millis(now)).Scan(&id); err != nil {
				return err
			}
			a.ids = append(a.ids, id)
		}
		return nil
	})
	if err != nil || wait > 0 {
		return LoginAttempt{}, wait, err
	}
	return a, 0, nil
}

// SucceedLoginAttempt takes back an attempt whose password was right and
// forgets the earlier failures of the account's scope: only failures count
// against a limit.
func (db *DB) SucceedLoginAttempt(ctx context.Context, a LoginAttempt, accountScope string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		for _, id := range a.ids {
			if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE id = ?`, id); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE scope = ?`, accountScope)
		return err
	})
}
