package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Answer is what a candidate gave for one question.
type Answer struct {
	QuestionID int64
	Choices    []int  // option indexes, for choice questions
	Text       string // for text questions
	Correct    *bool  // set when the attempt is scored; nil for text
	Points     *int   // what the answer scored; nil until scored or graded
	Comment    string // the reviewer's
	// SecondsSpent is the time the candidate's page saw them on the
	// question (0 without JavaScript).
	SecondsSpent int
	UpdatedAt    time.Time
}

// AnswerInput is one question's answer as the candidate sends it.
type AnswerInput struct {
	QuestionID int64
	Choices    []int
	Text       string
}

// MaxAnswerLength bounds a written answer.
const MaxAnswerLength = 10000

// validateAnswer checks an answer against its question.
func validateAnswer(q Question, a AnswerInput) error {
	if problem := q.Rules().checkAnswer(q, a); problem != "" {
		return FieldErrors{answerField(q): problem}
	}
	return nil
}

// SaveAnswers stores answers of a started attempt before its deadline,
// with the seconds the candidate's page saw them spend on questions since
// its last save. Answers to questions not in the candidate's section are
// ignored. (A candidate's post goes through Submit.)
func (db *DB) SaveAnswers(ctx context.Context, invitationID int64, answers []AnswerInput, spent map[int64]int) error {
	return db.inTx(ctx, func(tx *Tx) error {
		inv, err := invitationTx(ctx, tx, invitationID)
		if err != nil {
			return err
		}
		now := db.Now()
		switch {
		case inv.Status != StatusStarted:
			return ErrNotUsable
		case inv.TimeUp(now):
			return ErrDeadlinePassed
		case inv.SectionTimeUp(now):
			return ErrSectionTimeUp
		}
		questions, err := attemptQuestionsTx(ctx, tx, inv.ID)
		if err != nil {
			return err
		}
		if err := saveAnswers(ctx, tx, invitationID, SectionOf(inv, questions), answers, now); err != nil {
			return err
		}
		return addTimeSpent(ctx, tx, invitationID, spent, now)
	})
}

// Answers returns an attempt's answers by question id.
func (db *DB) Answers(ctx context.Context, invitationID int64) (map[int64]Answer, error) {
	rows, err := db.query(ctx, `SELECT `+answerColumns+` FROM answers WHERE invitation_id = ?`, invitationID)
	return collectAnswers(rows, err)
}

// answersTx is Answers inside tx.
func answersTx(ctx context.Context, tx *Tx, invitationID int64) (map[int64]Answer, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+answerColumns+` FROM answers WHERE invitation_id = ?`, invitationID)
	return collectAnswers(rows, err)
}

const answerColumns = `question_id, choices, body, correct, points, comment, seconds_spent, updated_at`

// collectAnswers reads answerColumns rows by question id.
func collectAnswers(rows *sql.Rows, err error) (map[int64]Answer, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]Answer{}
	for rows.Next() {
		var a Answer
		var choices string
		var correct *bool
		var updated int64
		if err := rows.Scan(&a.QuestionID, &choices, &a.Text, &correct, &a.Points, &a.Comment, &a.SecondsSpent, &updated); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(choices), &a.Choices); err != nil {
			return nil, fmt.Errorf("store: answer %d's choices: %w", a.QuestionID, err)
		}
		a.Correct, a.UpdatedAt = correct, fromMillis(updated)
		out[a.QuestionID] = a
	}
	return out, rows.Err()
}

// CompleteInvitation scores a started attempt and marks it completed, with
// its timeline event, in one transaction. Completing a completed attempt
// changes nothing. reason says why ("submitted", "time ran out").
func (db *DB) CompleteInvitation(ctx context.Context, invitationID int64, reason string) (Invitation, error) {
	err := db.inTx(ctx, func(tx *Tx) error {
		inv, err := invitationTx(ctx, tx, invitationID)
		if err != nil {
			return err
		}
		switch inv.Status {
		case StatusCompleted:
			return nil
		case StatusStarted:
		default:
			return ErrNotUsable
		}
		return db.complete(ctx, tx, inv, reason, db.Now())
	})
	if err != nil {
		return Invitation{}, err
	}
	return db.Invitation(ctx, invitationID)
}

