package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// BankQuestion is a question of the bank: any test can pick it into a
// section or draw it by topic and difficulty.
type BankQuestion struct {
	ID         int64
	Kind       QuestionKind
	Text       string
	Options    []string
	Correct    []int
	Points     int
	Topic      string
	Difficulty Difficulty
	Version    int // counts the edits; attempts keep the version they were given
	ArchivedAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
	UsedBy     int // tests that picked it or gave it to a candidate
}

// asQuestion is the bank question as a test's question, for the draw.
func (b BankQuestion) asQuestion() Question {
	return Question{Kind: b.Kind, Text: b.Text, Options: b.Options, Correct: b.Correct, Points: b.Points, Topic: b.Topic,
		Difficulty: b.Difficulty, BankQuestionID: b.ID, BankVersion: b.Version}
}

const bankColumns = `b.id, b.kind, b.body, b.options, b.correct, b.points, b.topic, b.difficulty, b.version, b.archived_at,
	b.created_at, b.updated_at`

func scanBankQuestion(r row) (BankQuestion, error) {
	var b BankQuestion
	var opts, correct string
	var archived sql.NullInt64
	var created, updated int64
	err := r.Scan(&b.ID, &b.Kind, &b.Text, &opts, &correct, &b.Points, &b.Topic, &b.Difficulty, &b.Version, &archived, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return b, ErrNotFound
	}
	if err != nil {
		return b, err
	}
	if err := json.Unmarshal([]byte(opts), &b.Options); err != nil {
		return b, fmt.Errorf("store: bank question %d options: %w", b.ID, err)
	}
	if err := json.Unmarshal([]byte(correct), &b.Correct); err != nil {
		return b, fmt.Errorf("store: bank question %d correct: %w", b.ID, err)
	}
	b.ArchivedAt, b.CreatedAt, b.UpdatedAt = timePtr(archived), fromMillis(created), fromMillis(updated)
	return b, nil
}

// MaxBankQuestions bounds the bank.
const MaxBankQuestions = 100_000

// AddBankQuestions adds questions to the bank in one transaction: all or
// none. Errors are keyed "questions[i].field" when there are several.
func (db *DB) AddBankQuestions(ctx context.Context, in []QuestionInput) ([]int64, error) {
	fe := FieldErrors{}
	for i, q := range in {
		for f, msg := range q.Validate(KindAssessment) {
			if len(in) == 1 {
				fe[f] = msg
			} else {
				fe[fmt.Sprintf("questions[%d].%s", i, f)] = msg
			}
		}
	}
	if err := fe.orNil(); err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(in))
	err := db.inTx(ctx, func(tx *Tx) error {
		var count int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM bank_questions`).Scan(&count); err != nil {
			return err
		}
		if count+len(in) > MaxBankQuestions {
			return FieldErrors{"questions": fmt.Sprintf("the bank holds at most %d questions", MaxBankQuestions)}
		}
		now := millis(db.Now())
		for _, q := range in {
			q = q.normalized()
			opts, _ := json.Marshal(q.Options)
			correct, _ := json.Marshal(q.Correct)
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO bank_questions (kind, body, options, correct, points, topic, difficulty,
					created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				q.Kind, q.Text, string(opts), string(correct), q.Points, q.Topic, q.Difficulty, now, now).Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	return ids, err
}

// UpdateBankQuestion replaces a bank question. Attempts that were given it
// keep the version they answered; later draws give the new one.
func (db *DB) UpdateBankQuestion(ctx context.Context, id int64, in QuestionInput) (BankQuestion, error) {
	if err := in.Validate(KindAssessment).orNil(); err != nil {
		return BankQuestion{}, err
	}
	in = in.normalized()
	opts, _ := json.Marshal(in.Options)
	correct, _ := json.Marshal(in.Correct)
	res, err := db.execUncached(ctx, `UPDATE bank_questions SET kind = ?, body = ?, options = ?, correct = ?, points = ?, topic = ?,
		difficulty = ?, version = version + 1, updated_at = ? WHERE id = ?`,
		in.Kind, in.Text, string(opts), string(correct), in.Points, in.Topic, in.Difficulty, millis(db.Now()), id)
	if err != nil {
		return BankQuestion{}, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return BankQuestion{}, ErrNotFound
	}
	return db.BankQuestion(ctx, id)
}

// SetBankQuestionArchived takes a question out of the bank (no longer
// picked or drawn; attempts keep it) or puts it back.
func (db *DB) SetBankQuestionArchived(ctx context.Context, id int64, archived bool) error {
	var at any
	if archived {
		at = millis(db.Now())
	}
	res, err := db.execUncached(ctx, `UPDATE bank_questions SET archived_at = ?, updated_at = ? WHERE id = ?`, at, millis(db.Now()), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// BankQuestion returns one bank question with the number of tests using it.
func (db *DB) BankQuestion(ctx context.Context, id int64) (BankQuestion, error) {
	b, err := scanBankQuestion(db.queryRow(ctx, `SELECT `+bankColumns+` FROM bank_questions b WHERE b.id = ?`, id))
	if err != nil {
		return b, err
	}
	err = db.queryRow(ctx, `SELECT COUNT(DISTINCT test_id) FROM (
			SELECT s.test_id FROM section_picks p JOIN test_sections s ON s.id = p.section_id WHERE p.bank_question_id = ?
			UNION ALL SELECT test_id FROM questions WHERE bank_question_id = ?) uses`, id, id).Scan(&b.UsedBy)
	return b, err
}

// BankFilter narrows the bank.
type BankFilter struct {
	Topic      string
	Difficulty Difficulty
	Query      string // part of the text, case-insensitive
	Archived   bool
	Limit      int // 0: 100
	Offset     int
}

func (f BankFilter) where() (string, []any) {
	conds, args := []string{"b.archived_at IS NULL"}, []any{}
	if f.Archived {
		conds[0] = "b.archived_at IS NOT NULL"
	}
	if f.Topic != "" {
		conds, args = append(conds, "b.topic = ?"), append(args, f.Topic)
	}
	if f.Difficulty != "" {
		conds, args = append(conds, "b.difficulty = ?"), append(args, f.Difficulty)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		conds, args = append(conds, `b.body LIKE ? ESCAPE '\'`), append(args, "%"+escapeLike(q)+"%")
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// BankQuestions lists the bank, newest first, and how many match.
func (db *DB) BankQuestions(ctx context.Context, f BankFilter) ([]BankQuestion, int, error) {
	where, args := f.where()
	var total int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM bank_questions b`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	rows, err := db.query(ctx, `SELECT `+bankColumns+` FROM bank_questions b`+where+` ORDER BY b.id DESC LIMIT ? OFFSET ?`,
		append(args, limit, f.Offset)...)
	list, err := collect(rows, err, scanBankQuestion)
	return list, total, err
}

// BankTopics are the topics of the bank's questions, for filters.
func (db *DB) BankTopics(ctx context.Context) ([]string, error) {
	rows, err := db.query(ctx, `SELECT DISTINCT topic FROM bank_questions WHERE archived_at IS NULL AND topic <> '' ORDER BY topic`)
	return collect(rows, err, func(r row) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
}
