package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Changing a test's sections from the console. Attempts already started
// keep their papers; the next starts draw from the sections as they are.

// SectionSettings are a section's own settings, without its questions.
type SectionSettings struct {
	Name             string
	Draw             int
	ShuffleQuestions bool
	ShuffleOptions   bool
	TimeLimit        int // minutes; 0: none
	Marking          SectionMarking
}

func (in SectionSettings) validate() FieldErrors {
	fe := FieldErrors{}
	if in.TimeLimit < 0 || in.TimeLimit > MaxDurationMinutes {
		fe["timeLimitMinutes"] = fmt.Sprintf("must be between 1 and %d minutes, or none", MaxDurationMinutes)
	}
	if utf8.RuneCountInString(in.Name) > MaxNameLength {
		fe["name"] = fmt.Sprintf("must be at most %d characters", MaxNameLength)
	}
	if in.Draw < 0 {
		fe["draw"] = "must be a positive number of questions"
	}
	in.Marking.validate(fe, "")
	return fe
}

// AddSection appends a section to a test. A test's first section takes
// the questions the test already has.
func (db *DB) AddSection(ctx context.Context, testID int64, in SectionSettings) (Section, error) {
	if err := in.validate().orNil(); err != nil {
		return Section{}, err
	}
	var id int64
	err := db.inTx(ctx, func(tx *Tx) error {
		if err := tx.lockTest(ctx, testID); err != nil { // the test\'s structure is edited one change at a time
			return err
		}
		if _, err := testKindTx(ctx, tx, testID); err != nil {
			return err
		}
		var count, questions int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM test_sections WHERE test_id = ?),
				(SELECT COUNT(*) FROM questions WHERE test_id = ? AND retired_at IS NULL)`, testID, testID).Scan(&count, &questions); err != nil {
			return err
		}
		if count >= MaxSections {
			return FieldErrors{"name": fmt.Sprintf("a test holds at most %d sections", MaxSections)}
		}
		if count == 0 && in.Draw > questions {
			return FieldErrors{"draw": fmt.Sprintf("asks for %d questions but the section has %d", in.Draw, questions)}
		}
		if count > 0 && in.Draw > 0 {
			return FieldErrors{"draw": "asks for questions the new section does not have yet: add them first"}
		}
		now := millis(db.Now())
		tx.changedTests()
		if err := tx.QueryRowContext(ctx, `INSERT INTO test_sections (test_id, position, name, draw_count, shuffle_questions,
				shuffle_options, time_limit_minutes, created_at, updated_at, penalty, mark_floor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			testID, count+1, strings.TrimSpace(in.Name), nullPositive(in.Draw), boolInt(in.ShuffleQuestions), boolInt(in.ShuffleOptions),
			nullPositive(in.TimeLimit), now, now, in.Marking.Penalty, in.Marking.Floor).Scan(&id); err != nil {
			return err
		}
		if count == 0 {
			_, err := tx.ExecContext(ctx, `UPDATE questions SET section_id = ? WHERE test_id = ? AND retired_at IS NULL`, id, testID)
			return err
		}
		return nil
	})
	if err != nil {
		return Section{}, err
	}
	return db.section(ctx, testID, id)
}

func (db *DB) section(ctx context.Context, testID, id int64) (Section, error) {
	sections, err := db.Sections(ctx, testID)
	if err != nil {
		return Section{}, err
	}
	for _, s := range sections {
		if s.ID == id {
			return s, nil
		}
	}
	return Section{}, ErrNotFound
}

// sectionOf checks that a section belongs to the test.
func sectionOf(ctx context.Context, tx *Tx, testID, sectionID int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM test_sections WHERE id = ? AND test_id = ?`, sectionID, testID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// UpdateSection changes a section's name, draw and shuffling; a draw of
// more than the section holds is refused with both numbers.
func (db *DB) UpdateSection(ctx context.Context, testID, sectionID int64, in SectionSettings) (Section, error) {
	if err := in.validate().orNil(); err != nil {
		return Section{}, err
	}
	err := db.inTx(ctx, func(tx *Tx) error {
		if err := tx.lockTest(ctx, testID); err != nil { // the test\'s structure is edited one change at a time
			return err
		}
		if err := sectionOf(ctx, tx, testID, sectionID); err != nil {
			return err
		}
		var fixed int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM questions WHERE section_id = ? AND retired_at IS NULL) +
				(SELECT COUNT(*) FROM section_picks p JOIN bank_questions b ON b.id = p.bank_question_id
					WHERE p.section_id = ? AND b.archived_at IS NULL)`, sectionID, sectionID).Scan(&fixed); err != nil {
			return err
		}
		if in.Draw > fixed {
			return FieldErrors{"draw": fmt.Sprintf("asks for %d questions but the section has %d", in.Draw, fixed)}
		}
		tx.changedTests()
		_, err := tx.ExecContext(ctx, `UPDATE test_sections SET name = ?, draw_count = ?, shuffle_questions = ?, shuffle_options = ?,
			time_limit_minutes = ?, updated_at = ?, penalty = ?, mark_floor = ? WHERE id = ?`, strings.TrimSpace(in.Name), nullPositive(in.Draw),
			boolInt(in.ShuffleQuestions), boolInt(in.ShuffleOptions), nullPositive(in.TimeLimit), millis(db.Now()), in.Marking.Penalty,
			in.Marking.Floor, sectionID)
		return err
	})
	if err != nil {
		return Section{}, err
	}
	return db.section(ctx, testID, sectionID)
}

