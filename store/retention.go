package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// SettingRetentionDays is how many days after an invitation ended
// (completed, expired or cancelled) its candidate's data is erased; absent
// or 0: kept.
const SettingRetentionDays = "retention_days"

// MaxRetentionDays bounds the setting (ten years).
const MaxRetentionDays = 3650

// retentionBatch is how many invitations one pass of the sweep erases; the
// next pass goes on. retentionChunk is how many one transaction erases.
const (
	retentionBatch = 500
	retentionChunk = 50
)

// RetentionActor is who the timeline says erased a candidate by retention.
const RetentionActor = "retention"

// RetentionDays is the retention setting; 0 keeps candidates' data.
func (db *DB) RetentionDays(ctx context.Context) (int, error) {
	v, err := db.Setting(ctx, SettingRetentionDays)
	if err == ErrNotFound || v == "" {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(v)
}

// SetRetentionDays changes it (0: keep).
func (db *DB) SetRetentionDays(ctx context.Context, days int) error {
	if days < 0 || days > MaxRetentionDays {
		return FieldErrors{"retentionDays": fmt.Sprintf("must be between 1 and %d days, or empty to keep candidates' data", MaxRetentionDays)}
	}
	return db.SetSettings(ctx, map[string]string{SettingRetentionDays: strconv.Itoa(days)})
}

// retentionEnd is when an invitation ended, the expression the retention
// index holds.
const retentionEnd = `(CASE status WHEN 'completed' THEN completed_at WHEN 'expired' THEN expired_at ELSE cancelled_at END)`

// retentionDue lists a team's invitations that ended before a time,
// oldest first. Without statistics SQLite's planner prefers a status index
// and sorts every ended invitation; the retention index reads only those
// due.
func (d dialect) retentionDue() string {
	return `SELECT id FROM invitations` + d.indexedBy("invitations_retention") + `
	WHERE erased_at IS NULL AND status IN ('completed', 'expired', 'cancelled') AND ` + retentionEnd + ` <= ?
		AND test_id IN (SELECT id FROM tests WHERE team_id = ?)
	ORDER BY ` + retentionEnd + `, id LIMIT ?`
}

// ApplyRetention erases the candidates of invitations that ended more than
// their team's retention period ago (the team's own, else the
// installation's), at most retentionBatch a call, oldest first, and
// returns how many it erased. The sweep calls it; without a retention it
// does nothing.
func (db *DB) ApplyRetention(ctx context.Context) (int, error) {
	installation, err := db.RetentionDays(ctx)
	if err != nil {
		return 0, err
	}
	teams, err := db.ListTeams(ctx)
	if err != nil {
		return 0, err
	}
	now := db.Now()
	var due []dueErasure
	for _, t := range teams {
		days := installation
		if t.RetentionDays != nil {
			days = *t.RetentionDays
		}
		if days == 0 || len(due) >= retentionBatch {
			continue
		}
		cutoff := now.Add(-time.Duration(days) * 24 * time.Hour)
		rows, err := db.query(ctx, db.dialect.retentionDue(), millis(cutoff), t.ID, retentionBatch-len(due))
		team, err := collect(rows, err, func(r row) (dueErasure, error) {
			d := dueErasure{cutoff: cutoff}
			return d, r.Scan(&d.id)
		})
		if err != nil {
			return 0, err
		}
		due = append(due, team...)
	}
	if len(due) == 0 {
		return 0, nil
	}
	var n int
	for chunk := range slices.Chunk(due, retentionChunk) {
		var inChunk int // counted once its transaction commits
		if err := db.bulkTx(ctx, func(tx *Tx) error {
			inChunk = 0
			for _, d := range chunk {
				erased, err := db.eraseIfEnded(ctx, tx, d, now)
				if err != nil {
					return err
				}
				if erased {
					inChunk++
				}
			}
			return nil
		}); err != nil {
			return n, err
		}
		n += inChunk
	}
	db.checkpoint(ctx)
	return n, nil
}

// dueErasure is an invitation the retention read found ended before its
// team's cutoff.
type dueErasure struct {
	id     int64
	cutoff time.Time
}

// eraseIfEnded erases the invitation if, locked, it is still ended before
// the cutoff: the retention read is outside the transaction, and meanwhile
// a recruiter may have reopened or extended it, or the candidate erased.
func (db *DB) eraseIfEnded(ctx context.Context, tx *Tx, d dueErasure, now time.Time) (bool, error) {
	inv, err := invitationTx(ctx, tx, d.id)
	if err != nil || inv.ErasedAt != nil {
		return false, err
	}
	if end := endedAt(inv); end == nil || end.After(d.cutoff) {
		return false, nil
	}
	return true, db.eraseLocked(ctx, tx, inv, RetentionActor, now)
}

// endedAt is when an invitation ended (retentionEnd in Go); nil while it
// has not.
func endedAt(inv Invitation) *time.Time {
	switch inv.Status {
	case StatusCompleted:
		return inv.CompletedAt
	case StatusExpired:
		return inv.ExpiredAt
	case StatusCancelled:
		return inv.CancelledAt
	}
	return nil
}
