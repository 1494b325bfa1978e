package store

import (
	"regexp"
	"sync"
	"sync/atomic"
)

// The candidate landing page is the busiest read there is: every candidate
// of a campus drive opening their link, and opening it again. Its
// invitation and test are cached in memory, and the whole cache is dropped
// by any committed write to the tables they come from: a stale page is
// never served, and no write path can forget to invalidate, since the
// store's statements are recognised by the tables they write.

// maxCachedCandidates bounds the cache (about 1 KB each); when full it
// starts over.
const maxCachedCandidates = 20_000

type cachedCandidate struct {
	inv  Invitation
	test Test
	gen  uint64 // the write generation it was read in
}

type candidateCache struct {
	gen atomic.Uint64 // bumped by every commit that writes candidate data
	mu  sync.RWMutex
	m   map[string]cachedCandidate
}

func (c *candidateCache) get(token string, gen uint64) (cachedCandidate, bool) {
	c.mu.RLock()
	e, ok := c.m[token]
	c.mu.RUnlock()
	return e, ok && e.gen == gen
}

func (c *candidateCache) put(token string, e cachedCandidate) {
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedCandidates {
		c.m = make(map[string]cachedCandidate, 1024)
	}
	c.m[token] = e
	c.mu.Unlock()
}

// invalidate makes every entry read before now stale.
func (c *candidateCache) invalidate() { c.gen.Add(1) }

// candidateTables are the tables the cached page data is read from.
var candidateTables = regexp.MustCompile(`(?is)^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b.*\b(invitations|tests|test_links|questions)\b`)

var writesCandidateMemo sync.Map // query → bool

// writesCandidateData reports whether a statement may change what the
// candidate cache holds.
func writesCandidateData(query string) bool {
	if v, ok := writesCandidateMemo.Load(query); ok {
		return v.(bool)
	}
	w := candidateTables.MatchString(query)
	writesCandidateMemo.Store(query, w)
	return w
}