// AddRule adds a draw rule to a section, refused (with the numbers) when
// the bank cannot fill it.
func (db *DB) AddRule(ctx context.Context, testID, sectionID int64, r SectionRule) error {
	fe := FieldErrors{}
	switch {
	case r.Count < 1:
		fe["count"] = "must be at least 1"
	case !r.Difficulty.Valid():
		fe["difficulty"] = "must be easy, medium or hard"
	}
	if err := fe.orNil(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *Tx) error {
		if err := tx.lockTest(ctx, testID); err != nil { // the test\'s structure is edited one change at a time
			return err
		}
		if err := sectionOf(ctx, tx, testID, sectionID); err != nil {
			return err
		}
		matching, err := countMatching(ctx, tx, sectionID, r)
		if err != nil {
			return err
		}
		if matching < r.Count {
			return FieldErrors{"count": fmt.Sprintf("asks for %d questions of %s but the bank has %d", r.Count, RuleWords(r), matching)}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO section_rules (section_id, position, topic, difficulty, count)
			VALUES (?, (SELECT COALESCE(MAX(position), 0) + 1 FROM section_rules WHERE section_id = ?), ?, ?, ?)`,
			sectionID, sectionID, strings.TrimSpace(r.Topic), r.Difficulty, r.Count)
		return err
	})
}

// RemoveRule removes a section's rule by its place in the list (1-based).
func (db *DB) RemoveRule(ctx context.Context, testID, sectionID int64, n int) error {
	return db.inTx(ctx, func(tx *Tx) error {
		if err := tx.lockTest(ctx, testID); err != nil { // the test\'s structure is edited one change at a time
			return err
		}
		if err := sectionOf(ctx, tx, testID, sectionID); err != nil {
			return err
		}
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM section_rules WHERE section_id = ? ORDER BY position LIMIT 1 OFFSET ?`,
			sectionID, n-1).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) || n < 1 {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM section_rules WHERE id = ?`, id)
		return err
	})
}

// PickBankQuestions adds bank questions to a section's own questions;
// questions already picked or archived are left out. It returns how many
// it added.
func (db *DB) PickBankQuestions(ctx context.Context, testID, sectionID int64, bankIDs []int64) (int, error) {
	added := 0
	err := db.inTx(ctx, func(tx *Tx) error {
		if err := tx.lockTest(ctx, testID); err != nil { // the test\'s structure is edited one change at a time
			return err
		}
		if err := sectionOf(ctx, tx, testID, sectionID); err != nil {
			return err
		}
		for _, id := range bankIDs {
			res, err := tx.ExecContext(ctx, `INSERT INTO section_picks (section_id, bank_question_id, position)
				SELECT ?, b.id, (SELECT COALESCE(MAX(position), 0) + 1 FROM section_picks WHERE section_id = ?)
				FROM bank_questions b WHERE b.id = ? AND b.archived_at IS NULL AND `+bankOfSection+`
				ON CONFLICT DO NOTHING`, sectionID, sectionID, id, sectionID)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			added += int(n)
		}
		return nil
	})
	return added, err
}

// UnpickBankQuestion takes a bank question out of a section.
func (db *DB) UnpickBankQuestion(ctx context.Context, testID, sectionID, bankID int64) error {
	return db.inTx(ctx, func(tx *Tx) error {
		if err := tx.lockTest(ctx, testID); err != nil { // the test\'s structure is edited one change at a time
			return err
		}
		if err := sectionOf(ctx, tx, testID, sectionID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM section_picks WHERE section_id = ? AND bank_question_id = ?`, sectionID, bankID)
		return err
	})
}

// SectionPicks are the bank questions picked into a section, in order.
func (db *DB) SectionPicks(ctx context.Context, sectionID int64) ([]BankQuestion, error) {
	rows, err := db.query(ctx, `SELECT `+bankColumns+` FROM section_picks p JOIN bank_questions b ON b.id = p.bank_question_id
		WHERE p.section_id = ? ORDER BY p.position`, sectionID)
	return collect(rows, err, scanBankQuestion)
}
