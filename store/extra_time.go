package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// AttemptDuration is a test's duration lengthened by extra time.
func AttemptDuration(minutes, extraPercent int) time.Duration {
	return time.Duration(minutes) * time.Minute * time.Duration(100+extraPercent) / 100
}

// MaxAddedMinutes bounds the minutes added to a live attempt at once.
const MaxAddedMinutes = 600

// AddTime gives a candidate taking the test more minutes: the server's
// deadline moves at once, and the candidate's countdown learns it on its
// next look at the clock.
func (db *DB) AddTime(ctx context.Context, id int64, minutes int, actor string) (Invitation, error) {
	if minutes < 1 || minutes > MaxAddedMinutes {
		return Invitation{}, FieldErrors{"minutes": fmt.Sprintf("must be between 1 and %d", MaxAddedMinutes)}
	}
	err := db.inTx(ctx, func(tx *Tx) error {
		inv, err := invitationTx(ctx, tx, id)
		if err != nil {
			return err
		}
		now := db.Now()
		if inv.Status != StatusStarted || inv.DeadlineAt == nil || !now.Before(*inv.DeadlineAt) {
			return ErrNotUsable
		}
		deadline := inv.DeadlineAt.Add(time.Duration(minutes) * time.Minute)
		var section sql.NullInt64 // the section's own time, when it has one, moves too
		if inv.SectionDeadlineAt != nil {
			section = sql.NullInt64{Int64: millis(inv.SectionDeadlineAt.Add(time.Duration(minutes) * time.Minute)), Valid: true}
		}
		tx.changedInvitation(id)
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET deadline_at = ?, section_deadline_at = ?, updated_at = ? WHERE id = ?`,
			millis(deadline), section, millis(now), id); err != nil {
			return err
		}
		return addEvent(ctx, tx, id, "time_added", inv.Status, inv.Status, actor,
			Count(minutes, "minute")+" added, until "+deadline.UTC().Format("2 Jan 2006 15:04 UTC"), now)
	})
	if err != nil {
		return Invitation{}, err
	}
	return db.Invitation(ctx, id)
}

// SetExtraTime changes the extra time of an invitation not started yet.
func (db *DB) SetExtraTime(ctx context.Context, id int64, percent int, actor string) (Invitation, error) {
	if percent < 0 || percent > MaxExtraTimePercent {
		return Invitation{}, FieldErrors{"extraTimePercent": fmt.Sprintf("must be between 0 and %d (percent)", MaxExtraTimePercent)}
	}
	err := db.inTx(ctx, func(tx *Tx) error {
		inv, err := invitationTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if !inv.Status.NotStarted() {
			return ErrAlreadyStarted
		}
		if inv.ExtraTimePercent == percent {
			return nil
		}
		now := db.Now()
		tx.changedInvitation(id)
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET extra_time_percent = ?, updated_at = ? WHERE id = ?`,
			percent, millis(now), id); err != nil {
			return err
		}
		return addEvent(ctx, tx, id, "extra_time_set", inv.Status, inv.Status, actor, fmt.Sprintf("%d %% extra time", percent), now)
	})
	if err != nil {
		return Invitation{}, err
	}
	return db.Invitation(ctx, id)
}
