package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// BackupResult describes a finished backup.
type BackupResult struct {
	Path          string
	Bytes         int64
	SchemaVersion int
	Invitations   int
}

// Backup writes a consistent copy of the database to path while the server
// keeps running: VACUUM INTO reads one snapshot (in WAL mode writers go on
// meanwhile) into a temporary file, which is checked and then renamed into
// place, so path is either absent or a whole, verified backup. An existing
// file is not overwritten.
func (db *DB) Backup(ctx context.Context, path string) (BackupResult, error) {
	if _, err := os.Stat(path); err == nil {
		return BackupResult{}, fmt.Errorf("store: backup: %s already exists", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return BackupResult{}, fmt.Errorf("store: backup: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return BackupResult{}, fmt.Errorf("store: backup: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return BackupResult{}, fmt.Errorf("store: backup: %w", err)
	}
	tmp.Close()
	os.Remove(tmp.Name()) // VACUUM INTO wants to create the file itself
	defer os.Remove(tmp.Name())

	// A connection of its own: the reader pool is query_only, and the
	// writer must stay free for the server.
	conn, err := sql.Open("sqlite", "file:"+db.path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return BackupResult{}, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, tmp.Name()); err != nil {
		return BackupResult{}, fmt.Errorf("store: backup: %w", err)
	}
	res, err := verifyBackup(ctx, tmp.Name())
	if err != nil {
		return BackupResult{}, err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return BackupResult{}, fmt.Errorf("store: backup: %w", err)
	}
	res.Path = path
	return res, nil
}

// verifyBackup opens a copy read-only and checks it whole.
func verifyBackup(ctx context.Context, path string) (BackupResult, error) {
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return BackupResult{}, err
	}
	defer conn.Close()
	var verdict string
	if err := conn.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&verdict); err != nil || verdict != "ok" {
		return BackupResult{}, fmt.Errorf("store: backup failed its integrity check: %q %v", verdict, err)
	}
	var res BackupResult
	if err := conn.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&res.SchemaVersion); err != nil {
		return BackupResult{}, fmt.Errorf("store: backup: %w", err)
	}
	if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM invitations`).Scan(&res.Invitations); err != nil {
		return BackupResult{}, fmt.Errorf("store: backup: %w", err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return BackupResult{}, err
	}
	res.Bytes = st.Size()
	return res, nil
}
