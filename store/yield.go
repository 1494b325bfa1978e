package store

import (
	"context"
	"time"
)

// Bulk work (an import's chunks, a bulk invite's transactions) yields the
// single writer to the transactions waiting for it — a candidate's open,
// start, autosave or submit — before taking it again, so they are not
// queued behind one bulk transaction after another. The pool hands the
// connection to waiters in no particular order; without this a chunk can
// take it again and again.

// maxYield bounds how long bulk work waits for others before it goes on
// anyway: it must finish too.
const maxYield = 25 * time.Millisecond

// yieldToWriters waits while other transactions wait for the writer, at
// most maxYield.
func (db *DB) yieldToWriters(ctx context.Context) {
	for deadline := time.Now().Add(maxYield); db.waiting.Load() > 0 && time.Now().Before(deadline) && ctx.Err() == nil; {
		time.Sleep(time.Millisecond)
	}
}
