package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"time"
)

// APIKey authenticates an integration. The key itself is shown once and
// stored only as a hash; PublicID ("ak") and SigningSecret are kept because
// signed dialects (ThinkExam) name the key by ak and sign with the secret.
type APIKey struct {
	ID            int64
	Name          string
	PublicID      string
	SigningSecret string
	CreatedBy     *int64
	CreatedAt     time.Time
	LastUsedAt    *time.Time
	RevokedAt     *time.Time
	Scope         KeyScope
	ExpiresAt     *time.Time // nil: never
	TeamID        *int64     // nil: every team
}

// Teams is what the key reaches, as a scope.
func (k APIKey) Teams() Teams {
	if k.TeamID == nil {
		return nil
	}
	return Teams{*k.TeamID}
}

// KeyScope is what a key may do. Each reaches what the ones before it do.
type KeyScope string

const (
	ScopeRead   KeyScope = "read"   // read tests, links, invitations and reports
	ScopeInvite KeyScope = "invite" // and create, cancel and re-attempt invitations
	ScopeFull   KeyScope = "full"   // and everything else: tests, links, grades, the bank, erasure
)

// KeyScopes lists them from the least to the most.
var KeyScopes = []KeyScope{ScopeRead, ScopeInvite, ScopeFull}

func (s KeyScope) rank() int {
	for i, k := range KeyScopes {
		if k == s {
			return i
		}
	}
	return -1
}

// Reaches reports whether a key of scope s may do what needs scope need.
func (s KeyScope) Reaches(need KeyScope) bool { return s.rank() >= need.rank() && need.rank() >= 0 }

// NewAPIKey is a key to make: its name, scope (empty: full), expiry (nil:
// never) and the console user making it (nil: the command line).
type NewAPIKey struct {
	Name      string
	Scope     KeyScope
	ExpiresAt *time.Time
	CreatedBy *int64
	TeamID    *int64 // nil: every team
}

// CreatedAPIKey is a new key with the secret the caller must hand over now.
type CreatedAPIKey struct {
	APIKey
	Key string
}

// apiKeyPrefix marks Testgate keys so secret scanners can spot leaked ones.
const apiKeyPrefix = "tgk_"

const apiKeyColumns = `id, name, public_id, signing_secret, created_by, created_at, last_used_at, revoked_at, scope, expires_at, team_id`

func scanAPIKey(r row) (APIKey, error) {
	var k APIKey
	var createdBy, lastUsed, revoked, expires, team sql.NullInt64
	var created int64
	if err := r.Scan(&k.ID, &k.Name, &k.PublicID, &k.SigningSecret, &createdBy, &created, &lastUsed, &revoked, &k.Scope, &expires, &team); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return APIKey{}, ErrNotFound
		}
		return APIKey{}, err
	}
	if createdBy.Valid {
		k.CreatedBy = &createdBy.Int64
	}
	k.CreatedAt = fromMillis(created)
	k.LastUsedAt = timePtr(lastUsed)
	k.RevokedAt = timePtr(revoked)
	k.ExpiresAt = timePtr(expires)
	if team.Valid {
		k.TeamID = &team.Int64
	}
	return k, nil
}

// CreateAPIKey makes a named key.
func (db *DB) CreateAPIKey(ctx context.Context, n NewAPIKey) (CreatedAPIKey, error) {
	name := strings.TrimSpace(n.Name)
	fe := FieldErrors{}
	switch {
	case name == "":
		fe["name"] = ProblemRequired
	case len(name) > 100:
		fe["name"] = "must be at most 100 characters"
	}
	if n.Scope == "" {
		n.Scope = ScopeFull
	}
	if n.Scope.rank() < 0 {
		fe["scope"] = "must be full, invite or read"
	}
	if n.ExpiresAt != nil && !n.ExpiresAt.After(db.Now()) {
		fe["expiresAt"] = "must be in the future"
	}
	if err := fe.orNil(); err != nil {
		return CreatedAPIKey{}, err
	}
	createdBy := n.CreatedBy
	pub := make([]byte, 10)
	rand.Read(pub)
	key := apiKeyPrefix + NewToken(32)
	var creator sql.NullInt64
	if createdBy != nil {
		creator = sql.NullInt64{Int64: *createdBy, Valid: true}
	}
	var expires sql.NullInt64
	if n.ExpiresAt != nil {
		expires = sql.NullInt64{Int64: millis(*n.ExpiresAt), Valid: true}
	}
	var team sql.NullInt64
	if n.TeamID != nil {
		var known int
		if err := db.queryRow(ctx, `SELECT COUNT(*) FROM teams WHERE id = ?`, *n.TeamID).Scan(&known); err != nil {
			return CreatedAPIKey{}, err
		}
		if known == 0 {
			return CreatedAPIKey{}, FieldErrors{"team": "must be one of the teams"}
		}
		team = sql.NullInt64{Int64: *n.TeamID, Valid: true}
	}
	row := db.w.QueryRowContext(ctx, `INSERT INTO api_keys (name, public_id, key_hash, signing_secret, created_by, created_at, scope, expires_at, team_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+apiKeyColumns,
		name, hex.EncodeToString(pub), hashToken(key), NewToken(32), creator, millis(db.Now()), n.Scope, expires, team)
	k, err := scanAPIKey(row)
	if err != nil {
		return CreatedAPIKey{}, mapError(err)
	}
	return CreatedAPIKey{APIKey: k, Key: key}, nil
}

// APIKeyBySecret returns the live key matching a presented key, or
// ErrNotFound (also when it was revoked or has expired).
func (db *DB) APIKeyBySecret(ctx context.Context, key string) (APIKey, error) {
	if !strings.HasPrefix(key, apiKeyPrefix) {
		return APIKey{}, ErrNotFound
	}
	return scanAPIKey(db.queryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys
		WHERE key_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)`, hashToken(key), millis(db.Now())))
}

// APIKeyByPublicID returns the live key with this ak, or ErrNotFound.
func (db *DB) APIKeyByPublicID(ctx context.Context, publicID string) (APIKey, error) {
	return scanAPIKey(db.queryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys
		WHERE public_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)`, publicID, millis(db.Now())))
}

// APIKeys lists every key, newest first, revoked ones included.
func (db *DB) APIKeys(ctx context.Context) ([]APIKey, error) {
	rows, err := db.query(ctx, `SELECT `+apiKeyColumns+` FROM api_keys ORDER BY id DESC`)
	return collect(rows, err, scanAPIKey)
}

// RevokeAPIKey stops a key from authenticating; revoking twice is harmless.
func (db *DB) RevokeAPIKey(ctx context.Context, id int64) error {
	res, err := db.execUncached(ctx, `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?`, millis(db.Now()), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// apiKeyTouchInterval bounds how often use is recorded: a write per API
// request would serialise reads behind the single writer.
const apiKeyTouchInterval = time.Minute

// TouchAPIKey records that a key was used, at most once a minute.
func (db *DB) TouchAPIKey(ctx context.Context, k APIKey) error {
	now := db.Now()
	if k.LastUsedAt != nil && now.Sub(*k.LastUsedAt) < apiKeyTouchInterval {
		return nil
	}
	_, err := db.execUncached(ctx, `UPDATE api_keys SET last_used_at = ? WHERE id = ?`, millis(now), k.ID)
	return err
}
