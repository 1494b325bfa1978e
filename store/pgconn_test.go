package store

import (
	"context"
	"errors"
	"strconv"
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

// A statement behind the commit (the notice to other processes) goes out
// with the COMMIT but runs in a transaction of its own, only once the
// COMMIT is done, and fails nothing of the transaction before it.
func TestAStatementBehindTheCommitRunsInATransactionOfItsOwn(t *testing.T) {
	t.Parallel()
	if !onPostgres {
		t.Skip("PostgreSQL's pipeline")
	}
	db := newTestDB(t)
	ctx := context.Background()
	var writer int64
	err := db.inTx(ctx, func(tx *Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT CAST(txid_current() AS BIGINT)`).Scan(&writer); err != nil {
			return err
		}
		if err := tx.ExecLater(ctx, `INSERT INTO settings (name, value, updated_at) VALUES ('written', 'yes', 1)`); err != nil {
			return err
		}
		return tx.ExecAfterCommit(ctx, `INSERT INTO settings (name, value, updated_at) VALUES ('behind', CAST(txid_current() AS TEXT), 2)`)
	})
	if err != nil {
		t.Fatal(err)
	}
	behind, err := db.Setting(ctx, "behind")
	if err != nil || behind == "" || behind == strconv.FormatInt(writer, 10) {
		t.Fatalf("the statement behind the commit ran in transaction %q (%v), the writer's was %d", behind, err, writer)
	}

	// Not after a commit that failed.
	db.SetSettings(ctx, map[string]string{"taken": "yes"})
	err = db.inTx(ctx, func(tx *Tx) error {
		if err := tx.ExecLater(ctx, `INSERT INTO settings (name, value, updated_at) VALUES ('taken', 'again', 1)`); err != nil {
			return err
		}
		return tx.ExecAfterCommit(ctx, `INSERT INTO settings (name, value, updated_at) VALUES ('after a failure', 'yes', 1)`)
	})
	if !errors.Is(mapError(err), ErrConflict) {
		t.Fatalf("commit: %v", err)
	}
	if _, err := db.Setting(ctx, "after a failure"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the statement behind a failed commit ran: %v", err)
	}

	// Its own failure is not the commit's.
	err = db.inTx(ctx, func(tx *Tx) error {
		if err := tx.ExecLater(ctx, `INSERT INTO settings (name, value, updated_at) VALUES ('committed', 'yes', 1)`); err != nil {
			return err
		}
		return tx.ExecAfterCommit(ctx, `INSERT INTO settings (name, value, updated_at) VALUES ('taken', 'a third time', 1)`)
	})
	if err != nil {
		t.Fatalf("a failure behind the commit failed the commit: %v", err)
	}
	if v, err := db.Setting(ctx, "committed"); err != nil || v != "yes" {
		t.Fatalf("the transaction before a failure behind its commit: %q %v", v, err)
	}
	if err := db.inTx(ctx, func(tx *Tx) error {
		return tx.ExecLater(ctx, `UPDATE settings SET value = 'next' WHERE name = 'committed'`)
	}); err != nil {
		t.Fatalf("the connection after a failure behind a commit: %v", err)
	}
}
