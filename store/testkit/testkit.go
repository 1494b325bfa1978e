// Package testkit gives each test a migrated database of its own in a few
// milliseconds: the first test of a process migrates a template once, and
// every test then gets a copy — a file copy on SQLite, CREATE DATABASE …
// TEMPLATE on PostgreSQL — instead of migrating from nothing (a second
// under -race). It knows nothing of the store: the caller says how to
// migrate.
package testkit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"testgate/store/pgtest"
)

// Migrate brings the database at dsn (a file path or a postgres:// URL) to
// the latest schema and closes every connection it opened.
type Migrate func(dsn string) error

var (
	sqliteOnce     sync.Once
	sqliteTemplate string
	sqliteErr      error

	postgresOnce     sync.Once
	postgresTemplate string
	postgresErr      error
)

// SQLite returns the path of a migrated database file in the test's temp
// dir, copied from the process's template.
func SQLite(t testing.TB, migrate Migrate) string {
	t.Helper()
	sqliteOnce.Do(func() {
		dir, err := os.MkdirTemp("", "testgate-template-")
		if err != nil {
			sqliteErr = err
			return
		}
		sqliteTemplate = filepath.Join(dir, "template.db")
		sqliteErr = migrate(sqliteTemplate)
	})
	if sqliteErr != nil {
		t.Fatalf("testkit: migrate the template: %v", sqliteErr)
	}
	path := filepath.Join(t.TempDir(), "testgate.db")
	for _, suffix := range []string{"", "-wal"} { // a clean close leaves no log; copy one if it is there
		if err := copyFile(sqliteTemplate+suffix, path+suffix); err != nil && !(suffix != "" && os.IsNotExist(err)) {
			t.Fatalf("testkit: copy the template: %v", err)
		}
	}
	return path
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Postgres returns the URL of a migrated database of the test's own on the
// tests' cluster (pgtest.URL), made from the process's template database
// and dropped when the test ends.
func Postgres(t testing.TB, migrate Migrate) string {
	t.Helper()
	admin := pgtest.URL(t)
	postgresOnce.Do(func() {
		dropStaleTemplates(admin)
		postgresTemplate = "tg_tpl_" + strconv.Itoa(os.Getpid()) + "_" + strings.ToLower(rand.Text()[:8])
		if postgresErr = exec(admin, `CREATE DATABASE `+postgresTemplate); postgresErr != nil {
			return
		}
		postgresErr = migrate(withDatabase(admin, postgresTemplate))
	})
	if postgresErr != nil {
		t.Fatalf("testkit: migrate the template: %v", postgresErr)
	}
	return pgtest.NewDatabaseFrom(t, postgresTemplate)
}

// dropStaleTemplates drops the templates of test processes that are gone,
// so that runs do not pile them up in a cluster kept between runs.
func dropStaleTemplates(admin string) {
	db, err := sql.Open("pgx", admin)
	if err != nil {
		return
	}
	defer db.Close()
	rows, err := db.QueryContext(context.Background(), `SELECT datname FROM pg_database WHERE datname LIKE 'tg\_tpl\_%'`)
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) != nil {
			continue
		}
		parts := strings.Split(name, "_") // tg, tpl, pid, tag
		if len(parts) != 4 {
			continue
		}
		if pid, err := strconv.Atoi(parts[2]); err == nil && syscall.Kill(pid, 0) != nil {
			stale = append(stale, name)
		}
	}
	rows.Close()
	for _, name := range stale {
		db.ExecContext(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	}
}

func withDatabase(admin, name string) string {
	u, err := url.Parse(admin)
	if err != nil {
		return admin
	}
	u.Path = "/" + name
	return u.String()
}

func exec(dsn, statement string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), statement); err != nil {
		return fmt.Errorf("%s: %w", statement, err)
	}
	return nil
}
