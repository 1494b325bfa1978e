package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// Group commit on SQLite: its one writer spends about a third of each small
// transaction beginning and committing it (writing the WAL's frames, now
// and then a checkpoint), so while candidates' writes queue for it they
// share one transaction. Whoever holds the lead takes the queue's writes
// in order, runs each in a savepoint of one transaction — a write that
// fails is rolled back to its savepoint alone — and commits once; each
// caller hears its own outcome after that commit. A write waiting alone
// runs alone, so an idle server answers as before. Background work (bulk
// chunks, workers) always runs in a transaction of its own: its chunks
// are long and pace themselves (yield.go).
//
// Within a shared transaction a write's statements run detached from its
// caller's context: SQLite answers a cancelled statement by rolling back
// the whole transaction, the others' writes with it.

// maxGroup bounds the writes one commit carries: a batch holds the writer
// for about a third of a millisecond a write.
const maxGroup = 32

// groupCommit is the queue of writes waiting for the writer, and the lead.
type groupCommit struct {
	mu    sync.Mutex
	queue []*pendingWrite
	lead  chan struct{} // holding its one slot is holding the lead
}

func newGroupCommit() *groupCommit { return &groupCommit{lead: make(chan struct{}, 1)} }

// pendingWrite is one caller's write in the queue.
type pendingWrite struct {
	ctx   context.Context
	fn    func(tx *Tx) error
	alone bool       // a transaction of its own (background work)
	done  chan error // its outcome, after the commit that carried it
}

// inTxGrouped queues fn and waits for its outcome, leading the writes
// queued so far when the lead is free.
func (db *DB) inTxGrouped(ctx context.Context, fn func(tx *Tx) error) error {
	w := &pendingWrite{ctx: ctx, fn: fn, alone: isBackground(ctx), done: make(chan error, 1)}
	g := db.group
	if !w.alone {
		db.waiting.Add(1)
	}
	g.mu.Lock()
	g.queue = append(g.queue, w)
	g.mu.Unlock()
	for {
		select {
		case err := <-w.done:
			return ownOutcome(err)
		case g.lead <- struct{}{}:
			select { // a leader before took it
			case err := <-w.done:
				<-g.lead
				return ownOutcome(err)
			default:
			}
			db.lead(g)
		}
	}
}

// lead runs the next transaction's writes, then lets go of the lead.
func (db *DB) lead(g *groupCommit) {
	defer func() { <-g.lead }()
	db.runGroup(g.take())
}

// writePanic is a write that panicked while another caller's goroutine
// ran it: its own caller panics with it, as it would have run it itself.
type writePanic struct{ value any }

func (p *writePanic) Error() string { return fmt.Sprintf("store: a write panicked: %v", p.value) }

// ownOutcome is a write's outcome as its caller meets it.
func ownOutcome(err error) error {
	var p *writePanic
	if errors.As(err, &p) {
		panic(p.value)
	}
	return err
}

// runWrite runs one caller's write, a panic in it its error.
func runWrite(fn func(tx *Tx) error, tx *Tx) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &writePanic{v}
		}
	}()
	return fn(tx)
}

// take takes the next transaction's writes: a background write alone, or
// up to maxGroup others in the order they came (a background write among
// them waits for the next turn).
func (g *groupCommit) take() []*pendingWrite {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.queue) == 0 {
		return nil
	}
	if g.queue[0].alone {
		w := g.queue[0]
		g.queue = g.queue[1:]
		return []*pendingWrite{w}
	}
	var group []*pendingWrite
	rest := g.queue[:0]
	for _, w := range g.queue {
		if !w.alone && len(group) < maxGroup {
			group = append(group, w)
		} else {
			rest = append(rest, w)
		}
	}
	clear(g.queue[len(rest):])
	g.queue = rest
	return group
}

// runGroup runs the writes taken in one transaction and tells each its
// outcome.
func (db *DB) runGroup(group []*pendingWrite) {
	for _, w := range group {
		if !w.alone {
			db.waiting.Add(-1)
		}
	}
	switch len(group) {
	case 0:
		return
	case 1:
		w := group[0]
		w.done <- db.runTx(w.ctx, func(tx *Tx) error { return runWrite(w.fn, tx) })
		return
	}
	errs := db.runShared(group)
	for i, w := range group {
		w.done <- errs[i]
	}
}

// runShared runs several writes in one transaction, each in a savepoint,
// and commits once: a write's error (or panic) is its own; a failed
// commit, or a transaction SQLite rolled back, is everyone's.
func (db *DB) runShared(group []*pendingWrite) []error {
	errs := make([]error, len(group))
	all := func(err error) []error {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
		return errs
	}
	ctx := context.Background()
	sqlTx, err := db.w.BeginTx(ctx, nil)
	db.noteWriter(ctx)
	if err != nil {
		return all(fmt.Errorf("store: begin: %w", err))
	}
	defer db.writes.prepareWanted(ctx)
	local := map[string]*sql.Stmt{} // statements prepared on this transaction, shared by its writes
	txs := make([]*Tx, len(group))
	for i, w := range group {
		if err := w.ctx.Err(); err != nil { // gone before its turn: nothing written
			errs[i] = err
			continue
		}
		tx := &Tx{tx: sqlTx, cache: db.writes, dialect: db.dialect, local: local, detached: true}
		txs[i] = tx
		if _, err := sqlTx.ExecContext(ctx, `SAVEPOINT write`); err != nil {
			sqlTx.Rollback()
			return all(fmt.Errorf("store: savepoint: %w", err))
		}
		errs[i] = runWrite(w.fn, tx)
		if errs[i] != nil {
			txs[i] = nil
			if _, err := sqlTx.ExecContext(ctx, `ROLLBACK TO write`); err != nil {
				sqlTx.Rollback()
				return all(fmt.Errorf("store: transaction lost: %w", errors.Join(errs[i], err)))
			}
		}
		if _, err := sqlTx.ExecContext(ctx, `RELEASE write`); err != nil {
			sqlTx.Rollback()
			return all(fmt.Errorf("store: transaction lost: %w", err))
		}
	}
	err = sqlTx.Commit()
	for _, tx := range txs {
		if tx != nil {
			tx.gen = db.readGen.changed(tx.changes) // even after a failed commit: what was written is then unknown
		}
	}
	if err != nil {
		return all(fmt.Errorf("store: commit: %w", mapError(err)))
	}
	for _, tx := range txs {
		if tx != nil {
			tx.committed(db)
		}
	}
	return errs
}