// overdueAttempts lists up to 500 started attempts whose deadline has
// passed. Without statistics SQLite's planner prefers the status index and
// reads every started attempt; the deadline index holds only those, by
// deadline.
func (d dialect) overdueAttempts() string {
	return `SELECT id FROM invitations` + d.indexedBy("invitations_deadline") + `
		WHERE status = 'started' AND deadline_at <= ? LIMIT 500`
}

// CompleteOverdue submits started attempts whose deadline has passed, with
// the answers saved so far, and returns how many it submitted.
func (db *DB) CompleteOverdue(ctx context.Context) (int, error) {
	var n int
	err := db.inTx(ctx, func(tx *Tx) error {
		now := db.Now()
		// The condition is asked again of the locked row: PostgreSQL
		// rechecks only the outer query's own conditions on a row that a
		// candidate's submit changed after the subquery read it.
		due, err := invitationsTx(ctx, tx, `WHERE i.id IN (`+tx.dialect.overdueAttempts()+`)
			AND i.status = 'started' AND i.deadline_at <= ?`, millis(now), millis(now))
		if err != nil {
			return err
		}
		for _, inv := range due {
			if err := db.complete(ctx, tx, inv, ReasonTimeRanOut, now); err != nil {
				return err
			}
		}
		n = len(due)
		return nil
	})
	return n, err
}

// UpdateCandidateDetails replaces generated stand-ins with the name and
// email the candidate typed, before the test starts. An address that
// already has a live invitation on the link is not taken (one live
// invitation per address and link), but the candidate is not told so —
// that would say who is invited: their name is kept with the stand-in
// address, and the timeline tells the recruiter what was typed.
func (db *DB) UpdateCandidateDetails(ctx context.Context, invitationID int64, name, email string) (Invitation, error) {
	name, email = strings.TrimSpace(name), strings.TrimSpace(email)
	fe := NewInvitation{Name: name, Email: email}.Validate()
	if IsPlaceholderEmail(email) {
		fe["email"] = ProblemInvalidEmail
	}
	if err := fe.orNil(); err != nil {
		return Invitation{}, err
	}
	err := db.inTx(ctx, func(tx *Tx) error {
		if err := tx.lockKeys(ctx, addressKey(email)); err != nil { // the address typed, taken as an invite would
			return err
		}
		inv, err := invitationTx(ctx, tx, invitationID)
		if err != nil {
			return err
		}
		if !inv.Placeholder || !inv.Status.NotStarted() {
			return ErrNotUsable
		}
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM invitations WHERE link_id = ? AND email_norm = ? AND id <> ?
			AND status NOT IN ('cancelled', 'expired') AND superseded = 0`, inv.LinkID, NormalizeEmail(email), inv.ID).Scan(&taken); err != nil {
			return err
		}
		detail := name + " <" + email + ">"
		if taken > 0 {
			email, detail = inv.Email, detail+": the address already has an invitation on this link, so the stand-in address stays"
		}
		tx.changedInvitation(invitationID)
		if _, err = tx.ExecContext(ctx, `UPDATE invitations SET name = ?, email = ?, email_norm = ?, placeholder = 0, updated_at = ? WHERE id = ?`,
			name, email, NormalizeEmail(email), millis(db.Now()), invitationID); err != nil {
			return mapError(err)
		}
		if err := reindexForSearch(ctx, tx, invitationID); err != nil {
			return err
		}
		return addEvent(ctx, tx, invitationID, "details_given", inv.Status, inv.Status, "candidate", detail, db.Now())
	})
	if err != nil {
		return Invitation{}, err
	}
	return db.Invitation(ctx, invitationID)
}
