package store

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"testgate/store/testkit"
)

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
	conn, err := db.w.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, stmt := range []string{
		`ANALYZE`, // the statistics of a test with one invitation
		`PREPARE page_read(text) AS SELECT ` + invitationColumns + invitationFrom + ` WHERE i.token = $1`,
		`SET plan_cache_mode = force_generic_plan`, // as after a prepared statement's fifth run
		// 30,000 more invitations of the test, not yet analyzed.
		`INSERT INTO invitations (test_id, link_id, token, name, email, email_norm, status, source, invited_at, created_at, updated_at)
			SELECT test_id, link_id, token || '-' || g, name, g || email, g || email_norm, status, source, invited_at, created_at, updated_at
			FROM invitations, generate_series(1, 30000) g WHERE id = ` + strconv.FormatInt(invs[0].ID, 10),
	} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := conn.QueryContext(ctx, `EXPLAIN EXECUTE page_read('`+invs[0].Token+`-77')`)
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
	// By the address's index, as an index scan or a bitmap one; never
	// by the test's, nor the whole table.
	byAddress := strings.Contains(plan.String(), "using invitations_email on invitations p") ||
		strings.Contains(plan.String(), "Bitmap Index Scan on invitations_email")
	if !byAddress || strings.Contains(plan.String(), "invitations_test") || strings.Contains(plan.String(), "Seq Scan on invitations p") {
		t.Fatalf("the person is not found by the address:\n%s", plan.String())
	}
}
