package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// PostgreSQL's migrations: a baseline holding SQLite's first ones in one,
// then a twin of each later SQLite migration, of the same number.
//
//go:embed migrations/postgres/*.sql
var postgresMigrationFiles embed.FS

// Migration is one numbered schema change, embedded in the binary.
type Migration struct {
	Version int
	Name    string
	sql     string
}

// Migrations lists the embedded SQLite migrations in version order.
func Migrations() ([]Migration, error) { return migrationsOf(dialectSQLite) }

// migrationsOf lists a dialect's migrations in version order: SQLite's run
// 1..n, PostgreSQL's from its baseline to the same n, without gaps.
func migrationsOf(d dialect) ([]Migration, error) {
	files, dir := fs.FS(migrationFiles), "migrations"
	if d == dialectPostgres {
		files, dir = postgresMigrationFiles, "migrations/postgres"
	}
	entries, err := fs.ReadDir(files, dir)
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		base := strings.TrimSuffix(e.Name(), ".sql")
		num, name, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("store: migration %q is not named NNNN_name.sql", e.Name())
		}
		body, err := fs.ReadFile(files, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: name, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	first := 1
	if d == dialectPostgres && len(out) > 0 {
		first = out[0].Version
	}
	for i, m := range out {
		if m.Version != first+i {
			return nil, fmt.Errorf("store: migration versions must run %d..n without gaps; found %d at position %d", first, m.Version, i+1)
		}
	}
	return out, nil
}

// LatestVersion is the schema version this binary knows.
func LatestVersion() int {
	ms, err := Migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}

// createMigrationsTable is the table of applied versions; PostgreSQL's
// integers are 32 bits unless asked, and applied_at is in milliseconds.
func (db *DB) createMigrationsTable() string {
	integer := "INTEGER"
	if db.Postgres() {
		integer = "BIGINT"
	}
	return `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    ` + integer + ` PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at ` + integer + ` NOT NULL
)`
}

// SchemaVersion is the highest migration applied to the database (0 for none).
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	// Creating it is the first thing two processes starting at once do; on
	// PostgreSQL two concurrent CREATE TABLE IF NOT EXISTS can collide.
	err := db.inTx(ctx, func(tx *Tx) error {
		if err := tx.migrationLock(ctx); err != nil {
			return err
		}
		return tx.execScript(ctx, db.createMigrationsTable())
	})
	if err != nil {
		return 0, fmt.Errorf("store: schema_migrations: %w", err)
	}
	var v sql.NullInt64
	if err := db.w.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("store: read schema version: %w", err)
	}
	return int(v.Int64), nil
}

// Migrate applies every migration the database lacks, each in its own
// transaction together with its version row, and returns the ones applied.
// A database newer than this binary is refused rather than guessed at.
// Processes migrating at once take turns: SQLite's write lock, or an
// advisory lock on PostgreSQL, and each checks the version again inside.
func (db *DB) Migrate(ctx context.Context) ([]Migration, error) {
	all, err := migrationsOf(db.dialect)
	if err != nil {
		return nil, err
	}
	current, err := db.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	if latest := LatestVersion(); current > latest {
		return nil, fmt.Errorf("store: database schema is at version %d but this binary knows only %d: upgrade testgate", current, latest)
	}
	var applied []Migration
	for _, m := range all {
		if m.Version <= current {
			continue
		}
		done := false
		err := db.inTx(ctx, func(tx *Tx) error {
			if err := tx.migrationLock(ctx); err != nil {
				return err
			}
			var v sql.NullInt64
			if err := tx.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
				return err
			}
			if done = int(v.Int64) >= m.Version; done {
				return nil // another process applied it meanwhile
			}
			if err := tx.execScript(ctx, m.sql); err != nil {
				return fmt.Errorf("store: migration %04d_%s: %w", m.Version, m.Name, err)
			}
			_, err := tx.ExecContext(ctx,
				`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.Version, m.Name, millis(db.Now()))
			return err
		})
		if err != nil {
			return applied, err
		}
		if !done {
			applied = append(applied, m)
		}
	}
	return applied, nil
}

// migrationLock makes processes migrating one database take turns: on
// SQLite the transaction's write lock already does.
func (t *Tx) migrationLock(ctx context.Context) error {
	if t.dialect != dialectPostgres {
		return nil
	}
	_, err := t.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7364726)`)
	return err
}

// CheckSchema returns an error unless the database is exactly at the
// binary's schema version; serve refuses to run on anything else.
func (db *DB) CheckSchema(ctx context.Context) error {
	current, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if latest := LatestVersion(); current != latest {
		return fmt.Errorf("store: database schema is at version %d, this binary needs %d: run `testgate migrate`", current, latest)
	}
	return nil
}
