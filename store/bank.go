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

// BankQuestion is a question of a bank: a team's, whose tests pick it
// into a section or draw it by topic and difficulty, or the
// organisation's (TeamID nil), which admins keep and every team's tests
// draw from.
type BankQuestion struct {
	ID         int64
	TeamID     *int64
	TeamName   string // "" for the organisation's bank
	Kind       QuestionKind
	Text       string
	Options    []string
	Correct    []int
	Points     int
	Spec       QuestionSpec
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
	return Question{Kind: b.Kind, Text: b.Text, Options: b.Options, Correct: b.Correct, Points: b.Points, Spec: b.Spec, Topic: b.Topic,
		Difficulty: b.Difficulty, BankQuestionID: b.ID, BankVersion: b.Version}
}

const bankColumns = `b.id, b.team_id, COALESCE((SELECT m.name FROM teams m WHERE m.id = b.team_id), ''), b.kind, b.body, b.options,
	b.correct, b.points, b.topic, b.difficulty, b.version, b.archived_at, b.created_at, b.updated_at, b.spec`

// bankOfSection keeps, in a query over "bank_questions b", the questions a
// section's test may use: its team's and the organisation's. Its one
// argument is the section's id.
const bankOfSection = `(b.team_id IS NULL OR b.team_id = (SELECT t.team_id FROM test_sections ts JOIN tests t ON t.id = ts.test_id WHERE ts.id = ?))`

func scanBankQuestion(r row) (BankQuestion, error) {
	var b BankQuestion
	var opts, correct, spec string
	var archived, team sql.NullInt64
	var created, updated int64
	err := r.Scan(&b.ID, &team, &b.TeamName, &b.Kind, &b.Text, &opts, &correct, &b.Points, &b.Topic, &b.Difficulty, &b.Version, &archived, &created, &updated,
		&spec)
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
	if err := parseSpec(b.ID, spec, &b.Spec); err != nil {
		return b, err
	}
	b.ArchivedAt, b.CreatedAt, b.UpdatedAt = timePtr(archived), fromMillis(created), fromMillis(updated)
	if team.Valid {
		b.TeamID = &team.Int64
	}
	return b, nil
}

// MaxBankQuestions bounds the bank.
const MaxBankQuestions = 100_000

// AddBankQuestions adds questions to the bank in one transaction: all or
// none. Errors are keyed "questions[i].field" when there are several.
func (db *DB) AddBankQuestions(ctx context.Context, in []QuestionInput) ([]int64, error) {
	return db.AddBankQuestionsTo(ctx, nil, in)
}

// AddBankQuestionsTo adds questions to a team's bank (nil: the
// organisation's), as AddBankQuestions does.
func (db *DB) AddBankQuestionsTo(ctx context.Context, team *int64, in []QuestionInput) ([]int64, error) {
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
		if err := tx.lockKeys(ctx, "bank"); err != nil { // the bank's size is counted, then added to
			return err
		}
		var count int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM bank_questions`).Scan(&count); err != nil {
			return err
		}
		if count+len(in) > MaxBankQuestions {
			return FieldErrors{"questions": fmt.Sprintf("the bank holds at most %d questions", MaxBankQuestions)}
		}
		if team != nil {
			var known int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM teams WHERE id = ?`, *team).Scan(&known); err != nil {
				return err
			}
			if known == 0 {
				return FieldErrors{"team": "must be one of the teams"}
			}
		}
		now := millis(db.Now())
		for _, q := range in {
			q = q.normalized()
			opts, _ := json.Marshal(q.Options)
			correct, _ := json.Marshal(q.Correct)
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO bank_questions (kind, body, options, correct, points, topic, difficulty,
					created_at, updated_at, team_id, spec) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				q.Kind, q.Text, string(opts), string(correct), q.Points, q.Topic, q.Difficulty, now, now, nullID(team), q.Spec.json()).Scan(&id); err != nil {
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
		difficulty = ?, version = version + 1, updated_at = ?, spec = ? WHERE id = ?`,
		in.Kind, in.Text, string(opts), string(correct), in.Points, in.Topic, in.Difficulty, millis(db.Now()), in.Spec.json(), id)
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
	// Teams whose banks are listed, with the organisation's (nil: every
	// bank).
	Teams Teams
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
	if cond, targs := f.Teams.cond("b.team_id"); cond != "" {
		conds, args = append(conds, "(b.team_id IS NULL OR "+cond+")"), append(args, targs...)
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

// BankTopics are the topics of the banks the teams see, for filters.
func (db *DB) BankTopics(ctx context.Context, teams Teams) ([]string, error) {
	where, args := BankFilter{Teams: teams}.where()
	rows, err := db.query(ctx, `SELECT DISTINCT b.topic FROM bank_questions b`+where+` AND b.topic <> '' ORDER BY b.topic`, args...)
	return collect(rows, err, func(r row) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
}

// nullID is an optional id as a column value.
func nullID(id *int64) sql.NullInt64 {
	if id == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: *id, Valid: true}
}

// ErrBankKeptByAdmins refuses a change to the organisation's bank by one
// who does not keep it.
var ErrBankKeptByAdmins = errors.New("store: the organisation's bank is kept by admins")

// BankQuestionIn is a bank question as one who reaches teams (nil: every
// team) sees it: another team's is ErrNotFound; the organisation's may be
// read by all, and changed (change) only by one who keeps it.
func (db *DB) BankQuestionIn(ctx context.Context, id int64, teams Teams, change, keepsOrgBank bool) (BankQuestion, error) {
	b, err := db.BankQuestion(ctx, id)
	switch {
	case err != nil:
		return b, err
	case b.TeamID != nil && !teams.Has(*b.TeamID):
		return BankQuestion{}, ErrNotFound
	case b.TeamID == nil && change && teams != nil && !keepsOrgBank:
		return b, ErrBankKeptByAdmins
	}
	return b, nil
}
