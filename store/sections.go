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
	TimeLimit        int // minutes of its own (0: none); the test then goes section by section
	Marking          SectionMarking
	QuestionCount    int // current questions written in the section
	PickCount        int // bank questions picked into it (not archived)
	Rules            []SectionRule
}

// SectionRule draws Count questions of a topic and a difficulty from the
// bank (an empty topic or difficulty matches any).
type SectionRule struct {
	Topic      string
	Difficulty Difficulty
	Count      int
	// Matching is how many bank questions match it now.
	Matching int
}

// Fixed is how many questions the section holds itself: written in it or
// picked from the bank.
func (s Section) Fixed() int { return s.QuestionCount + s.PickCount }

// Gets is how many questions a candidate gets from the section: all its
// own (or Draw of them) and what its rules draw from the bank.
func (s Section) Gets() int {
	n := s.Fixed()
	if s.Draw > 0 && s.Draw < n {
		n = s.Draw
	}
	for _, r := range s.Rules {
		n += min(r.Count, r.Matching)
	}
	return n
}

// Short reports whether a rule cannot be filled from the bank as it is now
// (questions archived since the test was saved).
func (r SectionRule) Short() bool { return r.Matching < r.Count }

// SectionInput is a section as a test is created with it.
type SectionInput struct {
	Name             string
	Draw             int
	ShuffleQuestions bool
	ShuffleOptions   bool
	TimeLimit        int
	Marking          SectionMarking
	Questions        []QuestionInput
	Picks            []int64 // bank questions picked into the section
	Rules            []SectionRule
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
		if s.TimeLimit < 0 || s.TimeLimit > MaxDurationMinutes {
			fe[key+".timeLimitMinutes"] = fmt.Sprintf("must be between 1 and %d minutes, or none", MaxDurationMinutes)
		}
		s.Marking.validate(fe, key+".")
		fixed := len(s.Questions) + len(s.Picks)
		switch {
		case fixed == 0 && len(s.Rules) == 0:
			fe[key+".questions"] = "must hold at least one question, picked question or rule"
		case s.Draw < 0:
			fe[key+".draw"] = "must be a positive number of questions"
		case s.Draw > fixed:
			fe[key+".draw"] = fmt.Sprintf("asks for %d questions but the section has %d", s.Draw, fixed)
		}
		for k, r := range s.Rules {
			switch {
			case r.Count < 1:
				fe[fmt.Sprintf("%s.rules[%d].count", key, k)] = "must be at least 1"
			case !r.Difficulty.Valid():
				fe[fmt.Sprintf("%s.rules[%d].difficulty", key, k)] = "must be easy, medium or hard"
			}
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
		tx.changedTests()
		if err := tx.QueryRowContext(ctx, `INSERT INTO test_sections (test_id, position, name, draw_count, shuffle_questions,
				shuffle_options, time_limit_minutes, created_at, updated_at, penalty, mark_floor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			testID, i+1, strings.TrimSpace(s.Name), nullPositive(s.Draw), boolInt(s.ShuffleQuestions), boolInt(s.ShuffleOptions),
			nullPositive(s.TimeLimit), now, now, s.Marking.Penalty, s.Marking.Floor).Scan(&id); err != nil {
			return err
		}
		for _, q := range s.Questions {
			position++
			q.SectionID = id
			if _, err := insertQuestion(ctx, tx, testID, position, q, now); err != nil {
				return err
			}
		}
		if err := insertPicksAndRules(ctx, tx, i, id, s); err != nil {
			return err
		}
	}
	return nil
}

// insertPicksAndRules keeps a section's bank picks and rules, refusing a
// pick that is not in the bank and a rule the bank cannot fill, with the
// numbers, so no candidate ever meets a short section.
func insertPicksAndRules(ctx context.Context, tx *Tx, i int, sectionID int64, s SectionInput) error {
	fe := FieldErrors{}
	key := fmt.Sprintf("sections[%d]", i)
	for j, bankID := range s.Picks {
		res, err := tx.ExecContext(ctx, `INSERT INTO section_picks (section_id, bank_question_id, position)
			SELECT ?, b.id, ? FROM bank_questions b WHERE b.id = ? AND b.archived_at IS NULL AND `+bankOfSection+`
			ON CONFLICT DO NOTHING`, sectionID, j+1, bankID, sectionID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			fe[fmt.Sprintf("%s.picks[%d]", key, j)] = fmt.Sprintf("bank question %d is not in the team's or the organisation's bank (or picked twice)", bankID)
		}
	}
	for k, r := range s.Rules {
		matching, err := countMatching(ctx, tx, sectionID, r)
		if err != nil {
			return err
		}
		if matching < r.Count {
			fe[fmt.Sprintf("%s.rules[%d].count", key, k)] = fmt.Sprintf("asks for %d questions of %s but the bank has %d",
				r.Count, RuleWords(r), matching)
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO section_rules (section_id, position, topic, difficulty, count) VALUES (?, ?, ?, ?, ?)`,
			sectionID, k+1, strings.TrimSpace(r.Topic), r.Difficulty, r.Count); err != nil {
			return err
		}
	}
	return fe.orNil()
}

