package store

import (
	"context"
	"database/sql"

	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// EventGraded announces that an attempt's total became final by hand: its
// last written answer was graded, or a graded attempt was graded again.
const EventGraded = "invitation.graded"

// Actor of automatic scoring in the score history.
const ActorScoring = "automatic scoring"

// Grade marks an attempt's answers against their questions (see
// question_marking.go): written answers wait for a reviewer and score
// nothing yet, but count in the maximum. It writes nothing, so a
// recruiter's preview scores with the rule attempts are scored with.
func Grade(questions []Question, answers map[int64]Answer) (score, maxScore int, marks map[int64]Marking) {
	marks = make(map[int64]Marking, len(questions))
	for _, q := range questions {
		maxScore += q.Points
		if q.Rules().Reviewed() {
			continue
		}
		marks[q.ID] = q.Marked(answers[q.ID])
		score += marks[q.ID].Points
	}
	return score, maxScore, marks
}

// complete scores the attempt's choice questions, keeps each score in the
// history, and marks the attempt completed — awaiting review when it has
// written answers.
func (db *DB) complete(ctx context.Context, tx *Tx, inv Invitation, reason string, now time.Time) error {
	questions, err := attemptQuestionsTx(ctx, tx, inv.ID)
	if err != nil {
		return err
	}
	_, err = db.completePaper(ctx, tx, inv, questions, nil, reason, now)
	return err
}

// completePaper is complete for a caller that has read the attempt's
// questions, and perhaps its saved answers, in the transaction already. It
// returns the invitation as it leaves the row.
func (db *DB) completePaper(ctx context.Context, tx *Tx, inv Invitation, questions []Question, answers map[int64]Answer, reason string, now time.Time) (Invitation, error) {
	if answers == nil {
		var err error
		if answers, err = answersTx(ctx, tx, inv.ID); err != nil {
			return Invitation{}, err
		}
	}
	score, maxScore, marks := Grade(questions, answers)
	review := ReviewNone
	for _, q := range questions {
		if q.Rules().Reviewed() {
			review = ReviewAwaiting
			continue
		}
		m := marks[q.ID]
		if err := tx.ExecLater(ctx, `INSERT INTO answers (invitation_id, question_id, correct, points, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (invitation_id, question_id) DO UPDATE SET correct = excluded.correct, points = excluded.points`,
			inv.ID, q.ID, boolInt(m.Right), m.Points, millis(now)); err != nil {
			return Invitation{}, err
		}
	}
	// The history's first entries, one statement for the whole paper.
	if err := tx.ExecLater(ctx, `INSERT INTO score_changes (invitation_id, question_id, from_points, to_points, actor, reason, changed_at)
		SELECT a.invitation_id, a.question_id, NULL, a.points, ?, '', ? FROM answers a
		JOIN attempt_questions aq ON aq.invitation_id = a.invitation_id AND aq.question_id = a.question_id
		WHERE a.invitation_id = ? AND a.correct IS NOT NULL ORDER BY aq.position`, ActorScoring, millis(now), inv.ID); err != nil {
		return Invitation{}, err
	}
	if err := db.setStatusAnd(ctx, tx, inv, StatusCompleted, "candidate", reason, now,
		`score = ?, max_score = ?, review = ?, stat_items = `+tx.dialect.statItems(), score, maxScore, review); err != nil {
		return Invitation{}, err
	}
	done := inv.moved(StatusCompleted, now)
	done.Score, done.MaxScore, done.Review = &score, &maxScore, review
	return done, nil
}

func addScoreChange(ctx context.Context, tx *Tx, invitationID, questionID int64, from *int, to int, actor, reason string, now time.Time) error {
	err := tx.ExecLater(ctx, `INSERT INTO score_changes (invitation_id, question_id, from_points, to_points, actor, reason, changed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, invitationID, questionID, from, to, actor, reason, millis(now))
	return err
}

// GradeInput is a reviewer's score for one answer.
type GradeInput struct {
	QuestionID int64
	Points     int
	Comment    string
}

// MaxCommentLength bounds a reviewer's comment.
const MaxCommentLength = 2000

// GradeAnswer scores one answer of a completed attempt by hand — a written
// answer, or a choice answer a reviewer overrides — keeps the change in
// the score history, and updates the total. When the last written answer
// is graded (or a graded attempt's total changes), the attempt reads
// graded, its timeline says so and integrations are told.
func (db *DB) GradeAnswer(ctx context.Context, invitationID int64, in GradeInput, actor string) (Invitation, error) {
	in.Comment = strings.TrimSpace(in.Comment)
	if utf8.RuneCountInString(in.Comment) > MaxCommentLength || strings.ContainsRune(in.Comment, 0) {
		return Invitation{}, FieldErrors{"comment": fmt.Sprintf("must be at most %d characters", MaxCommentLength)}
	}
	err := db.inTx(ctx, func(tx *Tx) error {
		inv, err := invitationTx(ctx, tx, invitationID)
		if err != nil {
			return err
		}
		if inv.Status != StatusCompleted {
			return ErrNotCompleted
		}
		questions, err := attemptQuestionsTx(ctx, tx, inv.ID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(questions, func(q Question) bool { return q.ID == in.QuestionID })
		if i < 0 {
			return FieldErrors{"questionId": "is not a question of this attempt"}
		}
		q := questions[i]
		if least := min(0, q.Spec.Floor); in.Points < least || in.Points > q.Points {
			return FieldErrors{"points": fmt.Sprintf("must be between %d and %d", least, q.Points)}
		}
		var from *int
		var comment string
		err = tx.QueryRowContext(ctx, `SELECT points, comment FROM answers WHERE invitation_id = ? AND question_id = ?`,
			inv.ID, q.ID).Scan(&from, &comment)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if from != nil && *from == in.Points && comment == in.Comment {
			return nil // nothing changes
		}
		now := db.Now()
		if err := tx.ExecLater(ctx, `INSERT INTO answers (invitation_id, question_id, points, comment, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (invitation_id, question_id) DO UPDATE SET points = excluded.points, comment = excluded.comment`,
			inv.ID, q.ID, in.Points, in.Comment, millis(now)); err != nil {
			return err
		}
		if from == nil || *from != in.Points {
			if err := addScoreChange(ctx, tx, inv.ID, q.ID, from, in.Points, actor, in.Comment, now); err != nil {
				return err
			}
		}
		return db.retotal(ctx, tx, inv, fmt.Sprintf("question %d: %s → %d of %s", i+1, pointsText(from), in.Points, Count(q.Points, "point")), actor, now)
	})
	if err != nil {
		return Invitation{}, err
	}
	return db.Invitation(ctx, invitationID)
}

func pointsText(p *int) string {
	if p == nil {
		return "not graded"
	}
	return fmt.Sprint(*p)
}

// retotal adds up an attempt's points after a grade, settles its review
// state, records the grade in the timeline, and announces a final total
// that changed.
func (db *DB) retotal(ctx context.Context, tx *Tx, inv Invitation, detail, actor string, now time.Time) error {
	var score, ungraded int
	reviewed := reviewedKinds()
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(a.points), 0),
			COUNT(CASE WHEN q.kind IN (?`+strings.Repeat(", ?", len(reviewed)-1)+`) AND a.points IS NULL THEN 1 END)
		FROM attempt_questions aq JOIN questions q ON q.id = aq.question_id
		LEFT JOIN answers a ON a.invitation_id = aq.invitation_id AND a.question_id = aq.question_id
		WHERE aq.invitation_id = ?`, append(reviewed, inv.ID)...).Scan(&score, &ungraded); err != nil {
		return err
	}
	review := ReviewGraded
	if ungraded > 0 {
		review = ReviewAwaiting
	}
	tx.changedInvitation(inv.ID)
	if err := tx.ExecLater(ctx, `UPDATE invitations SET score = ?, review = ?, updated_at = ?, stat_items = `+tx.dialect.statItems()+` WHERE id = ?`,
		score, review, millis(now), inv.ID); err != nil {
		return err
	}
	if err := addEvent(ctx, tx, inv.ID, "answer_graded", inv.Status, inv.Status, actor, detail, now); err != nil {
		return err
	}
	changed := inv.Score == nil || *inv.Score != score
	if review == ReviewAwaiting || (inv.Review == review && !changed) {
		return nil
	}
	if err := addEvent(ctx, tx, inv.ID, "graded", inv.Status, inv.Status, actor, "total "+Count(score, "point"), now); err != nil {
		return err
	}
	_, err := db.notify(ctx, tx, inv.ID, EventGraded, now)
	return err
}

// ScoreChange is one entry of an attempt's score history.
type ScoreChange struct {
	QuestionID int64
	From       *int // nil: not scored before
	To         int
	Actor      string
	Reason     string
	ChangedAt  time.Time
}

// ScoreChanges is an attempt's score history, oldest first.
func (db *DB) ScoreChanges(ctx context.Context, invitationID int64) ([]ScoreChange, error) {
	rows, err := db.query(ctx, `SELECT question_id, from_points, to_points, actor, reason, changed_at
		FROM score_changes WHERE invitation_id = ? ORDER BY id`, invitationID)
	return collect(rows, err, func(r row) (ScoreChange, error) {
		var c ScoreChange
		var at int64
		err := r.Scan(&c.QuestionID, &c.From, &c.To, &c.Actor, &c.Reason, &at)
		c.ChangedAt = fromMillis(at)
		return c, err
	})
}
