package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// Email kinds.
const (
	EmailInvitation = "invitation"
	EmailReminder   = "reminder"
	EmailRevocation = "revocation" // the invitation was withdrawn
)

// EmailKinds are every kind of email, in the order the filters offer them.
var EmailKinds = []string{EmailInvitation, EmailReminder, EmailRevocation, EmailAccount}

// Outbox statuses.
const (
	OutboxQueued    = "queued"
	OutboxSending   = "sending"
	OutboxSent      = "sent"
	OutboxFailed    = "failed"
	OutboxCancelled = "cancelled"
)

// OutboxStatuses lists the statuses in the order the console offers them.
var OutboxStatuses = []string{OutboxQueued, OutboxSending, OutboxSent, OutboxFailed, OutboxCancelled}

// Email is a rendered message.
type Email struct {
	Subject string
	Text    string
	HTML    string
	ReplyTo string // where a candidate's reply goes; empty: to the sender
}

// EmailData is what an email is composed from.
type EmailData struct {
	Kind       string
	Invitation Invitation
	Link       TestLink
	Test       Test
	Brand      Branding
	Lang       string  // the candidate's language (CandidateLanguage)
	Wording    Wording // the link's wording in Lang
}

// Composer renders emails. The mail package provides it; the store calls
// it inside the transaction that enqueues, so the row holds what is sent.
// It must be safe for concurrent use: a bulk invite composes on a
// goroutine of its own beside its inserts (invite_bulk_emails.go).
type Composer interface {
	Compose(EmailData) (Email, error)
	ComposeAccount(AccountEmailData) (Email, error) // the set-password email of a new console user
	MessageID() string                              // a new, globally unique Message-ID (without <>)
}

// OutboxMessage is one email in the outbox.
type OutboxMessage struct {
	ID            int64
	Kind          string
	InvitationID  int64
	Recipient     string
	RecipientName string
	Subject       string
	Text          string
	HTML          string
	MessageID     string
	ReplyTo       string
	Status        string
	Attempts      int
	ScheduledAt   time.Time
	NextAttemptAt time.Time
	LastError     string
	SentAt        *time.Time
	DevMailbox    bool
	CreatedAt     time.Time
}

const outboxColumns = `id, kind, COALESCE(invitation_id, 0), recipient, recipient_name, subject, body_text, body_html, message_id,
	status, attempts, scheduled_at, next_attempt_at, last_error, sent_at, dev_mailbox, created_at, reply_to`

func scanOutbox(r row) (OutboxMessage, error) {
	var m OutboxMessage
	var scheduled, next, created int64
	var sent sql.NullInt64
	err := r.Scan(&m.ID, &m.Kind, &m.InvitationID, &m.Recipient, &m.RecipientName, &m.Subject, &m.Text, &m.HTML, &m.MessageID,
		&m.Status, &m.Attempts, &scheduled, &next, &m.LastError, &sent, &m.DevMailbox, &created, &m.ReplyTo)
	if errors.Is(err, sql.ErrNoRows) {
		return OutboxMessage{}, ErrNotFound
	}
	if err != nil {
		return OutboxMessage{}, err
	}
	m.ScheduledAt, m.NextAttemptAt, m.CreatedAt = fromMillis(scheduled), fromMillis(next), fromMillis(created)
	m.SentAt = timePtr(sent)
	return m, nil
}

// ClaimOutbox leases up to n due messages for sending: queued ones whose
// time has come, and ones left "sending" by a worker whose lease ran out
// (a crash). Each claim counts as an attempt.
func (db *DB) ClaimOutbox(ctx context.Context, n int, lease time.Duration) ([]OutboxMessage, error) {
	var out []OutboxMessage
	err := db.inTx(ctx, func(tx *Tx) error {
		now := millis(db.Now())
		// Two index range scans (leases run out, due queued rows), each
		// bounded; an OR in one WHERE would scan the whole outbox.
		rows, err := tx.QueryContext(ctx, `UPDATE outbox SET status = 'sending', attempts = attempts + 1, locked_until = ?, locked_by = ?,
				updated_at = ?
			WHERE id IN (
				SELECT id FROM (SELECT id FROM outbox WHERE status = 'sending' AND locked_until <= ? LIMIT ?`+tx.dialect.skipLocked()+`) lapsed
				UNION ALL
				SELECT id FROM (SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`+tx.dialect.skipLocked()+`) due)
			RETURNING `+outboxColumns, now+lease.Milliseconds(), db.process, now, now, n, now, n)
		out, err = collect(rows, err, scanOutbox)
		return err
	})
	return out, err
}

