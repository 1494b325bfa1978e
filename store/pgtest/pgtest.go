// Package pgtest gives a test a database of its own on the PostgreSQL
// cluster the tests run beside: make test starts one on loopback
// (.ci/postgres) and names it in TESTGATE_TEST_POSTGRES.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// URL is the cluster's URL; without one the test fails, saying how to get it.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("TESTGATE_TEST_POSTGRES")
	if u == "" {
		t.Fatal("TESTGATE_TEST_POSTGRES is not set: run the tests with make test, or start a cluster with " +
			"`export TESTGATE_TEST_POSTGRES=$(bash .ci/postgres)`")
	}
	return u
}

// NewDatabase creates an empty database, dropped when the test ends, and
// returns its URL.
func NewDatabase(t testing.TB) string {
	t.Helper()
	return NewDatabaseFrom(t, "")
}

// NewDatabaseFrom creates a database as a copy of template (none: empty),
// dropped when the test ends, and returns its URL.
func NewDatabaseFrom(t testing.TB, template string) string {
	t.Helper()
	admin := URL(t)
	b := make([]byte, 8)
	rand.Read(b)
	name := "tg_" + hex.EncodeToString(b)
	create := `CREATE DATABASE ` + name
	if template != "" {
		create += ` TEMPLATE ` + template
	}
	exec(t, admin, create)
	t.Cleanup(func() { exec(t, admin, `DROP DATABASE `+name+` WITH (FORCE)`) })
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

func exec(t testing.TB, dsn, statement string) {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), statement); err != nil {
		t.Fatal(err)
	}
}
