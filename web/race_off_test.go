//go:build !race

package web

// bulkRows is how many rows the bulk tests (imports, bulk assigns) move:
// 10,000 without the race detector (1,000 with it).
const bulkRows = 10_000
