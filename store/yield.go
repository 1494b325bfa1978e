package store

import (
	"context"
	"time"
)

// Candidates' writes (an open, a start, an autosave, a submit) and a
// recruiter's single invite go first at SQLite's single writer; bulk work
// (an import's chunks, a bulk invite's transactions) makes room for them:
//
//   - before each of its transactions it waits while others wait for the
//     writer, at most maxYield: the pool hands the connection to waiters in
//     no particular order, so one chunk could follow another while
//     candidates queued;
//   - while others are writing it takes at most a quarter of the writer:
//     when someone wrote since its last transaction began, it pauses three
//     times as long as that transaction held the writer (at most maxPace).
//     Alone it runs flat out, also right after the write that started it.
//
// Background workers (outbox, callbacks, imports, the sweep) mark their
// contexts with Background, so their own bookkeeping does not count as
// someone else writing.

// maxYield bounds how long bulk work waits for waiting transactions before
// it goes on anyway: it must finish too.
const maxYield = 25 * time.Millisecond

// paceFactor is how many times its last transaction's length bulk work
// pauses while others write; maxPace bounds the pause.
const (
	paceFactor = 3
	maxPace    = 100 * time.Millisecond
)

// othersWindow is how recent another's write must be for bulk work to
// count others as writing.
const othersWindow = 250 * time.Millisecond

type backgroundKey struct{}

// Background marks ctx as a background worker's: its transactions are not
// someone waiting for bulk work to make room.
func Background(ctx context.Context) context.Context {
	return context.WithValue(ctx, backgroundKey{}, true)
}

func isBackground(ctx context.Context) bool {
	b, _ := ctx.Value(backgroundKey{}).(bool)
	return b
}

// noteWriter records a write that bulk work makes room for: any but a
// background worker's.
func (db *DB) noteWriter(ctx context.Context) {
	if !isBackground(ctx) {
		db.lastOthers.Store(time.Now().UnixNano())
	}
}

// bulkTx runs one transaction of bulk work after making room for others.
func (db *DB) bulkTx(ctx context.Context, fn func(tx *Tx) error) error {
	db.yieldToWriters(ctx)
	start := time.Now()
	err := db.inTx(Background(ctx), fn)
	db.lastBulk.Store(int64(time.Since(start)))
	db.lastBulkStart.Store(start.UnixNano())
	return err
}

// yieldToWriters waits while other transactions wait for the writer, then
// paces bulk work while others have written lately.
func (db *DB) yieldToWriters(ctx context.Context) {
	for deadline := time.Now().Add(maxYield); db.waiting.Load() > 0 && time.Now().Before(deadline) && ctx.Err() == nil; {
		time.Sleep(time.Millisecond)
	}
	pause := db.pace(time.Now())
	if pause == 0 {
		return
	}
	t := time.NewTimer(pause)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// pace is how long bulk work pauses before its next transaction: nothing
// unless others have written since its last transaction began, and within
// othersWindow.
func (db *DB) pace(now time.Time) time.Duration {
	others := db.lastOthers.Load()
	if others < db.lastBulkStart.Load() || now.Sub(time.Unix(0, others)) > othersWindow {
		return 0
	}
	return min(paceFactor*time.Duration(db.lastBulk.Load()), maxPace)
}
