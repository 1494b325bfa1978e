package store

import (
	"regexp"
	"sync"
	"sync/atomic"
)

// Reads that are hot and change rarely are cached in memory: the landing
// page's invitation and test (every candidate of a campus drive opening
// their link, and again), and the invitation list's counts (a recruiter
// paging through 100,000 invitations counts them on every page). Every
// entry carries the write generation it was read in, and any committed
// write to the tables they come from starts a new generation: a stale
// value is never served, and no write path can forget to invalidate,
// since the store's statements are recognised by the tables they write.

// readGeneration is bumped by every commit that writes candidate data.
type readGeneration struct{ n atomic.Uint64 }

func (g *readGeneration) current() uint64 { return g.n.Load() }

// invalidate makes every entry read before now stale.
func (g *readGeneration) invalidate() { g.n.Add(1) }

// readCache holds values of one kind by key; when full it starts over.
type readCache[V any] struct {
	max int
	mu  sync.RWMutex
	m   map[string]cached[V]
}

type cached[V any] struct {
	v   V
	gen uint64 // the write generation it was read in
}

// get returns the value read in generation gen, if there is one. Read gen
// before reading the database: a write committed meanwhile then makes the
// entry stale.
func (c *readCache[V]) get(key string, gen uint64) (V, bool) {
	c.mu.RLock()
	e, ok := c.m[key]
	c.mu.RUnlock()
	return e.v, ok && e.gen == gen
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

// candidateTables are the tables the cached page data is read from.
var candidateTables = regexp.MustCompile(`(?is)^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b.*\b(invitations|tests|test_links|questions)\b`)

var writesCandidateMemo sync.Map // query → bool

// writesCandidateData reports whether a statement may change what the
// read caches hold.
func writesCandidateData(query string) bool {
	if v, ok := writesCandidateMemo.Load(query); ok {
		return v.(bool)
	}
	w := candidateTables.MatchString(query)
	writesCandidateMemo.Store(query, w)
	return w
}
