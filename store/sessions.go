package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// NewToken returns n random bytes, URL-safe base64 encoded without padding.
func NewToken(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand panics rather than return short)
	return base64.RawURLEncoding.EncodeToString(b)
}

// NewInvitationToken makes a candidate's URL token: 48 bits of the time in
// milliseconds, then 144 random bits. Unguessable all the same, and
// tokens made together sort together, so a bulk import appends to the
// token index instead of touching a random page of it for every row
// (random tokens made imports twice as slow).
func NewInvitationToken() string {
	b := make([]byte, 24)
	ms := uint64(time.Now().UnixMilli())
	for i := range 6 {
		b[i] = byte(ms >> (40 - 8*i))
	}
	rand.Read(b[6:])
	return sortableBase64.EncodeToString(b)
}

// sortableBase64 is URL-safe base64 with its alphabet in byte order, so
// that encoded tokens sort as their bytes do.
var sortableBase64 = base64.NewEncoding("-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz").WithPadding(base64.NoPadding)

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateSession starts a console session for the user and returns its id,
// which only the cookie carries; the database keeps its hash.
func (db *DB) CreateSession(ctx context.Context, userID int64, ttl time.Duration) (string, error) {
	id := NewToken(32)
	now := db.Now()
	err := db.inTx(ctx, func(tx *Tx) error {
		// Sweep this user's expired sessions while we hold the lock anyway.
		if _, err := tx.ExecContext(ctx, `DELETE FROM console_sessions WHERE user_id = ? AND expires_at <= ?`, userID, millis(now)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO console_sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			hashToken(id), userID, millis(now), millis(now.Add(ttl)))
		return mapError(err)
	})
	return id, err
}

// SessionUser returns the active user of a live session, or ErrNotFound.
func (db *DB) SessionUser(ctx context.Context, sessionID string) (User, error) {
	return scanUser(db.queryRow(ctx, `SELECT u.id, u.email, u.name, u.role, u.disabled_at, u.created_at
		FROM console_sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id_hash = ? AND s.expires_at > ? AND u.disabled_at IS NULL`,
		hashToken(sessionID), millis(db.Now())))
}

// DeleteSession ends a session; ending an unknown one is not an error.
func (db *DB) DeleteSession(ctx context.Context, sessionID string) error {
	_, err := db.execUncached(ctx, `DELETE FROM console_sessions WHERE id_hash = ?`, hashToken(sessionID))
	return err
}