// MarkSent records a delivery; devMailbox marks one kept in the built-in
// mailbox instead of sent over SMTP.
func (db *DB) MarkSent(ctx context.Context, id int64, devMailbox bool) error {
	now := millis(db.Now())
	_, err := db.exec(ctx, `UPDATE outbox SET status = 'sent', sent_at = ?, locked_until = NULL, last_error = '',
		dev_mailbox = ?, updated_at = ? WHERE id = ? AND status = 'sending'`, now, boolInt(devMailbox), now, id)
	return err
}

// MarkSentAll records several deliveries in one statement.
func (db *DB) MarkSentAll(ctx context.Context, ids []int64, devMailbox bool) error {
	if len(ids) == 0 {
		return nil
	}
	now := millis(db.Now())
	args := []any{now, boolInt(devMailbox), now}
	marks := make([]string, len(ids))
	for i, id := range ids {
		marks[i], args = "?", append(args, id)
	}
	// The statement varies with the batch size, so it is not cached.
	_, err := db.execUncached(ctx, `UPDATE outbox SET status = 'sent', sent_at = ?, locked_until = NULL, last_error = '',
		dev_mailbox = ?, updated_at = ? WHERE status = 'sending' AND id IN (`+strings.Join(marks, ", ")+`)`, args...)
	return err
}

// MarkRetry puts a message back in the queue for another attempt.
func (db *DB) MarkRetry(ctx context.Context, id int64, next time.Time, lastError string) error {
	now := millis(db.Now())
	_, err := db.exec(ctx, `UPDATE outbox SET status = 'queued', next_attempt_at = ?, locked_until = NULL, last_error = ?,
		updated_at = ? WHERE id = ? AND status = 'sending'`, millis(next), truncate(lastError, 1000), now, id)
	return err
}

