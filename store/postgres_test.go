package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"testgate/store/pgtest"
)

// newPostgresDB opens the store on a fresh database of the test cluster,
// dropped when the test ends; it does not migrate.
func newPostgresDB(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), pgtest.NewDatabase(t), testWiring)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// column is what both engines say of a column, in common terms.
type column struct {
	name, kind string
	notNull    bool
}

// TestPostgresSchemaMatchesSQLite migrates a SQLite file and a PostgreSQL
// database and compares them: the same tables, with the same columns of
// the same kinds and nullability, and the same named indexes. PostgreSQL's
// migrations are written by hand beside SQLite's; this holds them together.
func TestPostgresSchemaMatchesSQLite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lite, err := Open(ctx, filepath.Join(t.TempDir(), "tg.db"), testWiring)
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	pg := newPostgresDB(t)
	for _, db := range []*DB{lite, pg} {
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	}
	pgVersions, _ := migrationsOf(dialectPostgres)
	if last := pgVersions[len(pgVersions)-1].Version; last != LatestVersion() {
		t.Fatalf("PostgreSQL's migrations end at %d, SQLite's at %d", last, LatestVersion())
	}
	for _, db := range []*DB{lite, pg} {
		if err := db.CheckSchema(ctx); err != nil {
			t.Fatal(err)
		}
	}

	liteCols := sqliteColumns(t, lite.r)
	pgCols := postgresColumns(t, pg.r)
	for table, cols := range liteCols {
		if !slices.Equal(cols, pgCols[table]) {
			t.Errorf("%s:\n  SQLite     %v\n  PostgreSQL %v", table, cols, pgCols[table])
		}
	}
	for table := range pgCols {
		if _, ok := liteCols[table]; !ok {
			t.Errorf("PostgreSQL has a table SQLite has not: %s", table)
		}
	}
	liteIdx := names(t, lite.r, `SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL`)
	pgIdx := names(t, pg.r, `SELECT indexname FROM pg_indexes WHERE schemaname = 'public'
		AND indexname NOT LIKE '%\_pkey' AND indexname NOT LIKE '%\_key' AND indexname <> 'invitations_search_words'`)
	if !slices.Equal(liteIdx, pgIdx) {
		t.Errorf("indexes differ:\n  SQLite     %v\n  PostgreSQL %v", liteIdx, pgIdx)
	}
	if len(liteCols) < 30 || len(liteIdx) < 40 {
		t.Fatalf("read %d tables and %d indexes: the comparison is not reading the schema", len(liteCols), len(liteIdx))
	}
}

// sqliteColumns reads every table's columns (the search index's as the
// store writes them: rowid, name, email_norm).
func sqliteColumns(t *testing.T, r *sql.DB) map[string][]column {
	out := map[string][]column{}
	for _, table := range names(t, r, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'invitations_search%' AND name NOT LIKE 'sqlite_%'`) {
		rows, err := r.Query(`SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY name`, table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var c column
			var kind string
			var pk int
			if err := rows.Scan(&c.name, &kind, &c.notNull, &pk); err != nil {
				t.Fatal(err)
			}
			c.kind = map[string]string{"INTEGER": "integer", "TEXT": "text", "BLOB": "bytes"}[kind]
			c.notNull = c.notNull || pk > 0 // a key is never NULL in PostgreSQL
			out[table] = append(out[table], c)
		}
		rows.Close()
	}
	out["invitations_search"] = []column{{"email_norm", "text", true}, {"name", "text", true}, {"rowid", "integer", true}}
	return out
}

func postgresColumns(t *testing.T, r *sql.DB) map[string][]column {
	rows, err := r.Query(`SELECT table_name, column_name, data_type, is_nullable = 'NO' FROM information_schema.columns
		WHERE table_schema = 'public' AND NOT (table_name = 'invitations_search' AND column_name = 'words')
		ORDER BY table_name, column_name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]column{}
	for rows.Next() {
		var table, kind string
		var c column
		if err := rows.Scan(&table, &c.name, &kind, &c.notNull); err != nil {
			t.Fatal(err)
		}
		c.kind = map[string]string{"bigint": "integer", "text": "text", "bytea": "bytes"}[kind]
		out[table] = append(out[table], c)
	}
	return out
}

