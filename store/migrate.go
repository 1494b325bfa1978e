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

// Migration is one numbered schema change, embedded in the binary.
type Migration struct {
	Version int
	Name    string
	sql     string
}

// Migrations lists the embedded migrations in version order.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
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
		body, err := migrationFiles.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: name, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("store: migration versions must run 1..n without gaps; found %d at position %d", m.Version, i+1)
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

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at INTEGER NOT NULL
)`

// SchemaVersion is the highest migration applied to the database (0 for none).
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	if _, err := db.w.ExecContext(ctx, createMigrationsTable); err != nil {
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
func (db *DB) Migrate(ctx context.Context) ([]Migration, error) {
	all, err := Migrations()
	if err != nil {
		return nil, err
	}
	current, err := db.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	if latest := len(all); current > latest {
		return nil, fmt.Errorf("store: database schema is at version %d but this binary knows only %d: upgrade testgate", current, latest)
	}
	var applied []Migration
	for _, m := range all[current:] {
		err := db.inTx(ctx, func(tx *Tx) error {
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
		applied = append(applied, m)
	}
	return applied, nil
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
