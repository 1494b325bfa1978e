package store

// Queueing candidates' emails: each composed in the transaction that
// makes it due, so the outbox row holds what is sent.

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// enqueueEmail composes an email about an invitation and writes it to the
// outbox inside the caller's transaction. sendAt nil means now.
func (db *DB) enqueueEmail(ctx context.Context, tx *Tx, kind string, inv Invitation, sendAt *time.Time, now time.Time) error {
	if IsPlaceholderEmail(inv.Email) {
		return nil // a generated stand-in: there is nobody to write to
	}
	link, err := tx.link(ctx, inv.LinkID)
	if err != nil {
		return err
	}
	t, err := tx.test(ctx, inv.TestID)
	if err != nil {
		return err
	}
	brand, err := db.Branding(ctx)
	if err != nil {
		return err
	}
	lang := CandidateLanguage(inv)
	wording, err := tx.linkWording(ctx, link, lang)
	if err != nil {
		return err
	}
	email, err := db.composer.Compose(EmailData{Kind: kind, Invitation: inv, Link: link, Test: t, Brand: brand, Lang: lang, Wording: wording})
	if err != nil {
		return fmt.Errorf("store: compose %s email: %w", kind, err)
	}
	at := now
	if sendAt != nil && sendAt.After(now) {
		at = *sendAt
	} else {
		tx.workDue(WorkMail)
	}
	err = tx.ExecLater(ctx, `INSERT INTO outbox (kind, invitation_id, recipient, recipient_name, subject, body_text, body_html,
			message_id, reply_to, status, scheduled_at, next_attempt_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)`,
		kind, inv.ID, inv.Email, inv.Name, email.Subject, email.Text, email.HTML, db.composer.MessageID(), email.ReplyTo,
		millis(at), millis(at), millis(now), millis(now))
	return err
}

// QueueEmail writes an email about an invitation to the outbox: a resend of
// the invitation, or a reminder. Only invitations not yet started qualify.
func (db *DB) QueueEmail(ctx context.Context, invitationID int64, kind string, actor string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		inv, err := invitationTx(ctx, tx, invitationID)
		if err != nil {
			return err
		}
		if !inv.Status.NotStarted() {
			return ErrAlreadyStarted
		}
		if inv.Placeholder {
			return ErrNotUsable
		}
		now := db.Now()
		if err := db.enqueueEmail(ctx, tx, kind, inv, nil, now); err != nil {
			return err
		}
		return addEvent(ctx, tx, inv.ID, kind+"_queued", inv.Status, inv.Status, actor, "to "+inv.Email, now)
	})
}

// ResendLink emails the candidate registered on a link with this address
// their personal link again (a self-registered candidate who closed the
// tab), and reports whether there was such a candidate: one whose
// invitation is live and not finished, with a real address.
func (db *DB) ResendLink(ctx context.Context, linkID int64, email string) (bool, error) {
	sent := false
	err := db.inTx(ctx, func(tx *Tx) error {
		inv, err := latestOnLink(ctx, tx, linkID, NormalizeEmail(email))
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if inv.Placeholder || (!inv.Status.NotStarted() && inv.Status != StatusStarted) {
			return nil
		}
		now := db.Now()
		if err := db.enqueueEmail(ctx, tx, EmailInvitation, inv, nil, now); err != nil {
			return err
		}
		sent = true
		return addEvent(ctx, tx, inv.ID, "link_resent", inv.Status, inv.Status, "candidate", "to "+inv.Email, now)
	})
	return sent, err
}

// RemindNotStarted queues a reminder for every invitation of a link that
// has not been started, has a real address and was made at least
// MinReminderAge ago, and returns how many.
func (db *DB) RemindNotStarted(ctx context.Context, linkID int64, actor string) (int, error) {
	var n int
	err := db.inTx(ctx, func(tx *Tx) error {
		now := db.Now()
		invs, err := invitationsTx(ctx, tx, `WHERE i.link_id = ? AND i.status IN ('invited', 'opened') AND i.placeholder = 0
			AND i.invited_at <= ? ORDER BY i.id`, linkID, millis(now.Add(-MinReminderAge)))
		if err != nil {
			return err
		}
		for _, inv := range invs {
			if err := db.enqueueEmail(ctx, tx, EmailReminder, inv, nil, now); err != nil {
				return err
			}
			if err := addEvent(ctx, tx, inv.ID, "reminder_queued", inv.Status, inv.Status, actor, "to "+inv.Email, now); err != nil {
				return err
			}
		}
		n = len(invs)
		return nil
	})
	return n, err
}

// invitationsTx reads the invitations a sweep or a bulk action goes on to
// change, locking them; one another transaction holds is left out (its
// status is about to move), and the where's conditions on i are checked
// again once the lock is had.
func invitationsTx(ctx context.Context, tx *Tx, where string, args ...any) ([]Invitation, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+invitationColumns+invitationFrom+` `+where+tx.dialect.forUpdateSkipLocked(), args...)
	return collect(rows, err, scanInvitation)
}

// QueueDueReminders queues the automatic reminders links ask for: N hours
// after the invitation, and N hours before it expires, once each, only
// while the candidate has not started. It returns how many it queued.
func (db *DB) QueueDueReminders(ctx context.Context) (int, error) {
	var n int
	err := db.inTx(ctx, func(tx *Tx) error {
		now := db.Now()
		// Only invitations that can be due are read, through an index: those
		// of links asking for reminders, and those with an expiry.
		after, err := invitationsTx(ctx, tx, `JOIN test_links rl ON rl.id = i.link_id
			WHERE i.id IN (SELECT id FROM invitations`+tx.dialect.indexedBy("invitations_link_status")+`
				WHERE link_id IN (SELECT id FROM test_links WHERE remind_after_hours IS NOT NULL) AND status IN ('invited', 'opened'))
			AND i.status IN ('invited', 'opened') AND i.placeholder = 0 AND i.reminded_after_at IS NULL
			AND i.invited_at + rl.remind_after_hours * 3600000 <= ? LIMIT 500`, millis(now))
		if err != nil {
			return err
		}
		before, err := invitationsTx(ctx, tx, `JOIN test_links rl ON rl.id = i.link_id
			WHERE i.id IN (SELECT id FROM invitations`+tx.dialect.indexedBy("invitations_expiring")+`
				WHERE status IN ('invited', 'opened') AND expires_at IS NOT NULL AND expires_at > ?)
			AND rl.remind_before_expiry_hours IS NOT NULL AND i.status IN ('invited', 'opened') AND i.placeholder = 0 AND i.reminded_before_at IS NULL
			AND i.expires_at - rl.remind_before_expiry_hours * 3600000 <= ? LIMIT 500`, millis(now), millis(now))
		if err != nil {
			return err
		}
		for _, batch := range []struct {
			invs   []Invitation
			column string
			detail string
		}{{after, "reminded_after_at", "automatic, after invitation"}, {before, "reminded_before_at", "automatic, before expiry"}} {
			for _, inv := range batch.invs {
				if err := db.enqueueEmail(ctx, tx, EmailReminder, inv, nil, now); err != nil {
					return err
				}
				tx.changedInvitation(inv.ID)
				if err := tx.ExecLater(ctx, `UPDATE invitations SET `+batch.column+` = ? WHERE id = ?`, millis(now), inv.ID); err != nil {
					return err
				}
				if err := addEvent(ctx, tx, inv.ID, "reminder_queued", inv.Status, inv.Status, "system", batch.detail, now); err != nil {
					return err
				}
				n++
			}
		}
		return nil
	})
	return n, err
}
