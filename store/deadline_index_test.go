package store

import (
	"context"
	"strings"
	"testing"
)

// The deadline sweep's index holds started attempts alone, so inviting,
// opening and completing a candidate no longer write it (one of the nine
// entries a new invitation wrote in SQLite's indexes), and the sweep still
// finds its attempts by the index.
func TestTheDeadlineIndexHoldsStartedAttemptsAlone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := newTestDB(t)
	invs := oneQuestionTest(t, db,
		NewInvitation{Name: "Ana", Email: "ana@example.com"},
		NewInvitation{Name: "Ben", Email: "ben@example.com"},
		NewInvitation{Name: "Cy", Email: "cy@example.com"})
	if _, err := db.OpenInvitation(ctx, invs[1].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.StartInvitation(ctx, invs[2].ID); err != nil {
		t.Fatal(err)
	}
	if n := deadlineIndexEntries(t, db); n != 1 {
		t.Fatalf("the deadline index holds %d entries for one started attempt among three invitations", n)
	}

	var plan string
	if onPostgres {
		// The table is too small for PostgreSQL to prefer an index on its
		// own; what matters is that the index serves the sweep at all.
		tx, err := db.w.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
			t.Fatal(err)
		}
		plan = explain(t, tx, `EXPLAIN `+dialectPostgres.overdueAttempts(), 0)
	} else {
		plan = sqlitePlan(t, db, dialectSQLite.overdueAttempts(), 0)
	}
	if !strings.Contains(plan, "invitations_deadline") {
		t.Fatalf("the sweep does not use the deadline index:\n%s", plan)
	}
}

// deadlineIndexEntries counts the entries of the deadline index: SQLite's
// dbstat reads its pages; PostgreSQL's VACUUM counts them into pg_class.
func deadlineIndexEntries(t *testing.T, db *DB) int {
	t.Helper()
	ctx := context.Background()
	var n float64
	if onPostgres {
		if _, err := db.w.ExecContext(ctx, `VACUUM invitations`); err != nil {
			t.Fatal(err)
		}
		if err := db.w.QueryRowContext(ctx, `SELECT reltuples FROM pg_class WHERE relname = 'invitations_deadline'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	if err := db.r.QueryRowContext(ctx, `SELECT COALESCE(SUM(ncell), 0) FROM dbstat WHERE name = 'invitations_deadline'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return int(n)
}
