package store

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"time"
)

// The draw: each candidate's paper, made once when they start, from a
// seed kept with the attempt. The same seed and the same questions give
// the same paper, so a draw can be reproduced; reloads, autosave, scoring
// and the report read the paper as it was stored.

// PaperItem is one question of a paper: where it came from and the order
// its options are shown in (nil: as written).
type PaperItem struct {
	Question    Question
	Section     Section
	OptionOrder []int
}

// SectionDraw is what a section's draw chooses from: its own questions
// (written in it, then picked from the bank) and, per rule, the bank
// questions the rule matches.
type SectionDraw struct {
	Section Section
	Fixed   []Question
	Rules   [][]Question // one pool per Section.Rules entry
}

// Draw makes a paper from a seed, section by section: its own questions —
// all, or Draw of them at random — then what each rule draws from its pool
// (never a bank question the paper has already), in that order or
// shuffled, and each choice question's options shuffled when the section
// says so. The same seed and the same pools give the same paper.
func Draw(seed int64, sections []SectionDraw) []PaperItem {
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15))
	taken := map[int64]bool{} // bank questions on the paper
	var paper []PaperItem
	for _, sd := range sections {
		s := sd.Section
		chosen := pick(rng, sd.Fixed, s.Draw)
		for _, q := range chosen {
			if q.BankQuestionID > 0 {
				taken[q.BankQuestionID] = true
			}
		}
		for k, pool := range sd.Rules {
			var free []Question
			for _, q := range pool {
				if !taken[q.BankQuestionID] {
					free = append(free, q)
				}
			}
			count := 0
			if k < len(s.Rules) {
				count = s.Rules[k].Count
			}
			for _, q := range pick(rng, free, count) {
				taken[q.BankQuestionID] = true
				chosen = append(chosen, q)
			}
		}
		if s.ShuffleQuestions {
			rng.Shuffle(len(chosen), func(i, j int) { chosen[i], chosen[j] = chosen[j], chosen[i] })
		}
		for _, q := range chosen {
			item := PaperItem{Question: q, Section: s}
			if q.Rules().shuffles(s.ShuffleOptions) && len(q.Options) > 1 {
				item.OptionOrder = optionOrder(rng, q)
			}
			paper = append(paper, item)
		}
	}
	return paper
}

// optionOrder shuffles a question's options for a paper. A kind that is
// always shuffled (put in order) is never shown in its right order.
func optionOrder(rng *rand.Rand, q Question) []int {
	for {
		order := rng.Perm(len(q.Options))
		if !q.Rules().shuffles(false) || !slices.IsSorted(order) {
			return order
		}
	}
}

// seededOrder is the order of a question that is always shuffled on a
// paper that stored none (a test without sections gives its questions in
// one statement): the same for the attempt on every page.
func seededOrder(invitationID int64, q Question) []int {
	return optionOrder(rand.New(rand.NewPCG(uint64(invitationID), uint64(q.ID))), q)
}

// pick chooses n of the pool at random, kept in the pool's order; n of 0
// (or more than the pool) is the whole pool.
func pick(rng *rand.Rand, pool []Question, n int) []Question {
	if n <= 0 || n >= len(pool) {
		return slices.Clone(pool)
	}
	idx := rng.Perm(len(pool))[:n]
	slices.Sort(idx)
	out := make([]Question, 0, n)
	for _, i := range idx {
		out = append(out, pool[i])
	}
	return out
}

// newSeed is a random draw seed.
func newSeed() int64 {
	var b [8]byte
	crand.Read(b[:])
	return int64(binary.LittleEndian.Uint64(b[:]) >> 1)
}

// giveQuestions records the paper of an attempt that starts and returns
// the sections it was drawn from (none for a test without). A test without
// sections gives every current question in its order (one statement); a
// sectioned test draws the paper from a new seed.
func giveQuestions(ctx context.Context, tx *Tx, invitationID, testID int64, now time.Time) ([]Section, error) {
	sections, err := sectionsTx(ctx, tx, testID)
	if err != nil || len(sections) == 0 {
		if err == nil {
			err = tx.ExecLater(ctx, `INSERT INTO attempt_questions (invitation_id, question_id, position)
				SELECT ?, id, position FROM questions WHERE test_id = ? AND retired_at IS NULL`, invitationID, testID)
		}
		return nil, err
	}
	draws, err := sectionDraws(ctx, tx, testID, sections)
	if err != nil {
		return nil, err
	}
	seed := newSeed()
	tx.changedInvitation(invitationID)
	if err := tx.ExecLater(ctx, `UPDATE invitations SET draw_seed = ? WHERE id = ?`, seed, invitationID); err != nil {
		return nil, err
	}
	// The paper in one statement: a start is a candidate waiting.
	paper := Draw(seed, draws)
	if len(paper) == 0 {
		return sections, nil
	}
	if err := snapshotBankQuestions(ctx, tx, testID, paper, now); err != nil {
		return nil, err
	}
	args := make([]any, 0, len(paper)*6)
	for i, item := range paper {
		order := ""
		if item.OptionOrder != nil {
			b, _ := json.Marshal(item.OptionOrder)
			order = string(b)
		}
		args = append(args, invitationID, item.Question.ID, i+1, item.Section.Position, item.Section.Name, order)
	}
	err = tx.ExecLater(ctx, `INSERT INTO attempt_questions (invitation_id, question_id, position, section_position,
		section_name, option_order) VALUES `+valuesList(len(paper), 6), args...)
	return sections, err
}

