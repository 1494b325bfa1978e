package store

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// Event is one entry of an invitation's timeline.
type Event struct {
	ID         int64
	Kind       string // invited, reopened, opened, started, completed, expired, cancelled, expiry_extended
	FromStatus InvitationStatus
	ToStatus   InvitationStatus
	Actor      string
	Detail     string
	OccurredAt time.Time
}

func addEvent(ctx context.Context, tx *Tx, invitationID int64, kind string, from, to InvitationStatus, actor, detail string, now time.Time) error {
	err := tx.ExecLater(ctx, `INSERT INTO invitation_events (invitation_id, kind, from_status, to_status, actor, detail, occurred_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, invitationID, kind, from, to, actor, detail, millis(now))
	return err
}

// Timeline returns an invitation's events, oldest first.
func (db *DB) Timeline(ctx context.Context, invitationID int64) ([]Event, error) {
	rows, err := db.query(ctx, `SELECT id, kind, from_status, to_status, actor, detail, occurred_at
		FROM invitation_events WHERE invitation_id = ? ORDER BY id`, invitationID)
	return collect(rows, err, func(r row) (Event, error) {
		var e Event
		var at int64
		err := r.Scan(&e.ID, &e.Kind, &e.FromStatus, &e.ToStatus, &e.Actor, &e.Detail, &at)
		e.OccurredAt = fromMillis(at)
		return e, err
	})
}

// statusColumn is the timestamp each status sets.
var statusColumn = map[InvitationStatus]string{
	StatusOpened:    "opened_at",
	StatusStarted:   "started_at",
	StatusCompleted: "completed_at",
	StatusExpired:   "expired_at",
	StatusCancelled: "cancelled_at",
}

// moved is the invitation as setStatus leaves its row: the status, its
// time and the row's updated time; the rest as read (under the row's lock).
func (inv Invitation) moved(to InvitationStatus, now time.Time) Invitation {
	at := now
	switch to {
	case StatusOpened:
		inv.OpenedAt = &at
	case StatusStarted:
		inv.StartedAt = &at
	case StatusCompleted:
		inv.CompletedAt = &at
	case StatusExpired:
		inv.ExpiredAt = &at
	case StatusCancelled:
		inv.CancelledAt = &at
	}
	inv.Status, inv.UpdatedAt = to, now
	return inv
}

// keepWritten answers a write with the invitation as the transaction left
// it rather than a read after the commit (a round trip on PostgreSQL), and
// puts it in its landing page's cache entry once committed, at the
// generation the commit made.
func (db *DB) keepWritten(tx *Tx, inv Invitation) *Invitation {
	tx.after = append(tx.after, func() { db.refreshCandidatePage(inv, tx.gen) })
	return &inv
}

// setStatus moves an invitation to a status, stamps its time and records
// the event, inside the caller's transaction.
func (db *DB) setStatus(ctx context.Context, tx *Tx, inv Invitation, to InvitationStatus, actor, detail string, now time.Time) error {
	return db.setStatusAnd(ctx, tx, inv, to, actor, detail, now, "")
}

// setStatusAnd is setStatus that sets more of the row in the same UPDATE
// (also: "deadline_at = ?", its arguments after it). On PostgreSQL a
// status move cannot update the row in place (the status is in its
// indexes): each UPDATE of it writes a new version of the row and an
// entry in every index, so a start or a completion makes one, not two.
func (db *DB) setStatusAnd(ctx context.Context, tx *Tx, inv Invitation, to InvitationStatus, actor, detail string, now time.Time, also string, alsoArgs ...any) error {
	col := statusColumn[to]
	tx.changedInvitation(inv.ID)
	set := `status = ?, ` + col + ` = ?, updated_at = ?`
	if also != "" {
		set += ", " + also
	}
	args := append([]any{to, millis(now), millis(now)}, alsoArgs...)
	err := tx.ExecLater(ctx, `UPDATE invitations SET `+set+` WHERE id = ?`, append(args, inv.ID)...)
	if err != nil {
		return err
	}
	if err := addEvent(ctx, tx, inv.ID, string(to), inv.Status, to, actor, detail, now); err != nil {
		return err
	}
	if err := recordAccess(ctx, tx, inv.ID, to, now); err != nil {
		return err
	}
	// An invitation without a callback address has none to record (its
	// address is set when it is made or re-opened, never by a status move).
	if event, ok := callbackEvents[to]; ok && inv.CallbackURL != "" {
		_, err := db.notify(ctx, tx, inv.ID, event, now)
		return err
	}
	return nil
}

func invitationTx(ctx context.Context, tx *Tx, id int64) (Invitation, error) {
	return scanInvitation(tx.QueryRowContext(ctx, `SELECT `+invitationColumns+invitationFrom+` WHERE i.id = ?`+tx.dialect.forUpdate(), id))
}

// invitationToStartTx is invitationTx with the minutes its test allows,
// read with it: on PostgreSQL every read is a round trip.
func invitationToStartTx(ctx context.Context, tx *Tx, id int64) (Invitation, int, error) {
	var s invitationScan
	var minutes int
	err := tx.QueryRowContext(ctx, `SELECT `+invitationColumns+`, t.duration_minutes`+invitationFrom+` WHERE i.id = ?`+tx.dialect.forUpdate(), id).
		Scan(append(s.dest(), &minutes)...)
	if errors.Is(err, sql.ErrNoRows) {
		return Invitation{}, 0, ErrNotFound
	}
	if err != nil {
		return Invitation{}, 0, err
	}
	inv, err := s.finish()
	return inv, minutes, err
}

// attemptStateTx reads, and on PostgreSQL locks, what decides a save of
// answers — the status and the clocks — of the invitation's row alone: an
// autosave, most of a candidate's writes, needs no more than that, where
// invitationTx joins its test and link and looks up the candidate's other
// invitations. The other fields are left zero.
func attemptStateTx(ctx context.Context, tx *Tx, id int64) (Invitation, error) {
	inv := Invitation{ID: id}
	var deadline, sectionDeadline sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT i.status, i.deadline_at, COALESCE(i.section_at, 0), i.section_deadline_at
		FROM invitations i WHERE i.id = ?`+tx.dialect.forUpdate(), id).Scan(&inv.Status, &deadline, &inv.SectionAt, &sectionDeadline)
	if errors.Is(err, sql.ErrNoRows) {
		return inv, ErrNotFound
	}
	inv.DeadlineAt, inv.SectionDeadlineAt = timePtr(deadline), timePtr(sectionDeadline)
	return inv, err
}

