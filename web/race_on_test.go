//go:build race

package web

// bulkRows is how many rows the bulk tests (imports, bulk assigns) move:
// 1,000 under the race detector, still above every chunk a bulk write is
// cut into; make bench moves 10,000.
const bulkRows = 1_000
