package store

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"testgate/store/testkit"
)

// Indexing a new invitation for search looks that invitation up by its
// key, not by reading every invitation. On PostgreSQL "id IN (the rows of
// a JSON array)" is planned for the 100 rows it guesses the array holds,
// and while the table is smaller than some ten thousand rows it read the
// table whole and hashed it to find the one new id: every invitation made
// through the API read all the others.
func TestIndexingForSearchLooksUpItsInvitationsOnPostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openTestDB(t, testkit.Postgres(t, migrateTemplate), testWiring)
	invs := oneQuestionTest(t, db, NewInvitation{Name: "Jana Novak", Email: "jana@example.com"})
	// 3,000 more on the link, as after a team's first drives, and the
	// statistics that say so.
	if _, err := db.w.ExecContext(ctx, `INSERT INTO invitations (test_id, link_id, token, name, email, email_norm, status, source, invited_at, created_at, updated_at)
		SELECT test_id, link_id, token || '-' || g, name, g || email, g || email_norm, status, source, invited_at, created_at, updated_at
		FROM invitations, generate_series(1, 3000) g WHERE id = ?`, invs[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.ExecContext(ctx, `ANALYZE invitations`); err != nil {
		t.Fatal(err)
	}
	rows, err := db.w.QueryContext(ctx, `EXPLAIN `+dialectPostgres.indexForSearch(), "["+strconv.FormatInt(invs[0].ID, 10)+"]")
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
	if !strings.Contains(plan.String(), "invitations_pkey") || strings.Contains(plan.String(), "Seq Scan on invitations ") {
		t.Fatalf("indexing one invitation for search does not look it up by its key:\n%s", plan.String())
	}
}