// CancelInvitation cancels an invitation the candidate has not started.
// Cancelling a cancelled one changes nothing.
func (db *DB) CancelInvitation(ctx context.Context, id int64, actor string) (Invitation, error) {
	return db.RevokeInvitation(ctx, id, false, actor)
}

// RevokeInvitation cancels an invitation the candidate has not started,
// withdrawing its queued emails, and with notify tells the candidate by
// email. Revoking a cancelled one changes nothing.
func (db *DB) RevokeInvitation(ctx context.Context, id int64, notify bool, actor string) (Invitation, error) {
	err := db.inTx(ctx, func(tx *Tx) error {
		inv, err := invitationTx(ctx, tx, id)
		if err != nil {
			return err
		}
		switch {
		case inv.Status == StatusCancelled:
			return nil
		case !inv.Status.NotStarted():
			return ErrAlreadyStarted
		}
		now := db.Now()
		if err := cancelQueuedFor(ctx, tx, inv.ID, "", now); err != nil {
			return err
		}
		if err := db.setStatus(ctx, tx, inv, StatusCancelled, actor, "", now); err != nil {
			return err
		}
		if !notify || inv.Placeholder {
			return nil
		}
		if err := db.enqueueEmail(ctx, tx, EmailRevocation, inv, nil, now); err != nil {
			return err
		}
		return addEvent(ctx, tx, inv.ID, "revocation_queued", StatusCancelled, StatusCancelled, actor, "to "+inv.Email, now)
	})
	if err != nil {
		return Invitation{}, err
	}
	return db.Invitation(ctx, id)
}

// ExtendInvitation sets a new expiry on an invitation not yet started; an
// expired one becomes usable again (as invited).
func (db *DB) ExtendInvitation(ctx context.Context, id int64, until time.Time, actor string) (Invitation, error) {
	now := db.Now()
	if !until.After(now) {
		return Invitation{}, FieldErrors{"expiresAt": "must be in the future"}
	}
	err := db.inTx(ctx, func(tx *Tx) error {
		inv, err := invitationAndAddressTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if inv.ErasedAt != nil {
			return ErrErased
		}
		if !inv.Status.NotStarted() && inv.Status != StatusExpired {
			return ErrAlreadyStarted
		}
		to := inv.Status
		if to == StatusExpired {
			to = StatusInvited
			// Another live invitation may have taken the address meanwhile.
			var other int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM invitations WHERE link_id = ? AND email_norm = ?
				AND status NOT IN ('cancelled', 'expired') AND id <> ?`, inv.LinkID, NormalizeEmail(inv.Email), inv.ID).Scan(&other); err != nil {
				return err
			}
			if other > 0 {
				return ErrConflict
			}
		}
		tx.changedInvitation(id)
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET expires_at = ?, status = ?,
				expired_at = CASE WHEN ? = 'invited' THEN NULL ELSE expired_at END, updated_at = ? WHERE id = ?`,
			millis(until), to, to, millis(now), id); err != nil {
			return mapError(err)
		}
		return addEvent(ctx, tx, id, "expiry_extended", inv.Status, to, actor, "until "+until.UTC().Format(time.RFC3339), now)
	})
	if err != nil {
		return Invitation{}, err
	}
	return db.Invitation(ctx, id)
}

