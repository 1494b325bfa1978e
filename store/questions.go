package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// QuestionKind is how a question is answered.
type QuestionKind string

const (
	QuestionSingle    QuestionKind = "single"    // one option is correct
	QuestionMultiple  QuestionKind = "multiple"  // one or more options are correct
	QuestionText      QuestionKind = "text"      // a written answer, graded by a reviewer
	QuestionTrueFalse QuestionKind = "truefalse" // true or false
	QuestionNumeric   QuestionKind = "numeric"   // a number, give or take a tolerance
	QuestionOrdering  QuestionKind = "ordering"  // the options put in order
	QuestionMatching  QuestionKind = "matching"  // each option paired with its match
	QuestionBlanks    QuestionKind = "blanks"    // blanks in the text filled in
	QuestionEssay     QuestionKind = "essay"     // a long written answer, graded by a reviewer
	QuestionCode      QuestionKind = "code"      // code written in a named language, graded by a reviewer
)

// Valid reports whether k is a known question kind.
func (k QuestionKind) Valid() bool { return k.Rules() != nil }

// Question belongs to a test; Position orders it (1-based).
type Question struct {
	ID         int64
	TestID     int64
	Position   int
	Kind       QuestionKind
	Text       string
	Options    []string
	Correct    []int // zero-based indexes into Options
	Points     int   // what a right answer scores; a written one is graded up to it
	Spec       QuestionSpec
	SectionID  int64 // 0: the test has no sections
	Topic      string
	Difficulty Difficulty
	CreatedAt  time.Time
	UpdatedAt  time.Time

	// On an attempt's paper: the section it came in (as named then) and
	// the order its options were shown in (nil: as written).
	SectionPosition int
	SectionName     string
	OptionOrder     []int

	// A snapshot of a bank question: which, and its version.
	BankQuestionID int64
	BankVersion    int
}

// Difficulty tags a question: easy, medium, hard, or none.
type Difficulty string

// Difficulties lists the tags a question can carry.
var Difficulties = []Difficulty{"easy", "medium", "hard"}

// Valid reports whether d is a known difficulty or none.
func (d Difficulty) Valid() bool { return d == "" || slices.Contains(Difficulties, d) }

// ShownOptions are the option indexes in the order the candidate saw them.
func (q Question) ShownOptions() []int {
	if len(q.OptionOrder) == len(q.Options) {
		return q.OptionOrder
	}
	order := make([]int, len(q.Options))
	for i := range order {
		order[i] = i
	}
	return order
}

// IsCorrect reports whether option i is a correct one.
func (q Question) IsCorrect(i int) bool { return slices.Contains(q.Correct, i) }

func insertQuestion(ctx context.Context, tx *Tx, testID int64, position int, in QuestionInput, now int64) (int64, error) {
	in = in.normalized()
	opts, _ := json.Marshal(in.Options)
	correct, _ := json.Marshal(in.Correct)
	var id int64
	tx.changedTests()
	err := tx.QueryRowContext(ctx, `INSERT INTO questions (test_id, position, kind, body, options, correct, points, section_id, topic, difficulty,
			created_at, updated_at, spec) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		testID, position, in.Kind, in.Text, string(opts), string(correct), in.Points, sql.NullInt64{Int64: in.SectionID, Valid: in.SectionID > 0},
		in.Topic, in.Difficulty, now, now, in.Spec.json()).Scan(&id)
	return id, mapError(err)
}

const questionColumns = `id, test_id, position, kind, body, options, correct, points, COALESCE(section_id, 0), topic, difficulty,
	created_at, updated_at, spec`

// qualifiedQuestionColumns are questionColumns of "questions q" in a join.
const qualifiedQuestionColumns = `q.id, q.test_id, q.position, q.kind, q.body, q.options, q.correct, q.points, COALESCE(q.section_id, 0), q.topic,
	q.difficulty, q.created_at, q.updated_at, q.spec`

func scanQuestion(r row) (Question, error) {
	var q Question
	var opts, correct, spec string
	var created, updated int64
	err := r.Scan(&q.ID, &q.TestID, &q.Position, &q.Kind, &q.Text, &opts, &correct, &q.Points, &q.SectionID, &q.Topic, &q.Difficulty,
		&created, &updated, &spec)
	if errors.Is(err, sql.ErrNoRows) {
		return Question{}, ErrNotFound
	}
	if err != nil {
		return Question{}, err
	}
	return q, finishQuestion(&q, opts, correct, spec, created, updated)
}

func finishQuestion(q *Question, opts, correct, spec string, created, updated int64) error {
	if err := parseSpec(q.ID, spec, &q.Spec); err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(opts), &q.Options); err != nil {
		return fmt.Errorf("store: question %d options: %w", q.ID, err)
	}
	if err := json.Unmarshal([]byte(correct), &q.Correct); err != nil {
		return fmt.Errorf("store: question %d correct: %w", q.ID, err)
	}
	q.CreatedAt, q.UpdatedAt = fromMillis(created), fromMillis(updated)
	return nil
}

// testKindTx reads a test's kind inside a transaction (ErrNotFound if none).
func testKindTx(ctx context.Context, tx *Tx, testID int64) (TestKind, error) {
	var kind TestKind
	err := tx.QueryRowContext(ctx, `SELECT kind FROM tests WHERE id = ?`, testID).Scan(&kind)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return kind, err
}

// AddQuestion appends a question to a test.
func (db *DB) AddQuestion(ctx context.Context, testID int64, in QuestionInput) (Question, error) {
	var id int64
	err := db.inTx(ctx, func(tx *Tx) error {
		if err := tx.lockTest(ctx, testID); err != nil { // the test\'s structure is edited one change at a time
			return err
		}
		kind, err := testKindTx(ctx, tx, testID)
		if err != nil {
			return err
		}
		if err := in.Validate(kind).orNil(); err != nil {
			return err
		}
		var count int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM questions WHERE test_id = ? AND retired_at IS NULL`, testID).Scan(&count); err != nil {
			return err
		}
		if count >= MaxQuestions {
			return FieldErrors{"text": fmt.Sprintf("a test holds at most %d questions", MaxQuestions)}
		}
		in = in.normalized()
		if in.SectionID, err = sectionFor(ctx, tx, testID, 0, in.SectionID); err != nil {
			return err
		}
		id, err = insertQuestion(ctx, tx, testID, count+1, in, millis(db.Now()))
		return err
	})
	if err != nil {
		return Question{}, err
	}
	return db.Question(ctx, testID, id)
}

