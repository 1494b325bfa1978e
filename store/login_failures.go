package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
)

// MaxThrottleWindow is the longest window any throttle counts in: the
// sweep forgets attempts older than it. Each scope is otherwise forgotten
// only by its own window (a sign-in's 15 minutes never shorten an hour).
const MaxThrottleWindow = 24 * time.Hour

// LinkMailScope is the throttle scope of the emails a public link sends
// one mailbox: the address lower-cased with any +tag of its local part
// folded away (sam+1@example.com is sam@example.com's mailbox).
func LinkMailScope(linkID int64, email string) string {
	return "link-mail:" + strconv.FormatInt(linkID, 10) + ":" + mailboxOf(email)
}

// mailboxOf is the mailbox an address delivers to, as far as a +tag goes.
func mailboxOf(email string) string {
	norm := NormalizeEmail(email)
	at := strings.LastIndexByte(norm, '@')
	if at < 0 {
		return norm
	}
	local, domain := norm[:at], norm[at:]
	if plus := strings.IndexByte(local, '+'); plus > 0 {
		local = local[:plus]
	}
	return local + domain
}

// forgetThrottlesOf deletes the throttle counts kept under an address (its
// public links' mail counts): part of erasing the candidate.
func forgetThrottlesOf(ctx context.Context, tx *Tx, email string) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE scope LIKE ? ESCAPE '\'`,
		"link-mail:%:"+likeEscape(mailboxOf(email)))
	return err
}

// likeEscape makes s match itself in a LIKE pattern escaped by a backslash.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ForgetOldThrottles deletes attempts older than the longest window, so
// scopes no longer asked about do not stay forever (the sweep runs it).
func (db *DB) ForgetOldThrottles(ctx context.Context) error {
	_, err := db.exec(ctx, `DELETE FROM login_failures WHERE failed_at <= ?`, millis(db.Now().Add(-MaxThrottleWindow)))
	return err
}

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
// long until its oldest attempt leaves the window. The scopes' attempts
// older than the window are forgotten on the way (only theirs: other
// scopes count in windows of their own).
func (db *DB) BeginLoginAttempt(ctx context.Context, window time.Duration, limits ...LoginLimit) (a LoginAttempt, wait time.Duration, err error) {
	now := db.Now()
	since := millis(now.Add(-window))
	scopes := make([]string, len(limits))
	for i, l := range limits {
		scopes[i] = "throttle:" + l.Scope
	}
	err = db.inTx(ctx, func(tx *Tx) error {
		// Attempts under one scope take turns from the count to the insert.
		if err := tx.lockKeys(ctx, scopes...); err != nil {
			return err
		}
		for _, l := range limits {
			if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE scope = ? AND failed_at <= ?`, l.Scope, since); err != nil {
				return err
			}
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
