package store

import (
	"context"
	"database/sql"
	"time"
)

// Timed sections: a test with a section that has a time limit of its own
// is taken one section after another. The candidate sees only the section
// they are in; when its time ends (or they move on) its answers are kept
// and the next section starts with its own time; after the last, the
// attempt is submitted. The attempt's deadline still bounds everything.

// sectionLimits are the time limits of a test's sections, by position.
func sectionLimits(ctx context.Context, tx *Tx, testID int64) (map[int]int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT position, time_limit_minutes FROM test_sections
		WHERE test_id = ? AND time_limit_minutes IS NOT NULL`, testID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	limits := map[int]int{}
	for rows.Next() {
		var pos, minutes int
		if err := rows.Scan(&pos, &minutes); err != nil {
			return nil, err
		}
		limits[pos] = minutes
	}
	return limits, rows.Err()
}

// startSections puts a started attempt of a test with timed sections in
// the first section of its paper; sections are those it was drawn from.
func startSections(ctx context.Context, tx *Tx, inv Invitation, sections []Section, now time.Time) error {
	limits := map[int]int{}
	for _, s := range sections {
		if s.TimeLimit > 0 {
			limits[s.Position] = s.TimeLimit
		}
	}
	if len(limits) == 0 {
		return nil
	}
	var first sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MIN(section_position) FROM attempt_questions WHERE invitation_id = ?`, inv.ID).Scan(&first); err != nil {
		return err
	}
	if !first.Valid {
		return nil
	}
	return enterSection(ctx, tx, inv, int(first.Int64), limits, now)
}

// enterSection starts a section's own time, lengthened by the candidate's
// extra time.
func enterSection(ctx context.Context, tx *Tx, inv Invitation, position int, limits map[int]int, now time.Time) error {
	var deadline sql.NullInt64
	if minutes := limits[position]; minutes > 0 {
		deadline = sql.NullInt64{Int64: millis(now.Add(AttemptDuration(minutes, inv.ExtraTimePercent))), Valid: true}
	}
	tx.changedInvitation(inv.ID)
	err := tx.ExecLater(ctx, `UPDATE invitations SET section_at = ?, section_deadline_at = ?, updated_at = ? WHERE id = ?`,
		position, deadline, millis(now), inv.ID)
	return err
}

// AdvanceSection ends the section the candidate is in — from, so that a
// second click or a late timer changes nothing — and starts the next on
// their paper; after the last one the attempt is completed. reason is
// ReasonSubmitted (the candidate moved on) or ReasonTimeRanOut.
func (db *DB) AdvanceSection(ctx context.Context, invitationID int64, from int, reason string) (Invitation, error) {
	err := db.inTx(ctx, func(tx *Tx) error {
		inv, err := invitationTx(ctx, tx, invitationID)
		if err != nil {
			return err
		}
		if inv.Status != StatusStarted || inv.SectionAt == 0 || inv.SectionAt != from {
			return nil
		}
		return db.advanceSection(ctx, tx, inv, reason, db.Now())
	})
	if err != nil {
		return Invitation{}, err
	}
	return db.Invitation(ctx, invitationID)
}

// SectionOf is the part of a paper the candidate sees: the questions of
// the section they are in, or all of them when the test is not taken
// section by section.
func SectionOf(inv Invitation, paper []Question) []Question {
	if inv.SectionAt == 0 {
		return paper
	}
	var out []Question
	for _, q := range paper {
		if q.SectionPosition == inv.SectionAt {
			out = append(out, q)
		}
	}
	return out
}

// SectionPlace is where the candidate's section stands on their paper:
// its number and how many sections there are (0, 0 when the test is not
// taken section by section).
func SectionPlace(inv Invitation, paper []Question) (n, total int) {
	if inv.SectionAt == 0 {
		return 0, 0
	}
	last := -1
	for _, q := range paper {
		if q.SectionPosition != last {
			total++
			last = q.SectionPosition
			if q.SectionPosition == inv.SectionAt {
				n = total
			}
		}
	}
	return n, total
}
