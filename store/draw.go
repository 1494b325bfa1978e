package store

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"encoding/json"
	"math/rand/v2"
	"slices"
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

// Draw makes a paper from a seed: for each section (in order), its
// questions — all, or Draw of them picked at random — in the written order
// or shuffled, with each choice question's options shuffled when the
// section says so. pools holds each section's current questions in their
// written order.
func Draw(seed int64, sections []Section, pools map[int64][]Question) []PaperItem {
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15))
	var paper []PaperItem
	for _, s := range sections {
		pool := pools[s.ID]
		picked := pool
		if s.Draw > 0 && s.Draw < len(pool) {
			idx := rng.Perm(len(pool))[:s.Draw]
			if !s.ShuffleQuestions {
				slices.Sort(idx) // the drawn questions in their written order
			}
			picked = make([]Question, 0, s.Draw)
			for _, i := range idx {
				picked = append(picked, pool[i])
			}
		} else if s.ShuffleQuestions {
			picked = slices.Clone(pool)
			rng.Shuffle(len(picked), func(i, j int) { picked[i], picked[j] = picked[j], picked[i] })
		}
		for _, q := range picked {
			item := PaperItem{Question: q, Section: s}
			if s.ShuffleOptions && q.Kind != QuestionText && len(q.Options) > 1 {
				item.OptionOrder = rng.Perm(len(q.Options))
			}
			paper = append(paper, item)
		}
	}
	return paper
}

// newSeed is a random draw seed.
func newSeed() int64 {
	var b [8]byte
	crand.Read(b[:])
	return int64(binary.LittleEndian.Uint64(b[:]) >> 1)
}

// giveQuestions records the paper of an attempt that starts. A test
// without sections gives every current question in its order (one
// statement); a sectioned test draws the paper from a new seed.
func giveQuestions(ctx context.Context, tx *Tx, invitationID, testID int64) error {
	sections, err := sectionsTx(ctx, tx, testID)
	if err != nil {
		return err
	}
	if len(sections) == 0 {
		_, err := tx.ExecContext(ctx, `INSERT INTO attempt_questions (invitation_id, question_id, position)
			SELECT ?, id, position FROM questions WHERE test_id = ? AND retired_at IS NULL`, invitationID, testID)
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+questionColumns+` FROM questions WHERE test_id = ? AND retired_at IS NULL
		ORDER BY position, id`, testID)
	current, err := collect(rows, err, scanQuestion)
	if err != nil {
		return err
	}
	pools := map[int64][]Question{}
	for _, q := range current {
		pools[q.SectionID] = append(pools[q.SectionID], q)
	}
	seed := newSeed()
	if _, err := tx.ExecContext(ctx, `UPDATE invitations SET draw_seed = ? WHERE id = ?`, seed, invitationID); err != nil {
		return err
	}
	// The paper in one statement: a start is a candidate waiting.
	paper := Draw(seed, sections, pools)
	if len(paper) == 0 {
		return nil
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
	_, err = tx.ExecContext(ctx, `INSERT INTO attempt_questions (invitation_id, question_id, position, section_position,
		section_name, option_order) VALUES `+valuesList(len(paper), 6), args...)
	return err
}