// countMatching counts the bank questions a rule may draw: matching, not
// archived, not picked into the section already.
func countMatching(ctx context.Context, tx reader, sectionID int64, r SectionRule) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM bank_questions b WHERE b.archived_at IS NULL
		AND (? = '' OR b.topic = ?) AND (? = '' OR b.difficulty = ?) AND `+bankOfSection+`
		AND b.id NOT IN (SELECT bank_question_id FROM section_picks WHERE section_id = ?)`,
		strings.TrimSpace(r.Topic), strings.TrimSpace(r.Topic), r.Difficulty, r.Difficulty, sectionID, sectionID).Scan(&n)
	return n, err
}

// RuleWords names what a rule draws: "topic “go”, medium".
func RuleWords(r SectionRule) string {
	var parts []string
	if t := strings.TrimSpace(r.Topic); t != "" {
		parts = append(parts, "topic “"+t+"”")
	} else {
		parts = append(parts, "any topic")
	}
	if r.Difficulty != "" {
		parts = append(parts, string(r.Difficulty))
	} else {
		parts = append(parts, "any difficulty")
	}
	return strings.Join(parts, ", ")
}

const sectionColumns = `s.id, s.test_id, s.position, s.name, COALESCE(s.draw_count, 0), s.shuffle_questions, s.shuffle_options,
	COALESCE(s.time_limit_minutes, 0), s.penalty, s.mark_floor,
	(SELECT COUNT(*) FROM questions q WHERE q.section_id = s.id AND q.retired_at IS NULL),
	(SELECT COUNT(*) FROM section_picks p JOIN bank_questions b ON b.id = p.bank_question_id
		WHERE p.section_id = s.id AND b.archived_at IS NULL)`

func scanSection(r row) (Section, error) {
	var s Section
	err := r.Scan(&s.ID, &s.TestID, &s.Position, &s.Name, &s.Draw, &s.ShuffleQuestions, &s.ShuffleOptions, &s.TimeLimit,
		&s.Marking.Penalty, &s.Marking.Floor, &s.QuestionCount, &s.PickCount)
	return s, err
}

// Sections are a test's sections in order, with their rules and how many
// bank questions each rule matches now; none for a test without.
func (db *DB) Sections(ctx context.Context, testID int64) ([]Section, error) {
	return sectionsOf(ctx, dbReader{db}, testID, true)
}

// reader is what reading sections needs: a transaction or the database.
type reader interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) row
}

// dbReader reads through the database's cached statements.
type dbReader struct{ db *DB }

func (r dbReader) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return r.db.query(ctx, query, args...)
}

func (r dbReader) QueryRowContext(ctx context.Context, query string, args ...any) row {
	return r.db.queryRow(ctx, query, args...)
}

// sectionsTx reads a test's sections for a draw, without counting what
// each rule matches: the draw reads the pools themselves.
func sectionsTx(ctx context.Context, tx *Tx, testID int64) ([]Section, error) {
	return sectionsOf(ctx, tx, testID, false)
}

func sectionsOf(ctx context.Context, tx reader, testID int64, matching bool) ([]Section, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+sectionColumns+` FROM test_sections s WHERE s.test_id = ? ORDER BY s.position`, testID)
	sections, err := collect(rows, err, scanSection)
	if err != nil {
		return nil, err
	}
	for i := range sections {
		rows, err := tx.QueryContext(ctx, `SELECT topic, difficulty, count FROM section_rules WHERE section_id = ? ORDER BY position`,
			sections[i].ID)
		rules, err := collect(rows, err, func(r row) (SectionRule, error) {
			var sr SectionRule
			return sr, r.Scan(&sr.Topic, &sr.Difficulty, &sr.Count)
		})
		if err != nil {
			return nil, err
		}
		for k := 0; matching && k < len(rules); k++ {
			if rules[k].Matching, err = countMatching(ctx, tx, sections[i].ID, rules[k]); err != nil {
				return nil, err
			}
		}
		sections[i].Rules = rules
	}
	return sections, nil
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
		case q.Rules().Reviewed():
			s.Pending++
		}
	}
	return out
}