// UpdateQuestion replaces a question's text, kind, options and answers. A
// question some attempt was given is not rewritten: the edit becomes a new
// version in its place for later attempts, and the returned question has a
// new id.
func (db *DB) UpdateQuestion(ctx context.Context, testID, id int64, in QuestionInput) (Question, error) {
	err := db.inTx(ctx, func(tx *Tx) error {
		if err := tx.lockTest(ctx, testID); err != nil { // the test\'s structure is edited one change at a time
			return err
		}
		kind, err := testKindTx(ctx, tx, testID)
		if err != nil {
			return err
		}
		if err := in.Validate(kind).orNil(); err != nil {
			return err
		}
		in = in.normalized()
		now := millis(db.Now())
		pos, used, err := currentQuestion(ctx, tx, testID, id)
		if err != nil {
			return err
		}
		if in.SectionID, err = sectionFor(ctx, tx, testID, id, in.SectionID); err != nil {
			return err
		}
		if used {
			if _, err := tx.ExecContext(ctx, `UPDATE questions SET retired_at = ? WHERE id = ?`, now, id); err != nil {
				return err
			}
			id, err = insertQuestion(ctx, tx, testID, pos, in, now)
			return err
		}
		tx.changedTests()
		opts, _ := json.Marshal(in.Options)
		correct, _ := json.Marshal(in.Correct)
		res, err := tx.ExecContext(ctx, `UPDATE questions SET kind = ?, body = ?, options = ?, correct = ?, points = ?, section_id = ?,
			topic = ?, difficulty = ?, updated_at = ?, spec = ? WHERE id = ? AND test_id = ?`, in.Kind, in.Text, string(opts), string(correct),
			in.Points, sql.NullInt64{Int64: in.SectionID, Valid: in.SectionID > 0}, in.Topic, in.Difficulty, now, in.Spec.json(), id, testID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return Question{}, err
	}
	return db.Question(ctx, testID, id)
}

// Question returns one of a test's current questions.
func (db *DB) Question(ctx context.Context, testID, id int64) (Question, error) {
	return scanQuestion(db.queryRow(ctx, `SELECT `+questionColumns+` FROM questions WHERE id = ? AND test_id = ? AND retired_at IS NULL`, id, testID))
}

// Questions returns a test's current questions in order: what the next
// attempt is given.
func (db *DB) Questions(ctx context.Context, testID int64) ([]Question, error) {
	rows, err := db.query(ctx, `SELECT `+questionColumns+` FROM questions WHERE test_id = ? AND retired_at IS NULL ORDER BY position, id`, testID)
	return collect(rows, err, scanQuestion)
}

// AttemptQuestions returns the questions of an attempt as it was given
// them, even those edited or deleted since; before it starts, the test's
// current questions.
func (db *DB) AttemptQuestions(ctx context.Context, inv Invitation) ([]Question, error) {
	rows, err := db.query(ctx, paperQuery, inv.ID)
	qs, err := collect(rows, err, scanAttemptQuestion)
	if err != nil || len(qs) > 0 || inv.StartedAt != nil {
		return qs, err
	}
	return db.Questions(ctx, inv.TestID)
}

// attemptQuestionsTx is an attempt's paper inside a transaction.
func attemptQuestionsTx(ctx context.Context, tx *Tx, invitationID int64) ([]Question, error) {
	rows, err := tx.QueryContext(ctx, paperQuery, invitationID)
	return collect(rows, err, scanAttemptQuestion)
}

// paperQuery reads an attempt's paper (its one argument): its questions
// in order, with where and how the attempt was given each and the marking
// of the section it came in.
const paperQuery = `SELECT ` + qualifiedQuestionColumns + `, aq.section_position, aq.section_name, aq.option_order, aq.invitation_id,
	COALESCE(s.penalty, 0), COALESCE(s.mark_floor, 0)
	FROM attempt_questions aq JOIN questions q ON q.id = aq.question_id
	LEFT JOIN test_sections s ON s.test_id = q.test_id AND s.position = aq.section_position
	WHERE aq.invitation_id = ? ORDER BY aq.position, q.id`

func scanAttemptQuestion(r row) (Question, error) {
	var q Question
	var opts, correct, spec, order string
	var created, updated, invitationID int64
	var section SectionMarking
	err := r.Scan(&q.ID, &q.TestID, &q.Position, &q.Kind, &q.Text, &opts, &correct, &q.Points, &q.SectionID, &q.Topic, &q.Difficulty,
		&created, &updated, &spec, &q.SectionPosition, &q.SectionName, &order, &invitationID, &section.Penalty, &section.Floor)
	if err != nil {
		return Question{}, err
	}
	if err := finishQuestion(&q, opts, correct, spec, created, updated); err != nil {
		return Question{}, err
	}
	if order != "" {
		if err := json.Unmarshal([]byte(order), &q.OptionOrder); err != nil {
			return Question{}, fmt.Errorf("store: question %d option order: %w", q.ID, err)
		}
	} else if q.Rules().shuffles(false) && len(q.Options) > 1 {
		q.OptionOrder = seededOrder(invitationID, q)
	}
	section.apply(&q)
	return q, nil
}

// currentQuestion finds a current question's position and whether any
// attempt was given it.
func currentQuestion(ctx context.Context, tx *Tx, testID, id int64) (pos int, used bool, err error) {
	err = tx.QueryRowContext(ctx, `SELECT position, EXISTS (SELECT 1 FROM attempt_questions WHERE question_id = q.id)
		FROM questions q WHERE id = ? AND test_id = ? AND retired_at IS NULL`, id, testID).Scan(&pos, &used)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	return pos, used, err
}

// DeleteQuestion removes a question from the test and closes the gap in
// positions. A question some attempt was given is retired, not deleted:
// those attempts keep it, with their answers and scores.
func (db *DB) DeleteQuestion(ctx context.Context, testID, id int64) error {
	return db.inTx(ctx, func(tx *Tx) error {
		if err := tx.lockTest(ctx, testID); err != nil { // the test\'s structure is edited one change at a time
			return err
		}
		pos, used, err := currentQuestion(ctx, tx, testID, id)
		if err != nil {
			return err
		}
		tx.changedTests()
		if used {
			_, err = tx.ExecContext(ctx, `UPDATE questions SET retired_at = ? WHERE id = ?`, millis(db.Now()), id)
		} else {
			_, err = tx.ExecContext(ctx, `DELETE FROM questions WHERE id = ?`, id)
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE questions SET position = position - 1 WHERE test_id = ? AND position > ? AND retired_at IS NULL`, testID, pos)
		return err
	})
}

// MoveQuestion swaps a question with its neighbour above (up) or below.
// Moving the first question up or the last one down changes nothing.
func (db *DB) MoveQuestion(ctx context.Context, testID, id int64, up bool) error {
	return db.inTx(ctx, func(tx *Tx) error {
		if err := tx.lockTest(ctx, testID); err != nil { // the test\'s structure is edited one change at a time
			return err
		}
		var pos int
		err := tx.QueryRowContext(ctx, `SELECT position FROM questions WHERE id = ? AND test_id = ? AND retired_at IS NULL`, id, testID).Scan(&pos)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		other := pos + 1
		if up {
			other = pos - 1
		}
		tx.changedTests()
		if _, err := tx.ExecContext(ctx, `UPDATE questions SET position = ? WHERE test_id = ? AND position = ? AND retired_at IS NULL`, pos, testID, other); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM questions WHERE test_id = ? AND position = ? AND retired_at IS NULL`, testID, pos).Scan(&n); err != nil {
			return err
		}
		if n < 2 { // no neighbour there: stay put
			return nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE questions SET position = ? WHERE id = ?`, other, id)
		return err
	})
}
