package main

// The commands on PostgreSQL: the administrative ones run the same tests
// on both engines (eachDatabase); copy moves a SQLite installation there.

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"testgate/store"
	"testgate/store/pgtest"
)

// eachDatabase runs an administrative command's test on a fresh SQLite
// file and on a fresh PostgreSQL database: the same test on both.
func eachDatabase(t *testing.T, test func(t *testing.T, db string)) {
	t.Run("sqlite", func(t *testing.T) { test(t, filepath.Join(t.TempDir(), "data", "tg.db")) })
	t.Run("postgres", func(t *testing.T) { test(t, pgtest.NewDatabase(t)) })
}

// A PostgreSQL URL's password is never printed.
func TestMigrateHidesThePassword(t *testing.T) {
	t.Parallel()
	u, err := url.Parse(pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword("postgres", "s3cret-password") // trust authentication ignores it
	out, stderr, err := runCmd(t, "migrate", "--db", u.String())
	if err != nil || strings.Contains(out+stderr, "s3cret") || !strings.Contains(out, "postgres:xxxxx@") {
		t.Fatalf("%v\n%s%s", err, out, stderr)
	}
}

// Backing up is refused on PostgreSQL, saying what to use instead.
func TestBackupRefusesPostgres(t *testing.T) {
	t.Parallel()
	if _, _, err := runCmd(t, "backup", "--db", pgtest.NewDatabase(t), "--to", filepath.Join(t.TempDir(), "b.db")); err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("backup: %v", err)
	}
}

// `copy` moves a SQLite installation to PostgreSQL and says what it
// verified; the copy serves; a running server's file is refused.
func TestCopyCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "tg.db")
	if _, _, err := runCmd(t, "user", "create", "--db", path, "--email", "rita@example.com", "--password", "rita's password", "--role", "admin"); err != nil {
		t.Fatal(err)
	}
	pg := pgtest.NewDatabase(t)
	out, _, err := runCmd(t, "copy", "--from", path, "--to", pg)
	if err != nil || !strings.Contains(out, "users") || !strings.Contains(out, "each verified by count and checksum") {
		t.Fatalf("%v\n%s", err, out)
	}
	db := openDB(t, pg)
	if u, err := db.Authenticate(context.Background(), "rita@example.com", "rita's password"); err != nil || u.Role != store.RoleAdmin {
		t.Fatalf("the copied user: %+v %v", u, err)
	}
	unlock, err := lockDatabase(path) // as serve holds it
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if _, _, err := runCmd(t, "copy", "--from", path, "--to", pg); err == nil || !strings.Contains(err.Error(), "stop it first") {
		t.Fatalf("a copy of a served file: %v", err)
	}
	for _, args := range [][]string{{"--from", path}, {"--from", pg, "--to", pg}, {"--from", path, "--to", path}} {
		if _, _, err := runCmd(t, append([]string{"copy"}, args...)...); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
