package store

import (
	"context"
	"slices"

	"testgate/store/jobs"
)

// Background work runs under package jobs; the store names the workers,
// starts them and wakes them when a commit made their work due.

// Names of the workers, by which the store wakes them.
const (
	WorkMail      = "mail"
	WorkCallbacks = "callbacks"
	WorkImports   = "imports"
	WorkSweep     = "sweep"
	WorkHeartbeat = "heartbeat" // PostgreSQL: this process is alive; dead ones' leases freed
)

// workDue notes that the transaction made a worker's work due now: the
// commit wakes it.
func (t *Tx) workDue(name string) {
	if !slices.Contains(t.due, name) {
		t.due = append(t.due, name)
	}
}

// Wake makes a worker look for work now: for a job whose work became
// possible without a commit (a receiving host's turn ended).
func (db *DB) Wake(name string) { db.wake([]string{name}) }

// StartWorkers runs ws as this process's background work until ws.Stop or
// ctx's end: their writes make way for candidates' (Background), and the
// store's commits wake them.
func (db *DB) StartWorkers(ctx context.Context, ws *jobs.Workers) {
	db.workers.Store(ws)
	ws.Start(Background(ctx))
}

// wake wakes the workers a commit made work due for.
func (db *DB) wake(names []string) {
	if ws := db.workers.Load(); ws != nil {
		for _, name := range names {
			ws.Wake(name)
		}
	}
}
