package store

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
)

// Reads that are hot and change rarely are cached in memory: the landing
// page's invitation and test (every candidate of a campus drive opening
// their link, and again), and the invitation list's counts (a recruiter
// paging through 100,000 invitations counts them on every page).
//
// The write methods say what they changed (Tx.changedInvitation,
// Tx.changedTests), and the commit passes it on here: a change to one
// invitation drops that invitation's page and every count, a change to a
// test, link, question or section drops everything. An autosave of one
// candidate thus leaves the other candidates' pages cached. A test
// (TestEveryWriteSaysWhatItChanged) holds every statement that writes
// these tables to a method that says so.

// cachesReads says whether cached entries may be served: always on
// SQLite, whose one process makes every change; on PostgreSQL while the
// process hears the others' changes (notify.go).
func (db *DB) cachesReads() bool {
	return !db.Postgres() || (db.listener != nil && db.listener.listening.Load())
}

// readGenerations orders reads and writes: every change takes the next
// generation, every read notes the generation it began in, and an entry is
// served only when no change to what it holds came after that.
type readGenerations struct {
	n atomic.Uint64
	// tests is the generation of the last change to tests, links,
	// questions or sections; invitations that of the last change to any
	// invitation (counts depend on every one).
	tests, invitations atomic.Uint64

	mu   sync.RWMutex
	byID map[int64]uint64 // the last change to each invitation
}

// maxTrackedInvitations bounds byID; past it, one change drops everything.
const maxTrackedInvitations = 100_000

// current is the generation a read begins in; note it before reading the
// database, so that a write committed meanwhile makes the value stale.
func (g *readGenerations) current() uint64 { return g.n.Load() }

// changed records a committed (or possibly committed) change and returns
// the generation it made (0 when nothing cached changed).
func (g *readGenerations) changed(c readChanges) uint64 {
	if c.empty() {
		return 0
	}
	gen := g.n.Add(1)
	g.invitations.Store(gen)
	if c.tests {
		g.tests.Store(gen)
		return gen
	}
	if len(c.invitations) == 0 {
		return gen
	}
	g.mu.Lock()
	if len(g.byID)+len(c.invitations) > maxTrackedInvitations {
		g.byID = nil
		g.tests.Store(gen) // forgotten changes count as a change to all
	}
	if g.byID == nil {
		g.byID = make(map[int64]uint64, 1024)
	}
	for id := range c.invitations {
		g.byID[id] = gen
	}
	g.mu.Unlock()
	return gen
}

// invitationFresh reports whether a page read in generation gen still
// holds for the invitation.
func (g *readGenerations) invitationFresh(id int64, gen uint64) bool {
	if !g.testsFresh(gen) {
		return false
	}
	g.mu.RLock()
	last := g.byID[id]
	g.mu.RUnlock()
	return gen >= last
}

// testsFresh reports whether a value read in generation gen from tests,
// links, questions or sections still holds.
func (g *readGenerations) testsFresh(gen uint64) bool { return gen >= g.tests.Load() }

// countFresh reports whether a count read in generation gen still holds.
func (g *readGenerations) countFresh(gen uint64) bool { return gen >= g.invitations.Load() }

// readChanges is what one transaction changed of what the caches hold.
type readChanges struct {
	invitations    map[int64]struct{} // changed invitations
	newInvitations bool               // invitations added (counts change)
	tests          bool               // tests, links, questions or sections
}

// empty reports whether nothing the caches hold changed.
func (c readChanges) empty() bool { return !c.tests && !c.newInvitations && len(c.invitations) == 0 }

// changedInvitation notes that the transaction changed an invitation.
func (t *Tx) changedInvitation(id int64) {
	if t.changes.invitations == nil {
		t.changes.invitations = map[int64]struct{}{}
	}
	t.changes.invitations[id] = struct{}{}
}

// addedInvitations notes that the transaction added invitations.
func (t *Tx) addedInvitations() { t.changes.newInvitations = true }

// changedTests notes that the transaction changed a test, link, question
// or section: what every candidate page of a test shows.
func (t *Tx) changedTests() { t.changes.tests = true }

// readCache holds values of one kind by key; when full it starts over.
type readCache[V any] struct {
	max int
	mu  sync.RWMutex
	m   map[string]cached[V]
}

type cached[V any] struct {
	v   V
	gen uint64 // the generation it was read in
}

// get returns the value under key and the generation it was read in; the
// caller asks readGenerations whether it still holds.
func (c *readCache[V]) get(key string) (cached[V], bool) {
	c.mu.RLock()
	e, ok := c.m[key]
	c.mu.RUnlock()
	return e, ok
}

// drop empties the cache.
func (c *readCache[V]) drop() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

func (c *readCache[V]) put(key string, v V, gen uint64) {
	c.mu.Lock()
	if c.m == nil || len(c.m) >= c.max {
		c.m = make(map[string]cached[V], 1024)
	}
	c.m[key] = cached[V]{v, gen}
	c.mu.Unlock()
}

// candidatePage is what the landing page reads (about 1 KB).
type candidatePage struct {
	inv  Invitation
	test Test
}

// execChangingTests runs one statement that changes a test or link in a
// transaction of its own, so that its commit drops the caches of every
// process (notify.go) as a write method's does.
func (db *DB) execChangingTests(ctx context.Context, query string, args ...any) (sql.Result, error) {
	var res sql.Result
	err := db.inTx(ctx, func(tx *Tx) error {
		tx.changedTests()
		var err error
		res, err = tx.ExecContext(ctx, query, args...)
		return err
	})
	return res, err
}
