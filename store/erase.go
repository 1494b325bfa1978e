package store

import (
	"context"
	"fmt"
	"time"
)

// Erasing a candidate (the right to be forgotten): what identifies them is
// replaced or removed in one transaction — name and address (stand-ins
// that keep the invitation countable), the integrator's data about them,
// the text of their answers and reviewers' comments, every email to them
// (also in the dev mailbox), callback URLs, bodies and responses, the rows
// imports into the test refused for the address, the counts that throttle
// emails to it, their search entry, and where their browser came from. Scores, statuses, counts and
// the timeline stay, anonymous. A live invitation is cancelled.
//
// SQLite keeps a deleted or replaced value's bytes in free space until it
// is reused; the writer runs with secure_delete on (dsn), so they are
// zeroed, and the search index drops entries at once (migration 0024).
// After the erase a checkpoint copies the pages into the database file
// and empties the write-ahead log, which still held the old versions.

// ErasedName is an erased candidate's name from then on.
const ErasedName = "Erased candidate"

// erasedText replaces what a timeline entry or a score change said.
const erasedText = "(erased)"

// erasedEmail is an erased invitation's stand-in address: one per
// invitation, so an address invited again later is a new candidate.
func erasedEmail(id int64) string { return fmt.Sprintf("erased-%d@erased.invalid", id) }

// EraseInvitation erases the candidate's data of one invitation.
// Erasing an erased one changes nothing.
func (db *DB) EraseInvitation(ctx context.Context, id int64, actor string) (Invitation, error) {
	err := db.inTx(ctx, func(tx *Tx) error {
		return db.eraseTx(ctx, tx, id, actor, db.Now())
	})
	if err != nil {
		return Invitation{}, err
	}
	db.checkpoint(ctx)
	return db.Invitation(ctx, id)
}

// EraseCandidate erases every invitation of an address in the teams' tests
// (nil: every team), and the rows an import of those teams refused for
// it; it returns the invitations erased. ErrNotFound: there are none.
func (db *DB) EraseCandidate(ctx context.Context, email string, teams Teams, actor string) ([]int64, error) {
	norm := NormalizeEmail(email)
	if norm == "" {
		return nil, FieldErrors{"email": "is required"}
	}
	var ids []int64
	err := db.inTx(ctx, func(tx *Tx) error {
		cond, targs := teamInvitations(teams)
		rows, err := tx.QueryContext(ctx, `SELECT id FROM invitations i WHERE email_norm = ? AND `+cond+` ORDER BY id`, append([]any{norm}, targs...)...)
		ids, err = collect(rows, err, func(r row) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		})
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return ErrNotFound
		}
		now := db.Now()
		for _, id := range ids {
			if err := db.eraseTx(ctx, tx, id, actor, now); err != nil {
				return err
			}
		}
		imports, iargs := teams.where("t.team_id")
		_, err = tx.ExecContext(ctx, `UPDATE import_rejections SET name = '', email = ?, record = '[]' WHERE lower(trim(email)) = ?
			AND import_id IN (SELECT m.id FROM imports m JOIN test_links l ON l.id = m.link_id JOIN tests t ON t.id = l.test_id WHERE `+imports+`)`,
			append([]any{erasedText, norm}, iargs...)...)
		return err
	})
	if err != nil {
		return nil, err
	}
	db.checkpoint(ctx)
	return ids, nil
}

// forgetRefusedRowsOf empties the rows that imports into a test refused
// for an address (an import's "already invited" row names the candidate).
func forgetRefusedRowsOf(ctx context.Context, tx *Tx, testID int64, norm string) error {
	_, err := tx.ExecContext(ctx, `UPDATE import_rejections SET name = '', email = ?, record = '[]' WHERE lower(trim(email)) = ?
		AND import_id IN (SELECT m.id FROM imports m JOIN test_links l ON l.id = m.link_id WHERE l.test_id = ?)`,
		erasedText, norm, testID)
	return err
}

