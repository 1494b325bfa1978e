package store

import (
	"context"
	"errors"
	"testing"
)

// The PostgreSQL connection's pipeline (pgconn.go): writes sent later, with
// the next statement that answers or with the commit.

func TestPipelinedWritesAreReadByTheNextQuery(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	var name string
	var total, null any
	var logo []byte
	var half float64
	err := db.inTx(ctx, func(tx *Tx) error {
		if err := tx.ExecLater(ctx, `INSERT INTO settings (name, value, updated_at) VALUES ('pipelined', 'first', 1)`); err != nil {
			return err
		}
		if err := tx.ExecLater(ctx, `UPDATE settings SET value = 'second' WHERE name = 'pipelined'`); err != nil {
			return err
		}
		// Sent in one batch with the two writes; values of several types come
		// back as database/sql reads them.
		return tx.QueryRowContext(ctx, `SELECT value, SUM(CAST(updated_at AS BIGINT)), NULL, CAST('\x01ff' AS BYTEA), CAST(1 AS FLOAT) / 2
			FROM settings WHERE name = 'pipelined' GROUP BY value`).Scan(&name, &total, &null, &logo, &half)
	})
	if !onPostgres {
		logo = []byte{1, 255} // SQLite reads the literal as text
	}
	if err != nil || name != "second" || total == nil || null != nil || len(logo) != 2 || logo[1] != 255 || half != 0.5 {
		t.Fatalf("read %q %v %v %v %v: %v", name, total, null, logo, half, err)
	}
	if v, err := db.Setting(ctx, "pipelined"); err != nil || v != "second" {
		t.Fatalf("after commit: %q %v", v, err)
	}
}

func TestAPipelinedWriteThatFailsFailsTheTransaction(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	db.SetSettings(ctx, map[string]string{"taken": "yes"})
	// Failing at the commit: nothing of the transaction is kept.
	err := db.inTx(ctx, func(tx *Tx) error {
		if err := tx.ExecLater(ctx, `INSERT INTO settings (name, value, updated_at) VALUES ('kept', 'no', 1)`); err != nil {
			return err
		}
		return tx.ExecLater(ctx, `INSERT INTO settings (name, value, updated_at) VALUES ('taken', 'again', 1)`)
	})
	if !errors.Is(mapError(err), ErrConflict) {
		t.Fatalf("commit: %v", err)
	}
	if _, err := db.Setting(ctx, "kept"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a write of a failed transaction was kept: %v", err)
	}
	// Failing before a query: the query says so, and the connection is
	// usable afterwards.
	err = db.inTx(ctx, func(tx *Tx) error {
		if err := tx.ExecLater(ctx, `INSERT INTO settings (name, value, updated_at) VALUES ('taken', 'again', 1)`); err != nil {
			return err
		}
		var n int
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM settings`).Scan(&n)
	})
	if !errors.Is(mapError(err), ErrConflict) {
		t.Fatalf("query after a failed write: %v", err)
	}
	for range 20 { // every writer connection is clean again
		if err := db.SetSettings(ctx, map[string]string{"after": "ok"}); err != nil {
			t.Fatal(err)
		}
	}
}
