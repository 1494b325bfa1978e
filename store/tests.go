package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// TestKind tells assessments (scored questions) from interviews (text answers).
type TestKind string

const (
	KindAssessment TestKind = "assessment"
	KindInterview  TestKind = "interview"
)

// Valid reports whether k is a known kind.
func (k TestKind) Valid() bool { return k == KindAssessment || k == KindInterview }

// Test is what candidates are invited to take.
type Test struct {
	ID              int64
	Name            string
	Kind            TestKind
	Instructions    string
	DurationMinutes int
	PassingScore    int    // percent
	Bands           []Band // highest first
	Labels          []string
	ArchivedAt      *time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time

	// Filled by list and detail queries.
	QuestionCount int // current questions written in the test
	Given         int // questions a candidate gets (lists only: QuestionsGiven)
	LinkCount     int
	Sectioned     bool // made of sections: what a candidate gets is their draw
	TeamID        int64
	TeamName      string
}

// Archived reports whether the test is archived.
func (t Test) Archived() bool { return t.ArchivedAt != nil }

// TestInput is the editable part of a test.
type TestInput struct {
	Name            string
	Kind            TestKind
	Instructions    string
	DurationMinutes int
	PassingScore    int
	Bands           []Band
	Labels          []string
	// TeamID is the team a new test goes to (0: DefaultTeamID); editing a
	// test does not move it (MoveTest does).
	TeamID int64
}

// Limits on what a test may hold.
const (
	MaxNameLength         = 200
	MaxInstructionsLength = 20000
	MaxDurationMinutes    = 24 * 60
)

// Validate checks the input field by field (keys are the API field names).
func (in TestInput) Validate() FieldErrors {
	fe := FieldErrors{}
	requireText(fe, "name", in.Name, MaxNameLength)
	if !in.Kind.Valid() {
		fe["kind"] = "must be assessment or interview"
	}
	if utf8.RuneCountInString(in.Instructions) > MaxInstructionsLength {
		fe["instructions"] = fmt.Sprintf("must be at most %d characters", MaxInstructionsLength)
	}
	if in.DurationMinutes < 1 || in.DurationMinutes > MaxDurationMinutes {
		fe["durationMinutes"] = fmt.Sprintf("must be between 1 and %d minutes", MaxDurationMinutes)
	}
	if in.PassingScore < 0 || in.PassingScore > 100 {
		fe["passingScore"] = "must be between 0 and 100 (percent)"
	}
	validateBands(fe, in.Bands)
	validateLabels(fe, NormalizeLabels(in.Labels))
	return fe
}

func requireText(fe FieldErrors, field, value string, maxLen int) {
	switch {
	case strings.TrimSpace(value) == "":
		fe[field] = ProblemRequired
	case utf8.RuneCountInString(value) > maxLen:
		fe[field] = fmt.Sprintf("must be at most %d characters", maxLen)
	case strings.ContainsRune(value, 0):
		fe[field] = "must not contain NUL characters"
	}
}

const testColumns = `t.id, t.name, t.kind, t.instructions, t.duration_minutes, t.passing_score, t.bands, t.labels, t.archived_at, t.created_at, t.updated_at,
	(SELECT COUNT(*) FROM questions q WHERE q.test_id = t.id AND q.retired_at IS NULL),
	(SELECT COUNT(*) FROM test_links l WHERE l.test_id = t.id), EXISTS (SELECT 1 FROM test_sections s WHERE s.test_id = t.id), t.team_id,
	COALESCE((SELECT name FROM teams m WHERE m.id = t.team_id), '')`

// candidateTestColumns are testColumns without the link count, which no
// candidate page shows.
const candidateTestColumns = `t.id, t.name, t.kind, t.instructions, t.duration_minutes, t.passing_score, t.bands, t.labels, t.archived_at, t.created_at,
	t.updated_at, (SELECT COUNT(*) FROM questions q WHERE q.test_id = t.id AND q.retired_at IS NULL), 0,
	EXISTS (SELECT 1 FROM test_sections s WHERE s.test_id = t.id), t.team_id, ''`

// testScan holds one row of testColumns while it is scanned.
type testScan struct {
	t                Test
	archived         sql.NullInt64
	bands, labels    string
	created, updated int64
}

func (s *testScan) dest() []any {
	t := &s.t
	return []any{&t.ID, &t.Name, &t.Kind, &t.Instructions, &t.DurationMinutes, &t.PassingScore, &s.bands, &s.labels,
		&s.archived, &s.created, &s.updated, &t.QuestionCount, &t.LinkCount, &t.Sectioned, &t.TeamID, &t.TeamName}
}

func (s *testScan) finish() Test {
	t := s.t
	t.ArchivedAt, t.CreatedAt, t.UpdatedAt = timePtr(s.archived), fromMillis(s.created), fromMillis(s.updated)
	t.Bands = parseBands(s.bands)
	t.Labels = parseLabels(s.labels)
	return t
}

func scanTest(r row) (Test, error) {
	var s testScan
	err := r.Scan(s.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return Test{}, ErrNotFound
	}
	if err != nil {
		return Test{}, err
	}
	return s.finish(), nil
}

// CreateTest stores a test, its questions and its default link in one
// transaction. Question errors are keyed "questions[i].field".
func (db *DB) CreateTest(ctx context.Context, in TestInput, questions []QuestionInput) (Test, error) {
	return db.createTest(ctx, in, questions, nil)
}

