package store

import (
	"context"
	"strconv"
)

// A started attempt's paper — its questions as given, their order and
// marking — is read by each of its saves: for a 20-question test that is
// about 40 % of an autosave's time at the writer. Once started it changes
// only when its test does (a question is versioned once given; a
// section's marking may be edited), so the saves of an attempt share one
// read, kept until any test, question or section changes. A paper is
// cached once the transaction that read it has committed, and only when
// that transaction found the attempt started: one begun in a transaction
// that may still roll back is never kept.

// startedPaperTx is the paper of an attempt the transaction found
// started, from the cache when no test changed since it was read. The
// questions are shared: read them, never change them.
func (db *DB) startedPaperTx(ctx context.Context, tx *Tx, invitationID int64) ([]Question, error) {
	key := strconv.FormatInt(invitationID, 10)
	if db.cachesReads() {
		if e, ok := db.papers.get(key); ok && db.readGen.testsFresh(e.gen) {
			return e.v, nil
		}
	}
	gen := db.readGen.current()
	paper, err := attemptQuestionsTx(ctx, tx, invitationID)
	if err == nil && len(paper) > 0 {
		tx.after = append(tx.after, func() { db.papers.put(key, paper, gen) })
	}
	return paper, err
}