// sectionDraws reads what each section draws from: its current written
// questions, its picks and its rules' pools, all from the bank as it is.
func sectionDraws(ctx context.Context, tx reader, testID int64, sections []Section) ([]SectionDraw, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+questionColumns+` FROM questions WHERE test_id = ? AND retired_at IS NULL
		ORDER BY position, id`, testID)
	current, err := collect(rows, err, scanQuestion)
	if err != nil {
		return nil, err
	}
	draws := make([]SectionDraw, len(sections))
	for i, s := range sections {
		draws[i].Section = s
		for _, q := range current {
			if q.SectionID == s.ID {
				draws[i].Fixed = append(draws[i].Fixed, q)
			}
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+bankColumns+` FROM section_picks p JOIN bank_questions b ON b.id = p.bank_question_id
			WHERE p.section_id = ? AND b.archived_at IS NULL ORDER BY p.position`, s.ID)
		picks, err := collect(rows, err, scanBankQuestion)
		if err != nil {
			return nil, err
		}
		for _, b := range picks {
			draws[i].Fixed = append(draws[i].Fixed, b.asQuestion())
		}
		for _, r := range s.Rules {
			rows, err := tx.QueryContext(ctx, `SELECT `+bankColumns+` FROM bank_questions b WHERE b.archived_at IS NULL
				AND (? = '' OR b.topic = ?) AND (? = '' OR b.difficulty = ?) AND `+bankOfSection+`
				AND b.id NOT IN (SELECT bank_question_id FROM section_picks WHERE section_id = ?) ORDER BY b.id`,
				r.Topic, r.Topic, r.Difficulty, r.Difficulty, s.ID, s.ID)
			pool, err := collect(rows, err, scanBankQuestion)
			if err != nil {
				return nil, err
			}
			qs := make([]Question, 0, len(pool))
			for _, b := range pool {
				qs = append(qs, b.asQuestion())
			}
			draws[i].Rules = append(draws[i].Rules, qs)
		}
	}
	return draws, nil
}

// snapshotBankQuestions gives each bank question on the paper the id of
// its snapshot in the test — the version drawn, made the first time it is
// — so answers and scores refer to what the candidate saw.
func snapshotBankQuestions(ctx context.Context, tx *Tx, testID int64, paper []PaperItem, at time.Time) error {
	now := millis(at)
	for i := range paper {
		q := &paper[i].Question
		if q.BankQuestionID == 0 {
			continue
		}
		opts, _ := json.Marshal(q.Options)
		correct, _ := json.Marshal(q.Correct)
		// Cached reads unchanged: a snapshot is retired from the start, so no
		// page counts it, and marking it would drop every page at every start.
		if _, err := tx.ExecContext(ctx, `INSERT INTO questions (test_id, position, kind, body, options, correct, points, topic, difficulty,
				bank_question_id, bank_version, retired_at, created_at, updated_at, spec) VALUES (?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (test_id, bank_question_id, bank_version) WHERE bank_question_id IS NOT NULL DO NOTHING`,
			testID, q.Kind, q.Text, string(opts), string(correct), q.Points, q.Topic, q.Difficulty, q.BankQuestionID, q.BankVersion,
			now, now, now, q.Spec.json()); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT id FROM questions WHERE test_id = ? AND bank_question_id = ? AND bank_version = ?`,
			testID, q.BankQuestionID, q.BankVersion).Scan(&q.ID); err != nil {
			return err
		}
	}
	return nil
}

// SamplePaper draws a paper as a candidate starting now would get it,
// writing nothing: for a recruiter's preview. Bank questions not yet given
// to anyone stand with the negative of their bank id.
func (db *DB) SamplePaper(ctx context.Context, testID, seed int64) ([]Question, error) {
	sections, err := db.Sections(ctx, testID)
	if err != nil || len(sections) == 0 {
		if err != nil {
			return nil, err
		}
		return db.Questions(ctx, testID)
	}
	draws, err := sectionDraws(ctx, dbReader{db}, testID, sections)
	if err != nil {
		return nil, err
	}
	var out []Question
	for _, item := range Draw(seed, draws) {
		q := item.Question
		if q.BankQuestionID > 0 {
			q.ID = -q.BankQuestionID
		}
		q.SectionPosition, q.SectionName, q.OptionOrder = item.Section.Position, item.Section.Name, item.OptionOrder
		out = append(out, q)
	}
	return out, nil
}

// NewSeed is a random seed for a sample paper.
func NewSeed() int64 { return newSeed() }