// CreateSectionedTest stores a test made of sections, each with its own
// questions, and its default link. Errors are keyed "sections[i].field"
// and "sections[i].questions[j].field".
func (db *DB) CreateSectionedTest(ctx context.Context, in TestInput, sections []SectionInput) (Test, error) {
	if len(sections) == 0 {
		return Test{}, in.Validate().With(FieldErrors{"sections": "must hold at least one section"})
	}
	return db.createTest(ctx, in, nil, sections)
}

func (db *DB) createTest(ctx context.Context, in TestInput, questions []QuestionInput, sections []SectionInput) (Test, error) {
	in.Name = strings.TrimSpace(in.Name)
	fe := in.Validate()
	for i, q := range questions {
		for f, msg := range q.Validate(in.Kind) {
			fe[fmt.Sprintf("questions[%d].%s", i, f)] = msg
		}
	}
	if len(questions) > MaxQuestions {
		fe["questions"] = fmt.Sprintf("must be at most %d", MaxQuestions)
	}
	validateSections(fe, in.Kind, sections)
	if err := fe.orNil(); err != nil {
		return Test{}, err
	}
	var id int64
	err := db.inTx(ctx, func(tx *Tx) error {
		now := millis(db.Now())
		team := cmp.Or(in.TeamID, DefaultTeamID)
		var known int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM teams WHERE id = ?`, team).Scan(&known); err != nil {
			return err
		}
		if known == 0 {
			return FieldErrors{"team": "must be one of the teams"}
		}
		tx.changedTests()
		err := tx.QueryRowContext(ctx, `INSERT INTO tests (name, kind, instructions, duration_minutes, passing_score, bands, labels, created_at, updated_at, team_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			in.Name, in.Kind, in.Instructions, in.DurationMinutes, in.PassingScore, bandsJSON(in.Bands), testLabelsJSON(in.Labels), now, now, team).Scan(&id)
		if err != nil {
			return err
		}
		for i, q := range questions {
			if _, err := insertQuestion(ctx, tx, id, i+1, q, now); err != nil {
				return err
			}
		}
		if err := insertSections(ctx, tx, id, sections, now); err != nil {
			return err
		}
		_, err = insertLink(ctx, tx, id, LinkInput{Name: "Default link"}, true, now)
		return err
	})
	if err != nil {
		return Test{}, err
	}
	return db.Test(ctx, id)
}

// UpdateTest replaces a test's editable fields. A test's kind cannot change
// once it has questions that the other kind does not allow.
func (db *DB) UpdateTest(ctx context.Context, id int64, in TestInput) (Test, error) {
	in.Name = strings.TrimSpace(in.Name)
	if fe := in.Validate(); len(fe) > 0 {
		return Test{}, fe
	}
	err := db.inTx(ctx, func(tx *Tx) error {
		if err := tx.lockTest(ctx, id); err != nil { // its questions are counted for its kind
			return err
		}
		if in.Kind == KindInterview {
			var choice int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM questions WHERE test_id = ? AND kind <> 'text' AND retired_at IS NULL`, id).Scan(&choice); err != nil {
				return err
			}
			if choice > 0 {
				return FieldErrors{"kind": "cannot be interview while the test has choice questions"}
			}
		}
		tx.changedTests()
		res, err := tx.ExecContext(ctx, `UPDATE tests SET name = ?, kind = ?, instructions = ?, duration_minutes = ?, passing_score = ?, bands = ?,
			labels = ?, updated_at = ? WHERE id = ?`, in.Name, in.Kind, in.Instructions, in.DurationMinutes, in.PassingScore, bandsJSON(in.Bands),
			testLabelsJSON(in.Labels), millis(db.Now()), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return Test{}, err
	}
	return db.Test(ctx, id)
}

// Test returns one test with its counts.
func (db *DB) Test(ctx context.Context, id int64) (Test, error) {
	return scanTest(db.queryRow(ctx, `SELECT `+testColumns+` FROM tests t WHERE t.id = ?`, id))
}

// TestFilter narrows the test list.
type TestFilter struct {
	Query    string // substring of the name, case-insensitive
	Archived bool   // archived tests instead of active ones
	Teams    Teams  // nil: every team's
}

// Tests lists tests matching the filter, newest first.
func (db *DB) Tests(ctx context.Context, f TestFilter) ([]Test, error) {
	q := `SELECT ` + testColumns + ` FROM tests t WHERE `
	if f.Archived {
		q += `t.archived_at IS NOT NULL`
	} else {
		q += `t.archived_at IS NULL`
	}
	var args []any
	if s := strings.TrimSpace(f.Query); s != "" {
		q += ` AND LOWER(t.name) LIKE ? ESCAPE '\'`
		args = append(args, "%"+escapeLike(strings.ToLower(s))+"%")
	}
	if cond, targs := f.Teams.cond("t.team_id"); cond != "" {
		q += ` AND ` + cond
		args = append(args, targs...)
	}
	q += ` ORDER BY t.id DESC`
	rows, err := db.query(ctx, q, args...)
	tests, err := collect(rows, err, scanTest)
	if err != nil {
		return nil, err
	}
	return db.withQuestionsGiven(ctx, tests)
}

// escapeLike makes s match literally inside a LIKE pattern.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// SetTestArchived archives or restores a test. Archived tests stay readable
// (their invitations keep working) but leave the active list.
func (db *DB) SetTestArchived(ctx context.Context, id int64, archived bool) error {
	now := millis(db.Now())
	var at sql.NullInt64
	if archived {
		at = sql.NullInt64{Int64: now, Valid: true}
	}
	res, err := db.execChangingTests(ctx, `UPDATE tests SET archived_at = ?, updated_at = ? WHERE id = ?`, at, now, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
