package store

import (
	"context"
	"fmt"
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
	var ids []int64
	for _, t := range teams {
		days := installation
		if t.RetentionDays != nil {
			days = *t.RetentionDays
		}
		if days == 0 || len(ids) >= retentionBatch {
			continue
		}
		cutoff := now.Add(-time.Duration(days) * 24 * time.Hour)
		rows, err := db.query(ctx, db.dialect.retentionDue(), millis(cutoff), t.ID, retentionBatch-len(ids))
		due, err := collect(rows, err, func(r row) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		})
		if err != nil {
			return 0, err
		}
		ids = append(ids, due...)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	for start := 0; start < len(ids); start += retentionChunk {
		chunk := ids[start:min(start+retentionChunk, len(ids))]
		if err := db.bulkTx(ctx, func(tx *Tx) error {
			for _, id := range chunk {
				if err := db.eraseTx(ctx, tx, id, RetentionActor, now); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return start, err
		}
	}
	db.checkpoint(ctx)
	return len(ids), nil
}
