package store

import (
	"context"
	"fmt"
)

// BankStatistics are one bank question's figures across every test it
// was picked for or drawn into, over the attempts given its current
// version: an edit makes a new question, whose figures start afresh.
type BankStatistics struct {
	Tests    int // tests whose attempts were given this version
	Question QuestionStatistics
}

// BankQuestionStatistics works out a bank question's figures; they are
// kept until an invitation changes.
func (db *DB) BankQuestionStatistics(ctx context.Context, b BankQuestion) (BankStatistics, error) {
	gen := db.readGen.current()
	key := fmt.Sprintf("bank:%d:%d", b.ID, b.Version)
	if e, ok := db.bankStats.get(key); ok && db.cachesReads() && db.readGen.countFresh(e.gen) {
		return e.v, nil
	}
	rows, err := db.query(ctx, `SELECT `+questionColumns+` FROM questions WHERE bank_question_id = ? AND bank_version = ? ORDER BY id`, b.ID, b.Version)
	copies, err := collect(rows, err, scanQuestion)
	if err != nil || len(copies) == 0 {
		return BankStatistics{}, err
	}
	all, err := db.statAttempts(ctx, `i.test_id IN (SELECT test_id FROM questions WHERE bank_question_id = ? AND bank_version = ?)`, b.ID, b.Version)
	if err != nil {
		return BankStatistics{}, err
	}
	// Each test's copy is the one question.
	one := copies[0]
	tests := map[int64]bool{}
	copyOf := map[int64]bool{}
	for _, c := range copies {
		copyOf[c.ID] = true
		tests[c.TestID] = true
	}
	for a := range all {
		for i := range all[a].items {
			if copyOf[all[a].items[i].question] {
				all[a].items[i].question = one.ID
			}
		}
	}
	st := BankStatistics{Tests: len(tests), Question: computeStatistics([]Question{one}, all).Questions[0]}
	db.bankStats.put(key, st, gen)
	return st, nil
}
