package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// An attempt, from the candidate's side: opening their page and posting
// their answers. Each is one store call in one transaction that decides
// the outcome — the deadline rules are here and only here — and the
// handler maps the outcome to a page.

// TimeUp reports whether a started attempt's time has run out at now.
func (inv Invitation) TimeUp(now time.Time) bool {
	return inv.Status == StatusStarted && inv.DeadlineAt != nil && !now.Before(*inv.DeadlineAt)
}

// SectionTimeUp reports whether the section a started attempt is in has
// run out of its own time at now.
func (inv Invitation) SectionTimeUp(now time.Time) bool {
	return inv.Status == StatusStarted && inv.SectionDeadlineAt != nil && !now.Before(*inv.SectionDeadlineAt)
}

// VisitAttempt is a candidate opening their page, seen as it was read: an
// attempt whose time ran out while they were away is submitted, one whose
// section's time ran out moves to the next section, and an invitation not
// yet opened is opened, in one transaction that checks again. A visit that
// changes nothing writes nothing, and a peek (a HEAD from a mail system's
// link scanner) never changes anything.
func (db *DB) VisitAttempt(ctx context.Context, seen Invitation, peek bool) (Invitation, error) {
	now := db.Now()
	if peek || !(seen.TimeUp(now) || seen.SectionTimeUp(now) || seen.Status == StatusInvited) {
		return seen, nil
	}
	var opened *Invitation // as the opening left it
	err := db.inTx(ctx, func(tx *Tx) error {
		opened = nil
		inv, err := invitationTx(ctx, tx, seen.ID)
		if err != nil {
			return err
		}
		now := db.Now()
		switch {
		case inv.TimeUp(now):
			return db.complete(ctx, tx, inv, ReasonTimeRanOut, now)
		case inv.SectionTimeUp(now):
			return db.advanceSection(ctx, tx, inv, ReasonTimeRanOut, now)
		case inv.Status == StatusInvited:
			if err := db.setStatus(ctx, tx, inv, StatusOpened, "candidate", "", now); err != nil {
				return err
			}
			opened = db.keepWritten(tx, inv.moved(StatusOpened, now))
		}
		return nil
	})
	if err != nil {
		return Invitation{}, err
	}
	if opened != nil {
		return *opened, nil
	}
	return db.Invitation(ctx, seen.ID)
}

// Submission is a candidate's post of their answers: saving them, or
// finishing (submitting the test, or ending the section).
type Submission struct {
	InvitationID int64
	// Answers read from the form, with the seconds the page saw spent on
	// each question since its last save.
	Answers []AnswerInput
	// Form is the attempt page's form instead of Answers: each question's
	// answer under q<id>, read for the questions of the section the
	// attempt is in when the submission is written (a problem in it is a
	// FormProblem, and nothing is written).
	Form  map[string][]string
	Spent map[int64]int
	// Finish submits the test (or ends the section); Confirmed says the
	// candidate chose to finish with questions unanswered ("submit
	// anyway", whose form carries no answers: they were saved when it
	// asked); TimedOut says the page's countdown reached zero.
	Finish, Confirmed, TimedOut bool
}

// SubmitOutcome is what a submission came to.
type SubmitOutcome int

const (
	// Saved: the answers are kept; the attempt goes on.
	Saved SubmitOutcome = iota
	// AskToConfirm: the answers are kept, and Unanswered questions of the
	// section (or test) have none: finishing needs a confirmation.
	AskToConfirm
	// NextSection: the candidate moved to their next section.
	NextSection
	// Completed: the attempt is complete (now, or before this post).
	Completed
)

// SubmitResult is a submission's outcome and the invitation after it
// (left zero after a save, which leaves the invitation's row as the
// caller read it).
type SubmitResult struct {
	Outcome    SubmitOutcome
	Unanswered int
	Invitation Invitation
}

// Submit takes a candidate's whole post in one transaction: past the
// attempt's deadline nothing is saved and the attempt is submitted with
// what was; past the section's own time the next section begins; else the
// answers are saved, and a finish completes the attempt (or its section),
// first asking to confirm when questions are unanswered. A post to an
// attempt that is complete changes nothing; one to an attempt not started
// is ErrNotUsable, and an answer that is not one of the question's is a
// FieldErrors.
func (db *DB) Submit(ctx context.Context, s Submission) (SubmitResult, error) {
	var res SubmitResult
	var known *Invitation // the invitation after the submission, when the transaction knows it: as read (the row left as it was) or as its completion wrote it
	err := db.inTx(ctx, func(tx *Tx) error {
		res, known = SubmitResult{}, nil
		now := db.Now()
		read := invitationTx
		if !s.Finish { // a save: its row's state decides it, unless its time is up
			read = attemptStateTx
		}
		inv, err := read(ctx, tx, s.InvitationID)
		if err == nil && !s.Finish && (inv.Status != StatusStarted || inv.TimeUp(now) || inv.SectionTimeUp(now)) {
			inv, err = invitationTx(ctx, tx, s.InvitationID)
		}
		if err != nil {
			return err
		}
		switch {
		case inv.Status == StatusCompleted:
			res.Outcome, known = Completed, &inv
			return nil
		case inv.Status != StatusStarted:
			return ErrNotUsable
		case inv.TimeUp(now):
			res.Outcome = Completed
			return db.complete(ctx, tx, inv, ReasonTimeRanOut, now)
		case inv.SectionTimeUp(now):
			return db.sectionEnded(ctx, tx, inv, ReasonTimeRanOut, now, &res)
		}
		paper, err := db.startedPaperTx(ctx, tx, inv.ID)
		if err != nil {
			return err
		}
		section := SectionOf(inv, paper) // answers to other sections are not taken
		if !s.Confirmed {
			answers := s.Answers
			if s.Form != nil {
				if answers, err = AnswersFromForm(section, s.Form); err != nil {
					return err
				}
			}
			if err := saveAnswers(ctx, tx, inv.ID, section, answers, now); err != nil {
				return err
			}
			if err := addTimeSpent(ctx, tx, inv.ID, s.Spent, now); err != nil {
				return err
			}
		}
		if !s.Finish {
			res.Outcome = Saved // answers and their times are rows of their own; inv is its state alone
			return nil
		}
		reason := ReasonSubmitted
		var saved map[int64]Answer
		if s.TimedOut {
			reason = ReasonTimeRanOut // the countdown reached zero in the browser and sent what was there
		} else if !s.Confirmed {
			if saved, err = answersTx(ctx, tx, inv.ID); err != nil {
				return err
			}
			if res.Unanswered = Unanswered(section, saved); res.Unanswered > 0 {
				res.Outcome, known = AskToConfirm, &inv
				return nil
			}
		}
		if inv.SectionAt > 0 { // section by section: the next one, or the end after the last
			return db.sectionEnded(ctx, tx, inv, reason, now, &res)
		}
		res.Outcome = Completed
		done, err := db.completePaper(ctx, tx, inv, paper, saved, reason, now)
		if err == nil {
			known = db.keepWritten(tx, done) // what the transaction wrote: no read after the commit
		}
		return err
	})
	if err != nil {
		return SubmitResult{}, err
	}
	if res.Outcome == Saved { // the caller has the invitation: a save leaves its row as it was
		return res, nil
	}
	if known != nil {
		res.Invitation = *known
		return res, nil
	}
	res.Invitation, err = db.Invitation(ctx, s.InvitationID)
	return res, err
}