// ExpireDue marks invitations whose expiry (or the end of their window)
// has passed before the candidate started as expired, and returns how many
// it marked.
func (db *DB) ExpireDue(ctx context.Context) (int, error) {
	now := db.Now()
	var n int
	err := db.inTx(ctx, func(tx *Tx) error {
		// The outer conditions are asked again of each locked row, so an
		// expiry extended while the subquery read is kept (PostgreSQL
		// rechecks only those on a row changed since).
		due, err := invitationsTx(ctx, tx, `WHERE i.id IN (
				SELECT id FROM invitations`+tx.dialect.indexedBy("invitations_expiring")+`
				WHERE status IN ('invited', 'opened') AND expires_at IS NOT NULL AND expires_at <= ?
				UNION
				SELECT id FROM invitations`+tx.dialect.indexedBy("invitations_closing")+`
				WHERE status IN ('invited', 'opened') AND valid_until IS NOT NULL AND valid_until <= ?)
			AND i.status IN ('invited', 'opened') AND (i.expires_at <= ? OR i.valid_until <= ?)
			LIMIT 1000`, millis(now), millis(now), millis(now), millis(now))
		if err != nil {
			return err
		}
		for _, inv := range due {
			if err := db.setStatus(ctx, tx, inv, StatusExpired, "system", "expiry passed", now); err != nil {
				return err
			}
		}
		n = len(due)
		return nil
	})
	return n, err
}

// OpenInvitation records the candidate's first visit (invited → opened);
// later visits change nothing.
func (db *DB) OpenInvitation(ctx context.Context, id int64) (Invitation, error) {
	err := db.inTx(ctx, func(tx *Tx) error {
		inv, err := invitationTx(ctx, tx, id)
		if err != nil || inv.Status != StatusInvited {
			return err
		}
		return db.setStatus(ctx, tx, inv, StatusOpened, "candidate", "", db.Now())
	})
	if err != nil {
		return Invitation{}, err
	}
	return db.Invitation(ctx, id)
}

// StartInvitation begins the test (invited or opened → started) and fixes
// the server-side deadline from the test's duration and the candidate's
// extra time. The invitation's expiry and window bound only the start, so
// extra time is never cut off by them.
func (db *DB) StartInvitation(ctx context.Context, id int64) (Invitation, error) {
	var started *Invitation // as the start left it, when no section clock moved too
	err := db.inTx(ctx, func(tx *Tx) error {
		started = nil
		inv, minutes, err := invitationToStartTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if inv.Status == StatusStarted {
			return nil
		}
		if !inv.Status.NotStarted() {
			return ErrNotUsable
		}
		now := db.Now()
		deadline := millis(now.Add(AttemptDuration(minutes, inv.ExtraTimePercent)))
		if err := db.setStatusAnd(ctx, tx, inv, StatusStarted, "candidate", "", now, "deadline_at = ?", deadline); err != nil {
			return err
		}
		sections, err := giveQuestions(ctx, tx, inv.ID, inv.TestID, now)
		if err != nil {
			return err
		}
		// Reminders not sent yet are pointless once the candidate started.
		if err := cancelQueuedFor(ctx, tx, inv.ID, EmailReminder, now); err != nil {
			return err
		}
		if len(sections) == 0 {
			after := inv.moved(StatusStarted, now)
			at := fromMillis(deadline)
			after.DeadlineAt = &at
			started = db.keepWritten(tx, after)
			return nil
		}
		return startSections(ctx, tx, inv, sections, now)
	})
	if err != nil {
		return Invitation{}, err
	}
	if started != nil {
		return *started, nil
	}
	return db.Invitation(ctx, id)
}

// MaxAccessFailures locks an invitation's access code after so many wrong
// tries: six digits must not be guessable by a script.
const MaxAccessFailures = 10

// CheckAccessCode compares a typed code with the invitation's, counting
// wrong tries. It reports whether the code is right.
func (db *DB) CheckAccessCode(ctx context.Context, id int64, code string) (bool, error) {
	var ok bool
	err := db.inTx(ctx, func(tx *Tx) error {
		inv, err := invitationTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if inv.AccessFailures >= MaxAccessFailures {
			return ErrAccessLocked
		}
		ok = inv.AccessCode != "" && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(code)), []byte(inv.AccessCode)) == 1
		if ok {
			return nil
		}
		tx.changedInvitation(id)
		err = tx.ExecLater(ctx, `UPDATE invitations SET access_failures = access_failures + 1 WHERE id = ?`, id)
		return err
	})
	return ok, err
}

// Why an attempt was completed, as its timeline records it.
const (
	ReasonSubmitted  = "submitted"
	ReasonTimeRanOut = "time ran out"
)

// CompletionReason is why an attempt was completed (ReasonSubmitted,
// ReasonTimeRanOut, …), or "" before it is.
func (db *DB) CompletionReason(ctx context.Context, invitationID int64) (string, error) {
	var reason string
	err := db.queryRow(ctx, `SELECT detail FROM invitation_events WHERE invitation_id = ? AND kind = 'completed'
		ORDER BY id DESC LIMIT 1`, invitationID).Scan(&reason)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return reason, err
}