// MarkFailed gives up on a message, keeping the reason.
func (db *DB) MarkFailed(ctx context.Context, id int64, lastError string) error {
	now := millis(db.Now())
	_, err := db.exec(ctx, `UPDATE outbox SET status = 'failed', locked_until = NULL, last_error = ?, updated_at = ?
		WHERE id = ? AND status = 'sending'`, truncate(lastError, 1000), now, id)
	return err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// RetryOutbox re-queues a failed message now.
func (db *DB) RetryOutbox(ctx context.Context, id int64) error {
	now := millis(db.Now())
	res, err := db.execUncached(ctx, `UPDATE outbox SET status = 'queued', next_attempt_at = ?, updated_at = ?
		WHERE id = ? AND status = 'failed'`, now, now, id)
	if err := rowsOrConflict(ctx, db, res, err, id); err != nil {
		return err
	}
	db.wake([]string{WorkMail})
	return nil
}

// CancelOutbox withdraws a queued message.
func (db *DB) CancelOutbox(ctx context.Context, id int64) error {
	now := millis(db.Now())
	res, err := db.execUncached(ctx, `UPDATE outbox SET status = 'cancelled', updated_at = ? WHERE id = ? AND status = 'queued'`, now, id)
	return rowsOrConflict(ctx, db, res, err, id)
}

// rowsOrConflict tells "no such message" from "not in a state for that".
func rowsOrConflict(ctx context.Context, db *DB, res sql.Result, err error, id int64) error {
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	if _, err := db.OutboxMessage(ctx, id); err != nil {
		return err
	}
	return ErrConflict
}

// OutboxMessage returns one message.
func (db *DB) OutboxMessage(ctx context.Context, id int64) (OutboxMessage, error) {
	return scanOutbox(db.queryRow(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE id = ?`, id))
}

// OutboxFilter narrows the outbox list.
type OutboxFilter struct {
	Status       string
	Kind         string // one of EmailKinds, or "" for all
	Recipient    string // part of the address
	InvitationID int64
	DevMailbox   bool  // only messages kept in the dev mailbox
	Teams        Teams // nil: every message; else those to the teams' candidates
	Limit        int
	Page         int // 1-based, for OutboxPage
}

// OutboxPageSize is how many emails a page of the outbox lists.
const OutboxPageSize = 50

// Outbox lists messages, newest first.
func (db *DB) Outbox(ctx context.Context, f OutboxFilter) ([]OutboxMessage, error) {
	where, args := f.where()
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	rows, err := db.query(ctx, `SELECT `+outboxColumns+` FROM outbox`+where+` ORDER BY id DESC LIMIT ?`, append(args, f.Limit)...)
	return collect(rows, err, scanOutbox)
}

// OutboxPage returns one page (OutboxPageSize) of the matching emails,
// newest first, and how many match.
func (db *DB) OutboxPage(ctx context.Context, f OutboxFilter) ([]OutboxMessage, int, error) {
	where, args := f.where()
	var total int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM outbox`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	page := max(f.Page, 1)
	rows, err := db.query(ctx, `SELECT `+outboxColumns+` FROM outbox`+where+` ORDER BY id DESC LIMIT ? OFFSET ?`,
		append(args, OutboxPageSize, (page-1)*OutboxPageSize)...)
	msgs, err := collect(rows, err, scanOutbox)
	return msgs, total, err
}

// where is the filter as a WHERE clause.
func (f OutboxFilter) where() (string, []any) {
	var conds []string
	var args []any
	if f.Status != "" {
		conds, args = append(conds, "status = ?"), append(args, f.Status)
	}
	if f.Kind != "" {
		conds, args = append(conds, "kind = ?"), append(args, f.Kind)
	}
	if r := strings.ToLower(strings.TrimSpace(f.Recipient)); r != "" {
		conds, args = append(conds, `LOWER(recipient) LIKE ? ESCAPE '\'`), append(args, "%"+escapeLike(r)+"%")
	}
	if f.InvitationID != 0 {
		conds, args = append(conds, "invitation_id = ?"), append(args, f.InvitationID)
	}
	if f.DevMailbox {
		conds = append(conds, "dev_mailbox = 1")
	}
	if cond, targs := f.Teams.cond("t.team_id"); cond != "" {
		conds = append(conds, "invitation_id IN (SELECT i.id FROM invitations i JOIN tests t ON t.id = i.test_id WHERE "+cond+")")
		args = append(args, targs...)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return ` WHERE ` + strings.Join(conds, " AND "), args
}

// cancelQueuedFor withdraws the queued emails of an invitation, of one kind
// or ("") all.
// Its outcome is not read, so PostgreSQL gets it with the next statement
// (ExecLater).
func cancelQueuedFor(ctx context.Context, tx *Tx, invitationID int64, kind string, now time.Time) error {
	return tx.ExecLater(ctx, `UPDATE outbox SET status = 'cancelled', updated_at = ?
		WHERE invitation_id = ? AND status = 'queued' AND (? = '' OR kind = ?)`, millis(now), invitationID, kind, kind)
}

// ReleaseOutbox hands leased messages back unsent (a worker stopping),
// without counting the attempt.
func (db *DB) ReleaseOutbox(ctx context.Context, ids []int64) error {
	return db.inTx(ctx, func(tx *Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'queued', attempts = attempts - 1, locked_until = NULL
				WHERE id = ? AND status = 'sending'`, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// OutboxCounts counts messages per status.
func (db *DB) OutboxCounts(ctx context.Context) (map[string]int, error) {
	return db.countBy(ctx, `SELECT status, COUNT(*) FROM outbox GROUP BY status`)
}

// countBy runs a "key, count" grouping query.
func (db *DB) countBy(ctx context.Context, query string, args ...any) (map[string]int, error) {
	rows, err := db.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}
