package store

import (
	"context"
	"database/sql"
	"errors"
)

// Setting names kept in the settings table.
const (
	SettingSessionKey    = "session_key"
	SettingWebhookSecret = "webhook_secret"
)

// Setting returns a stored setting or ErrNotFound.
func (db *DB) Setting(ctx context.Context, name string) (string, error) {
	var v string
	err := db.queryRow(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return v, err
}

// SettingOrCreate returns the stored setting, or stores and returns the value
// generate makes. Concurrent first starts agree on one value: the insert is
// conditional and the stored value is read back in the same transaction.
func (db *DB) SettingOrCreate(ctx context.Context, name string, generate func() (string, error)) (string, error) {
	if v, err := db.Setting(ctx, name); err == nil || !errors.Is(err, ErrNotFound) {
		return v, err
	}
	fresh, err := generate()
	if err != nil {
		return "", err
	}
	var v string
	err = db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO settings (name, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING`,
			name, fresh, millis(db.Now())); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&v)
	})
	return v, err
}

// SetSettings stores several settings in one transaction.
func (db *DB) SetSettings(ctx context.Context, values map[string]string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		now := millis(db.Now())
		for name, value := range values {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (name, value, updated_at) VALUES (?, ?, ?)
				ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, name, value, now); err != nil {
				return err
			}
		}
		return nil
	})
}
