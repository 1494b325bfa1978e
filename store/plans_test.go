package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"testing"

	"testgate/store/testkit"
)

// The plans of the statements every invitation and every candidate page
// run, checked with EXPLAIN (PostgreSQL) and EXPLAIN QUERY PLAN (SQLite),
// and the helpers that read them.

// Indexing a new invitation for search looks that invitation up by its
// key, not by reading every invitation. On PostgreSQL "id IN (the rows of
// a JSON array)" is planned for the 100 rows it guesses the array holds,
// and while the table is smaller than some ten thousand rows it read the
// table whole and hashed it to find the one new id: every invitation made
// through the API read all the others.
func TestIndexingForSearchLooksUpItsInvitationsOnPostgres(t *testing.T) {
	t.Parallel()
	db := openTestDB(t, testkit.Postgres(t, migrateTemplate), testWiring)
	invs := oneQuestionTest(t, db, NewInvitation{Name: "Jana Novak", Email: "jana@example.com"})
	growAndAnalyze(t, db, invs[0], 3000)
	plan := explain(t, db.w, `EXPLAIN `+dialectPostgres.indexForSearch(), "["+strconv.FormatInt(invs[0].ID, 10)+"]")
	if !strings.Contains(plan, "invitations_pkey") || strings.Contains(plan, "Seq Scan on invitations ") {
		t.Fatalf("indexing one invitation for search does not look it up by its key:\n%s", plan)
	}
}

// A candidate page's read finds the candidate's person (their address's
// first invitation in the team) by the address, even in a plan made while
// the statistics said the test had one invitation: prepared statements
// keep their plans, and a table grown by an import is analyzed a minute or
// more later. Such a plan read every invitation of the test's index on
// every page read (5 ms and 1,270 pages at 30,000 invitations).
func TestAPersonIsFoundByTheAddressInAStalePlanOnPostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openTestDB(t, testkit.Postgres(t, migrateTemplate), testWiring)
	invs := oneQuestionTest(t, db, NewInvitation{Name: "Jana Novak", Email: "jana@example.com"})
	conn, err := db.w.Conn(ctx) // the prepared statement and the setting are the connection's
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, stmt := range []string{
		`ANALYZE`, // the statistics of a test with one invitation
		`PREPARE page_read(text) AS SELECT ` + invitationColumns + invitationFrom + ` WHERE i.token = $1`,
		`SET plan_cache_mode = force_generic_plan`, // as after a prepared statement's fifth run
		copiesOfInvitation(invs[0], 30000),         // not yet analyzed
	} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	plan := explain(t, conn, `EXPLAIN EXECUTE page_read('`+invs[0].Token+`-77')`)
	// By the address's index, as an index scan or a bitmap one; never
	// by the test's, nor the whole table.
	byAddress := strings.Contains(plan, "using invitations_email on invitations p") ||
		strings.Contains(plan, "Bitmap Index Scan on invitations_email")
	if !byAddress || strings.Contains(plan, "invitations_test") || strings.Contains(plan, "Seq Scan on invitations p") {
		t.Fatalf("the person is not found by the address:\n%s", plan)
	}
}

// copiesOfInvitation is a statement that copies inv n times onto its link,
// each copy with a token ("<token>-<n>") and an address of its own.
func copiesOfInvitation(inv Invitation, n int) string {
	return `INSERT INTO invitations (test_id, link_id, token, name, email, email_norm, status, source, invited_at, created_at, updated_at)
		SELECT test_id, link_id, token || '-' || g, name, g || email, g || email_norm, status, source, invited_at, created_at, updated_at
		FROM invitations, generate_series(1, ` + strconv.Itoa(n) + `) g WHERE id = ` + strconv.FormatInt(inv.ID, 10)
}

// growAndAnalyze copies inv n times onto its link, as after a team's first
// drives, and has PostgreSQL's statistics say so.
func growAndAnalyze(t *testing.T, db *DB, inv Invitation, n int) {
	t.Helper()
	for _, stmt := range []string{copiesOfInvitation(inv, n), `ANALYZE invitations`} {
		if _, err := db.w.ExecContext(context.Background(), stmt); err != nil {
			t.Fatal(err)
		}
	}
}

// explain runs an EXPLAIN and returns its plan.
func explain(t *testing.T, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, query string, args ...any) string {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatal(err)
	}
	var plan strings.Builder
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(line + "\n")
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	return plan.String()
}

// The newest invitation of an address on a link, read by every invite, is
// looked up by the address on both engines, with the link bound through
// the CAST that keeps SQLite from planning it again when the link changes
// between 1 and another (BenchmarkInviteAcrossLinks).
func TestTheAddressOnALinkIsLookedUpByItsIndex(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	invs := oneQuestionTest(t, db, NewInvitation{Name: "Jana Novak", Email: "jana@example.com"})
	query := `SELECT ` + invitationColumns + invitationFrom + invitationOnLink
	var plan string
	if db.Postgres() {
		growAndAnalyze(t, db, invs[0], 3000)
		plan = explain(t, db.w, `EXPLAIN `+query, invs[0].LinkID, "jana@example.com")
	} else {
		plan = sqlitePlan(t, db, query, invs[0].LinkID, "jana@example.com")
	}
	// By the link and the address, or (PostgreSQL, knowing an address has
	// few invitations) by the address newest first; never the link's
	// whole index, nor the table.
	byAddress := strings.Contains(plan, "invitations_link_email") || strings.Contains(plan, "invitations_one_live_per_link") ||
		strings.Contains(plan, "Index Scan Backward using invitations_email on invitations i ")
	if !byAddress || strings.Contains(plan, "Seq Scan on invitations i ") || strings.Contains(plan, "SCAN i") {
		t.Fatalf("the address on a link is not looked up by its index:\n%s", plan)
	}
}

// sqlitePlan is SQLite's EXPLAIN QUERY PLAN of query, its steps one a line.
func sqlitePlan(t *testing.T, db *DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.r.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(detail + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan.String()
}