func names(t *testing.T, r *sql.DB, query string) []string {
	t.Helper()
	rows, err := r.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// Migrating again applies nothing, two processes migrating at once apply
// each migration once, and a database newer than the binary is refused
// by Migrate and CheckSchema alike — as on SQLite.
func TestPostgresMigratesOnceAndRefusesANewerSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	var pg, other *DB
	for _, db := range []**DB{&pg, &other} {
		var err error
		if *db, err = Open(ctx, url, testWiring); err != nil {
			t.Fatal(err)
		}
		defer (*db).Close()
	}
	results := make(chan []Migration, 2)
	for _, db := range []*DB{pg, other} {
		go func() {
			applied, err := db.Migrate(ctx)
			if err != nil {
				t.Error(err)
			}
			results <- applied
		}()
	}
	total := len(<-results) + len(<-results)
	if all, _ := migrationsOf(dialectPostgres); total != len(all) {
		t.Fatalf("%d migrations applied by the two, want %d", total, len(all))
	}
	if again, err := pg.Migrate(ctx); err != nil || len(again) != 0 {
		t.Fatalf("again: %v %v", again, err)
	}
	if _, err := pg.w.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', 0)`, LatestVersion()+1); err != nil {
		t.Fatal(err)
	}
	if _, err := pg.Migrate(ctx); err == nil || !strings.Contains(err.Error(), "upgrade testgate") {
		t.Fatalf("a newer schema migrated: %v", err)
	}
	if err := pg.CheckSchema(ctx); err == nil {
		t.Fatal("a newer schema passed the check")
	}
}

// The engine keeps the rules the schema states on PostgreSQL too: the
// audit log and timeline are append-only (the erasure's blanking allowed),
// the one default team exists and new teams number from 2, and search
// words are folded as SQLite's index folds them.
func TestPostgresSchemaKeepsItsRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pg := newPostgresDB(t)
	if _, err := pg.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := pg.exec(ctx, `INSERT INTO audit_log (at, actor, action, status) VALUES (?, 'user:a', 'POST /x', 200)`, 1); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`UPDATE audit_log SET actor = 'b'`, `DELETE FROM audit_log`} {
		if _, err := pg.exec(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v", q, err)
		}
	}
	var team string
	var next int64
	if err := pg.queryRow(ctx, `SELECT name FROM teams WHERE id = 1`).Scan(&team); err != nil || team != "Everyone" {
		t.Fatalf("team 1: %q %v", team, err)
	}
	if err := pg.w.QueryRowContext(ctx, `INSERT INTO teams (name, created_at, updated_at) VALUES ('QA', 1, 1) RETURNING id`).Scan(&next); err != nil || next != 2 {
		t.Fatalf("a new team numbered %d: %v", next, err)
	}
	if _, err := pg.exec(ctx, `INSERT INTO invitations_search (rowid, name, email_norm) VALUES (?, ?, ?)`, 1, "Jana Nováková", "jana.novak@example.com"); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]bool{"novakova": true, "jana & novak:*": true, "example & com": true, "nov:*": true, "novakov": false} {
		var n int
		if err := pg.queryRow(ctx, `SELECT COUNT(*) FROM invitations_search WHERE words @@ to_tsquery('simple', ?)`, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if (n == 1) != want {
			t.Errorf("%q matched %d", q, n)
		}
	}
}

// Two processes' stores writing at once through fresh statement caches:
// every writer waits for the writers' turn holding a connection, so a
// cache that closed a duplicate statement under its lock (waiting for a
// connection the turn's holder needs the cache to go on) stalled them all.
// The run must end, every invitation written.
func TestPostgresWritersAtOnceNeverStall(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	url := pgtest.NewDatabase(t)
	var dbs []*DB
	for range 2 {
		db, err := Open(ctx, url, testWiring)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		dbs = append(dbs, db)
	}
	if _, err := dbs[0].Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	tt, err := dbs[0].CreateTest(ctx, sampleTest, nil)
	if err != nil {
		t.Fatal(err)
	}
	link, _ := dbs[0].DefaultLink(ctx, tt.ID)
	const writers, each = 48, 12
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db := dbs[w%2]
			for i := range each {
				if _, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "W",
					Email: fmt.Sprintf("w%d-%d@example.com", w, i), Source: SourceNative}); err != nil {
					errs <- err
					return
				}
				db.Audit(ctx, AuditEntry{At: db.Now(), Actor: "api:test", Action: "POST /invitations", Status: 201})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err) // a stall ends in the deadline's error
	}
	if _, total, err := dbs[1].Invitations(ctx, InvitationFilter{TestID: tt.ID}); err != nil || total != writers*each {
		t.Fatalf("%d invited, %v", total, err)
	}
}
