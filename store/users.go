package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// Role is what a console user may do: admins also manage users and API keys.
type Role string

const (
	RoleAdmin     Role = "admin"
	RoleRecruiter Role = "recruiter"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleRecruiter }

// User is a recruiter or admin of the console.
type User struct {
	ID         int64
	Email      string
	Name       string
	Role       Role
	DisabledAt *time.Time
	CreatedAt  time.Time
}

// IsAdmin reports whether the user may manage users and API keys.
func (u User) IsAdmin() bool { return u.Role == RoleAdmin }

// NewUser is the input for creating a console user.
type NewUser struct {
	Email    string
	Name     string
	Password string
	Role     Role
}

// MinPasswordLength is the shortest password the console accepts.
const MinPasswordLength = 10

// NormalizeEmail is how Testgate compares addresses: trimmed, lower-cased.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidEmail reports whether s is a single bare address (no display name).
func ValidEmail(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 254 || strings.ContainsAny(s, " <>") || HasUnsafeChars(s) {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".")
}

// Validate checks the input field by field.
func (n NewUser) Validate() FieldErrors {
	fe := FieldErrors{}
	switch {
	case strings.TrimSpace(n.Email) == "":
		fe["email"] = ProblemRequired
	case !ValidEmail(n.Email):
		fe["email"] = ProblemInvalidEmail
	}
	if len(n.Name) > 200 {
		fe["name"] = "must be at most 200 characters"
	}
	for k, v := range passwordProblems(n.Password) {
		fe[k] = v
	}
	if !n.Role.Valid() {
		fe["role"] = "must be admin or recruiter"
	}
	return fe
}

const userColumns = `id, email, name, role, disabled_at, created_at`

func scanUser(r row) (User, error) {
	var u User
	var disabled sql.NullInt64
	var created int64
	if err := r.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &disabled, &created); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return User{}, ErrNotFound
		}
		return User{}, err
	}
	u.DisabledAt = timePtr(disabled)
	u.CreatedAt = fromMillis(created)
	return u, nil
}

// CreateUser validates and stores a user with a bcrypt password hash. An
// address already in use is a FieldErrors on "email".
func (db *DB) CreateUser(ctx context.Context, n NewUser) (User, error) {
	return db.createUser(ctx, n, false)
}

// CreateFirstAdmin creates the first user, as an admin, only while there is
// none: it returns ErrConflict once setup is done.
func (db *DB) CreateFirstAdmin(ctx context.Context, n NewUser) (User, error) {
	n.Role = RoleAdmin
	return db.createUser(ctx, n, true)
}

func (db *DB) createUser(ctx context.Context, n NewUser, onlyIfFirst bool) (User, error) {
	if fe := n.Validate(); len(fe) > 0 {
		return User{}, fe
	}
	var u User
	err := db.inTx(ctx, func(tx *Tx) error {
		if onlyIfFirst {
			if err := tx.lockKeys(ctx, usersKey); err != nil { // two setups at once make one admin
				return err
			}
			var count int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&count); err != nil {
				return err
			}
			if count > 0 {
				return ErrConflict
			}
		}
		var err error
		u, err = db.insertUser(ctx, tx, n, db.Now())
		return err
	})
	return u, err
}

// CountUsers returns how many users exist; zero means setup has not run.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}

// User returns one user by id.
func (db *DB) User(ctx context.Context, id int64) (User, error) {
	return scanUser(db.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
}

// ActiveUserByEmail returns the user with this address unless disabled, or
// ErrNotFound: a sign-in through an identity provider.
func (db *DB) ActiveUserByEmail(ctx context.Context, email string) (User, error) {
	return scanUser(db.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email_norm = ? AND disabled_at IS NULL`, NormalizeEmail(email)))
}

// Users lists every user, admins first.
func (db *DB) Users(ctx context.Context) ([]User, error) {
	rows, err := db.query(ctx, `SELECT `+userColumns+` FROM users ORDER BY role, email_norm`)
	return collect(rows, err, scanUser)
}

// Authenticate returns the active user with this email and password, or
// ErrInvalidCredentials.
func (db *DB) Authenticate(ctx context.Context, email, password string) (User, error) {
	var hash string
	var disabled sql.NullInt64
	var id int64
	err := db.queryRow(ctx, `SELECT id, password_hash, disabled_at FROM users WHERE email_norm = ?`,
		NormalizeEmail(email)).Scan(&id, &hash, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		db.passwords.equalise(password)
		return User{}, ErrInvalidCredentials
	}
	if err != nil {
		return User{}, err
	}
	if !db.passwords.matches(hash, password) || disabled.Valid {
		return User{}, ErrInvalidCredentials
	}
	return db.User(ctx, id)
}

// usersKey is the key lock of the rules about users as a whole: the first
// user, the last active admin.
const usersKey = "users"

// UpdateUserAccess changes a user's role and active state. The last active
// admin can be neither demoted nor disabled: the console would be locked.
// Disabling a user ends their sessions.
func (db *DB) UpdateUserAccess(ctx context.Context, id int64, role Role, disabled bool) (User, error) {
	if !role.Valid() {
		return User{}, FieldErrors{"role": "must be admin or recruiter"}
	}
	var u User
	err := db.inTx(ctx, func(tx *Tx) error {
		// Changes of access take turns, so that two admins demoting each
		// other at once cannot both see the other still an admin.
		if err := tx.lockKeys(ctx, usersKey); err != nil {
			return err
		}
		now := millis(db.Now())
		var disabledAt sql.NullInt64
		if disabled {
			disabledAt = sql.NullInt64{Int64: now, Valid: true}
		}
		row := tx.QueryRowContext(ctx, `UPDATE users SET role = ?,
				disabled_at = CASE WHEN CAST(? AS BIGINT) IS NULL THEN NULL ELSE COALESCE(disabled_at, ?) END,
				updated_at = ?
			WHERE id = ? RETURNING `+userColumns, role, disabledAt, disabledAt, now, id)
		var err error
		if u, err = scanUser(row); err != nil {
			return err
		}
		var admins int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL`).Scan(&admins); err != nil {
			return err
		}
		if admins == 0 {
			return FieldErrors{"role": "the last active admin must stay an active admin"}
		}
		if disabled {
			_, err = tx.ExecContext(ctx, `DELETE FROM console_sessions WHERE user_id = ?`, id)
		}
		return err
	})
	return u, err
}

// SetPassword replaces a user's password and ends their other sessions.
func (db *DB) SetPassword(ctx context.Context, id int64, password string) error {
	if len(password) < MinPasswordLength || len(password) > 72 {
		return FieldErrors{"password": fmt.Sprintf("must be %d to 72 characters", MinPasswordLength)}
	}
	hash, err := db.passwords.hash(password)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, string(hash), millis(db.Now()), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM console_sessions WHERE user_id = ?`, id)
		return err
	})
}
