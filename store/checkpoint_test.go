package store

import (
	"context"
	"os"
	"testing"
	"time"
)

// writeMegabytes commits n MB of settings in one write transaction: far
// more than the 1,000 pages at which a commit used to checkpoint.
func writeMegabytes(t *testing.T, db *DB, n int) {
	t.Helper()
	err := db.inTx(context.Background(), func(tx *Tx) error {
		_, err := tx.ExecContext(context.Background(), `WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?)
			INSERT INTO settings (name, value, updated_at) SELECT 'bulk-' || i, hex(randomblob(2048)), 0 FROM k`, n*256)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

func TestCommitLeavesTheCheckpointToTheCheckpointer(t *testing.T) {
	sqliteOnly(t, "SQLite's WAL checkpoints")
	t.Parallel()
	db := newTestDB(t)
	if err := db.checkpoints.close(); err != nil { // nobody checkpoints now
		t.Fatal(err)
	}
	before := fileSize(t, db.path)
	writeMegabytes(t, db, 8)
	if after := fileSize(t, db.path); after != before {
		t.Fatalf("the commit copied the WAL into the database itself: the file went from %d to %d bytes", before, after)
	}
	if wal := fileSize(t, db.path+"-wal"); wal < 8<<20 {
		t.Fatalf("the WAL holds %d bytes after 8 MB were committed", wal)
	}
}

func TestCheckpointerCopiesCommitsIntoTheFile(t *testing.T) {
	sqliteOnly(t, "SQLite's WAL checkpoints")
	t.Parallel()
	db := newTestDB(t)
	before := fileSize(t, db.path)
	writeMegabytes(t, db, 8)
	for deadline := time.Now().Add(10 * time.Second); fileSize(t, db.path) < before+8<<20; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("10 s after the commit the database file is %d bytes, from %d: the WAL was not checkpointed", fileSize(t, db.path), before)
		}
	}
	// Readers see every row, from the file now.
	var n int
	if err := db.r.QueryRow(`SELECT COUNT(*) FROM settings WHERE name LIKE 'bulk-%'`).Scan(&n); err != nil || n != 8*256 {
		t.Fatalf("readers see %d rows (%v), want %d", n, err, 8*256)
	}
}
