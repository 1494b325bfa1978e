package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// EmailAccount is the email that lets a new console user set a password.
const EmailAccount = "account"

// PasswordLinkTTL is how long a set-password link works.
const PasswordLinkTTL = 72 * time.Hour

// PasswordResetTTL is how long a link to choose a new password works: a
// forgotten password is reset at once, so an hour is plenty.
const PasswordResetTTL = time.Hour

// AccountEmailData is what the set-password email says.
type AccountEmailData struct {
	User      User
	Token     string // the link's secret, for its URL
	ExpiresAt time.Time
	Reset     bool // a forgotten password, not a new account
}

// InviteUser creates a console user without a password and emails them a
// single-use link, valid PasswordLinkTTL, to set their own — in one
// transaction with the user.
func (db *DB) InviteUser(ctx context.Context, n NewUser) (User, error) {
	n.Password = NewToken(24) // a placeholder nobody knows, never shown
	if fe := n.Validate(); len(fe) > 0 {
		return User{}, fe
	}
	var u User
	err := db.inTx(ctx, func(tx *Tx) error {
		var err error
		if u, err = db.insertUser(ctx, tx, n, db.Now()); err != nil {
			return err
		}
		return db.queuePasswordLink(ctx, tx, u, PasswordLinkTTL, false)
	})
	return u, err
}

// RequestPasswordReset emails an active user with this address a link to
// choose a new password, valid PasswordResetTTL; the old password works
// until then. ErrNotFound: no active user has the address (the caller
// answers the same either way).
func (db *DB) RequestPasswordReset(ctx context.Context, email string) (User, error) {
	u, err := db.ActiveUserByEmail(ctx, email)
	if err != nil {
		return u, err
	}
	return u, db.inTx(ctx, func(tx *Tx) error { return db.queuePasswordLink(ctx, tx, u, PasswordResetTTL, true) })
}

// queuePasswordLink makes a set-password link for a user and queues its
// email.
func (db *DB) queuePasswordLink(ctx context.Context, tx *Tx, u User, ttl time.Duration, reset bool) error {
	now := db.Now()
	token := NewToken(32)
	expires := now.Add(ttl)
	if _, err := tx.ExecContext(ctx, `INSERT INTO password_links (user_id, token_hash, expires_at, created_at) VALUES (?, ?, ?, ?)`,
		u.ID, hashToken(token), millis(expires), millis(now)); err != nil {
		return err
	}
	email, err := db.composer.ComposeAccount(AccountEmailData{User: u, Token: token, ExpiresAt: expires, Reset: reset})
	if err != nil {
		return fmt.Errorf("store: compose account email: %w", err)
	}
	tx.workDue(WorkMail)
	_, err = tx.ExecContext(ctx, `INSERT INTO outbox (kind, recipient, recipient_name, subject, body_text, body_html,
			message_id, status, scheduled_at, next_attempt_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)`,
		EmailAccount, u.Email, u.Name, email.Subject, email.Text, email.HTML, db.composer.MessageID(),
		millis(now), millis(now), millis(now), millis(now))
	return err
}

// PasswordLinkUser is the user a set-password link is for, while it works.
func (db *DB) PasswordLinkUser(ctx context.Context, token string) (User, error) {
	var userID int64
	err := db.queryRow(ctx, `SELECT user_id FROM password_links WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`,
		hashToken(token), millis(db.Now())).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrLinkUsed
	}
	if err != nil {
		return User{}, err
	}
	return db.User(ctx, userID)
}

// UsePasswordLink sets the password of the link's user, spends the link
// (and any other of theirs) and ends the user's sessions, atomically: a
// link works once.
func (db *DB) UsePasswordLink(ctx context.Context, token, password string) (User, error) {
	if fe := passwordProblems(password); len(fe) > 0 {
		return User{}, fe
	}
	hash, err := db.passwords.hash(password)
	if err != nil {
		return User{}, err
	}
	var userID int64
	err = db.inTx(ctx, func(tx *Tx) error {
		now := millis(db.Now())
		err := tx.QueryRowContext(ctx, `UPDATE password_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?
			RETURNING user_id`, now, hashToken(token), now).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrLinkUsed
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE password_links SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, now, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, string(hash), now, userID); err != nil {
			return err
		}
		// A new password signs the account out everywhere: whoever knew the
		// old one is signed in no longer.
		_, err = tx.ExecContext(ctx, `DELETE FROM console_sessions WHERE user_id = ?`, userID)
		return err
	})
	if err != nil {
		return User{}, err
	}
	return db.User(ctx, userID)
}

// passwordProblems checks a password's length.
func passwordProblems(p string) FieldErrors {
	switch {
	case len(p) < MinPasswordLength:
		return FieldErrors{"password": fmt.Sprintf("must be at least %d characters", MinPasswordLength)}
	case len(p) > 72:
		return FieldErrors{"password": "must be at most 72 bytes"} // bcrypt's limit
	}
	return nil
}

// insertUser stores a validated new user with a bcrypt hash of its password.
func (db *DB) insertUser(ctx context.Context, tx *Tx, n NewUser, now time.Time) (User, error) {
	hash, err := db.passwords.hash(n.Password)
	if err != nil {
		return User{}, err
	}
	row := tx.QueryRowContext(ctx, `INSERT INTO users (email, email_norm, name, password_hash, role, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING `+userColumns,
		strings.TrimSpace(n.Email), NormalizeEmail(n.Email), strings.TrimSpace(n.Name), string(hash), n.Role, millis(now), millis(now))
	u, err := scanUser(row)
	if isUniqueViolation(err, "users.email_norm") {
		return User{}, FieldErrors{"email": "is already used by another account"}
	}
	if err != nil {
		return u, err
	}
	// A new user starts in the default team; an admin changes it on the
	// Teams page.
	_, err = tx.ExecContext(ctx, `INSERT INTO team_members (team_id, user_id) SELECT id, ? FROM teams WHERE id = ?`, u.ID, DefaultTeamID)
	return u, err
}