// FormProblem is an attempt form's answer that its question's kind cannot
// read, in words a candidate can be shown.
type FormProblem struct{ Problem string }

func (e *FormProblem) Error() string { return e.Problem }

// AnswersFromForm reads each question's answer from the attempt form
// (q<id>: option indexes, or the written answer); a question the form
// has no field for keeps what was saved.
func AnswersFromForm(qs []Question, form map[string][]string) ([]AnswerInput, error) {
	var out []AnswerInput
	for _, q := range qs {
		values, sent := form[answerField(q)]
		a, keep, problem := q.Rules().FromForm(q, values, sent)
		if problem == "" && !keep {
			if p := q.Rules().checkAnswer(q, a); p != "" {
				problem = "An answer " + p + "."
			}
		}
		if problem != "" {
			return nil, &FormProblem{problem}
		}
		if !keep {
			out = append(out, a)
		}
	}
	return out, nil
}

// sectionEnded moves the attempt on from its section and says where to.
func (db *DB) sectionEnded(ctx context.Context, tx *Tx, inv Invitation, reason string, now time.Time, res *SubmitResult) error {
	last, err := db.advance(ctx, tx, inv, reason, now)
	res.Outcome = NextSection
	if last {
		res.Outcome = Completed
	}
	return err
}

// saveAnswers writes answers to the questions of section (others are
// ignored), each checked against its question.
func saveAnswers(ctx context.Context, tx *Tx, invitationID int64, section []Question, answers []AnswerInput, now time.Time) error {
	byID := make(map[int64]Question, len(section))
	for _, q := range section {
		byID[q.ID] = q
	}
	for _, a := range answers {
		q, ok := byID[a.QuestionID]
		if !ok {
			continue
		}
		if err := validateAnswer(q, a); err != nil {
			return err
		}
		a = q.Rules().stored(a)
		if a.Choices == nil {
			a.Choices = []int{}
		}
		cj, _ := json.Marshal(a.Choices)
		if err := tx.ExecLater(ctx, `INSERT INTO answers (invitation_id, question_id, choices, body, updated_at)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (invitation_id, question_id) DO UPDATE SET choices = excluded.choices, body = excluded.body,
				updated_at = excluded.updated_at`, invitationID, q.ID, string(cj), a.Text, millis(now)); err != nil {
			return err
		}
	}
	return nil
}

// Unanswered counts the questions without an answer (a saved blank is
// none).
func Unanswered(qs []Question, answers map[int64]Answer) int {
	n := 0
	for _, q := range qs {
		if a, ok := answers[q.ID]; !ok || !q.Rules().Answered(q, a) {
			n++
		}
	}
	return n
}

// advance ends the attempt's section: the next one begins, or, after the
// last, the attempt is complete (last=true).
func (db *DB) advance(ctx context.Context, tx *Tx, inv Invitation, reason string, now time.Time) (last bool, err error) {
	if err := addEvent(ctx, tx, inv.ID, "section_ended", inv.Status, inv.Status, "candidate",
		fmt.Sprintf("section %d: %s", inv.SectionAt, reason), now); err != nil {
		return false, err
	}
	var next sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MIN(section_position) FROM attempt_questions WHERE invitation_id = ? AND section_position > ?`,
		inv.ID, inv.SectionAt).Scan(&next); err != nil {
		return false, err
	}
	if !next.Valid {
		return true, db.complete(ctx, tx, inv, reason, now)
	}
	limits, err := sectionLimits(ctx, tx, inv.TestID)
	if err != nil {
		return false, err
	}
	return false, enterSection(ctx, tx, inv, int(next.Int64), limits, now)
}

// advanceSection is advance without its answer.
func (db *DB) advanceSection(ctx context.Context, tx *Tx, inv Invitation, reason string, now time.Time) error {
	_, err := db.advance(ctx, tx, inv, reason, now)
	return err
}
