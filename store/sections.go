package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Section is one part of a test: its own questions, all of them or a
// number drawn at random for each candidate, in the written order or
// shuffled, with options as written or shuffled.
type Section struct {
	ID               int64
	TestID           int64
	Position         int
	Name             string
	Draw             int // questions each candidate gets; 0: all of them
	ShuffleQuestions bool
	ShuffleOptions   bool
	QuestionCount    int // current questions in the section
}

// Gets is how many questions a candidate gets from the section.
func (s Section) Gets() int {
	if s.Draw > 0 && s.Draw < s.QuestionCount {
		return s.Draw
	}
	return s.QuestionCount
}

// SectionInput is a section as a test is created with it.
type SectionInput struct {
	Name             string
	Draw             int
	ShuffleQuestions bool
	ShuffleOptions   bool
	Questions        []QuestionInput
}

// MaxSections bounds the sections of a test.
const MaxSections = 20

// validateSections checks sections field by field, keyed as the native
// API names them ("sections[1].draw"); a draw larger than its section is
// refused with both numbers, so no candidate ever meets it.
func validateSections(fe FieldErrors, kind TestKind, sections []SectionInput) {
	if len(sections) > MaxSections {
		fe["sections"] = fmt.Sprintf("must be at most %d", MaxSections)
		return
	}
	total := 0
	for i, s := range sections {
		key := fmt.Sprintf("sections[%d]", i)
		if utf8.RuneCountInString(s.Name) > MaxNameLength {
			fe[key+".name"] = fmt.Sprintf("must be at most %d characters", MaxNameLength)
		}
		switch {
		case len(s.Questions) == 0:
			fe[key+".questions"] = "must hold at least one question"
		case s.Draw < 0:
			fe[key+".draw"] = "must be a positive number of questions"
		case s.Draw > len(s.Questions):
			fe[key+".draw"] = fmt.Sprintf("asks for %d questions but the section has %d", s.Draw, len(s.Questions))
		}
		for j, q := range s.Questions {
			for f, msg := range q.Validate(kind) {
				fe[fmt.Sprintf("%s.questions[%d].%s", key, j, f)] = msg
			}
		}
		total += len(s.Questions)
	}
	if total > MaxQuestions {
		fe["sections"] = fmt.Sprintf("must hold at most %d questions in all", MaxQuestions)
	}
}

func insertSections(ctx context.Context, tx *Tx, testID int64, sections []SectionInput, now int64) error {
	position := 0
	for i, s := range sections {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO test_sections (test_id, position, name, draw_count, shuffle_questions,
				shuffle_options, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			testID, i+1, strings.TrimSpace(s.Name), nullPositive(s.Draw), boolInt(s.ShuffleQuestions), boolInt(s.ShuffleOptions),
			now, now).Scan(&id); err != nil {
			return err
		}
		for _, q := range s.Questions {
			position++
			q.SectionID = id
			if _, err := insertQuestion(ctx, tx, testID, position, q, now); err != nil {
				return err
			}
		}
	}
	return nil
}

const sectionColumns = `s.id, s.test_id, s.position, s.name, COALESCE(s.draw_count, 0), s.shuffle_questions, s.shuffle_options,
	(SELECT COUNT(*) FROM questions q WHERE q.section_id = s.id AND q.retired_at IS NULL)`

func scanSection(r row) (Section, error) {
	var s Section
	err := r.Scan(&s.ID, &s.TestID, &s.Position, &s.Name, &s.Draw, &s.ShuffleQuestions, &s.ShuffleOptions, &s.QuestionCount)
	return s, err
}

// Sections are a test's sections in order; none for a test without.
func (db *DB) Sections(ctx context.Context, testID int64) ([]Section, error) {
	rows, err := db.query(ctx, `SELECT `+sectionColumns+` FROM test_sections s WHERE s.test_id = ? ORDER BY s.position`, testID)
	return collect(rows, err, scanSection)
}

func sectionsTx(ctx context.Context, tx *Tx, testID int64) ([]Section, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+sectionColumns+` FROM test_sections s WHERE s.test_id = ? ORDER BY s.position`, testID)
	return collect(rows, err, scanSection)
}

// sectionFor is the section a question goes in: the one asked for (which
// must be the test's), else the question's current one, else the test's
// last; 0 for a test without sections.
func sectionFor(ctx context.Context, tx *Tx, testID, questionID, asked int64) (int64, error) {
	if asked > 0 {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM test_sections WHERE id = ? AND test_id = ?`, asked, testID).Scan(&n); err != nil {
			return 0, err
		}
		if n == 0 {
			return 0, FieldErrors{"sectionId": "is not a section of this test"}
		}
		return asked, nil
	}
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT section_id FROM questions WHERE id = ? AND test_id = ?),
			(SELECT id FROM test_sections WHERE test_id = ? ORDER BY position DESC LIMIT 1), 0)`,
		questionID, testID, testID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// SectionScore is what an attempt scored in one section.
type SectionScore struct {
	Name     string
	Score    int
	MaxScore int
	Pending  int // written answers not graded yet
	// QuestionIDs are the section's questions on the paper, in order.
	QuestionIDs []int64
}

// ScoreSections adds up an attempt's points per section, in the order of
// its paper; a test without sections is one unnamed section.
func ScoreSections(questions []Question, answers map[int64]Answer) []SectionScore {
	var out []SectionScore
	last := -1
	for _, q := range questions {
		if len(out) == 0 || q.SectionPosition != last {
			out = append(out, SectionScore{Name: q.SectionName})
			last = q.SectionPosition
		}
		s := &out[len(out)-1]
		s.QuestionIDs = append(s.QuestionIDs, q.ID)
		s.MaxScore += q.Points
		switch a, ok := answers[q.ID]; {
		case ok && a.Points != nil:
			s.Score += *a.Points
		case q.Kind == QuestionText:
			s.Pending++
		}
	}
	return out
}