// InvitationsOfAddress counts the invitations of an address, whatever
// link or test: what erasing it by address touches.
func (db *DB) InvitationsOfAddress(ctx context.Context, email string) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM invitations WHERE email_norm = ?`, NormalizeEmail(email)).Scan(&n)
	return n, err
}

// eraseTx erases one invitation inside tx.
func (db *DB) eraseTx(ctx context.Context, tx *Tx, id int64, actor string, now time.Time) error {
	inv, err := invitationTx(ctx, tx, id)
	if err != nil || inv.ErasedAt != nil {
		return err
	}
	return db.eraseLocked(ctx, tx, inv, actor, now)
}

// eraseLocked erases an invitation read and locked in tx, not yet erased.
func (db *DB) eraseLocked(ctx context.Context, tx *Tx, inv Invitation, actor string, now time.Time) error {
	id := inv.ID
	at := millis(now)
	scrub := []struct {
		query string
		args  []any
	}{
		// Emails: what was sent stays counted, not what it said; what was
		// waiting is not sent.
		{`UPDATE outbox SET recipient = ?, recipient_name = '', subject = ?, body_text = '', body_html = '', last_error = '',
			status = CASE WHEN status IN ('queued', 'sending') THEN 'cancelled' ELSE status END, updated_at = ?
			WHERE invitation_id = ?`, []any{erasedEmail(id), erasedText, at, id}},
		// Callbacks already recorded carry the candidate, in the body and in
		// the URL (integrators add ?candidate=<address>): emptied, and those
		// not yet delivered are not. The invitation's callback URL goes too,
		// so its cancellation below is announced to no one.
		{`UPDATE callback_deliveries SET url = '', payload = '{}', response_body = '',
			last_error = CASE WHEN status IN ('pending', 'delivering') THEN 'the candidate''s data was erased' ELSE last_error END,
			status = CASE WHEN status IN ('pending', 'delivering') THEN 'failed' ELSE status END, locked_until = NULL, updated_at = ?
			WHERE invitation_id = ?`, []any{at, id}},
		{`UPDATE answers SET body = '', comment = '' WHERE invitation_id = ?`, []any{id}},
		{`DELETE FROM ats_references WHERE invitation_id = ?`, []any{id}},
		{`UPDATE attempt_signals SET ip = '', user_agent = '', detail = '' WHERE invitation_id = ?`, []any{id}},
		{`UPDATE invitation_events SET detail = ? WHERE invitation_id = ? AND detail <> ''`, []any{erasedText, id}},
		{`UPDATE score_changes SET reason = ? WHERE invitation_id = ? AND reason <> ''`, []any{erasedText, id}},
		{`UPDATE invitations SET name = ?, email = ?, email_norm = ?, placeholder = 0, external_id = '', external_data = '{}',
			tags = '{}', labels = '[]', group_name = '', tracking_uniq_id = '', tracking_key = '', callback_params = '{}',
			callback_url = '', redirect_url = '',
			erased_at = ?, updated_at = ? WHERE id = ?`, []any{ErasedName, erasedEmail(id), erasedEmail(id), at, at, id}},
	}
	tx.changedInvitation(id)
	for _, s := range scrub {
		if _, err := tx.ExecContext(ctx, s.query, s.args...); err != nil {
			return err
		}
	}
	if err := forgetRefusedRowsOf(ctx, tx, inv.TestID, NormalizeEmail(inv.Email)); err != nil {
		return err
	}
	if err := forgetThrottlesOf(ctx, tx, inv.Email); err != nil {
		return err
	}
	if err := reindexForSearch(ctx, tx, id); err != nil {
		return err
	}
	if err := addEvent(ctx, tx, id, "erased", inv.Status, inv.Status, actor, "", now); err != nil {
		return err
	}
	if !inv.Status.NotStarted() && inv.Status != StatusStarted {
		return nil
	}
	// A live invitation ends: the candidate asked to be forgotten. Its
	// cancellation is announced with the stand-ins.
	return db.setStatus(ctx, tx, inv, StatusCancelled, actor, "erased", now)
}

// checkpoint copies SQLite's write-ahead log into the database file and
// empties it, so that pages an erase replaced are gone from both. Readers
// in the middle of a read can keep it from finishing; the next automatic
// checkpoint then does it. (PostgreSQL's replaced row versions are
// reclaimed by its autovacuum, not here.)
func (db *DB) checkpoint(ctx context.Context) {
	if !db.Postgres() {
		db.w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	}
}
