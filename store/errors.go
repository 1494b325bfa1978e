package store

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Sentinel errors the store returns; callers map them to their own transport.
var (
	ErrNotFound           = errors.New("not found")
	ErrConflict           = errors.New("conflict")
	ErrInvalidCredentials = errors.New("invalid email or password")
	// ErrAlreadyRegistered refuses a self-registration for an address that
	// already has an invitation on the link, whatever its state: the
	// registrant may not be the address's owner, so nothing of that
	// invitation is handed over, re-opened or changed.
	ErrAlreadyRegistered = errors.New("the address already has an invitation on this link")
	// ErrDeadlinePassed refuses answers that arrive after the time is up.
	ErrDeadlinePassed = errors.New("the time for this test is up")
	// ErrErased refuses bringing an erased invitation back to life (a new
	// attempt, a new expiry): its candidate asked to be forgotten.
	ErrErased = errors.New("the candidate's data was erased: invite them again if they ask")
	// ErrNotCompleted refuses grading an attempt the candidate has not
	// submitted.
	ErrNotCompleted = errors.New("the attempt is not completed")
	// ErrDuplicateTracking refuses a second candidate with the same tracking
	// uniqId in the same scope.
	ErrDuplicateTracking = errors.New("a candidate with this uniqId already exists in this scope")
	// ErrAlreadyStarted refuses changes that only make sense before the
	// candidate began.
	ErrAlreadyStarted = errors.New("the candidate has already started the test")
	// ErrNotUsable refuses a candidate action on an invitation that is
	// cancelled, expired or already finished.
	ErrNotUsable = errors.New("the invitation cannot be used")
	// ErrAccessLocked refuses access codes after too many wrong tries.
	ErrAccessLocked = errors.New("too many wrong access codes")
	// ErrOffline refuses an email or a callback outside serve.
	ErrOffline = errors.New("store: this command sends no email and no callback; run it through serve")
	// ErrLinkUsed refuses a set-password link that was used or has expired.
	ErrLinkUsed = errors.New("store: this link was used or has expired")
	// ErrAttemptInProgress refuses a reattempt while the candidate is taking
	// the test.
	ErrAttemptInProgress = errors.New("store: the attempt is in progress")
	// ErrSectionTimeUp refuses answers that arrive after the time of the
	// section the candidate is in.
	ErrSectionTimeUp = errors.New("the time for this section is up")
	// ErrTestNotFound and ErrLinkNotFound say which record an invitation
	// named is missing (a link of another test is missing from this one);
	// both are ErrNotFound.
	ErrTestNotFound = fmt.Errorf("test %w", ErrNotFound)
	ErrLinkNotFound = fmt.Errorf("test link %w", ErrNotFound)
)

// ClosedError says why a link or test takes no invitations now.
type ClosedError struct{ Reason string }

func (e *ClosedError) Error() string { return e.Reason }

// ErrClosed matches every ClosedError.
var ErrClosed = errors.New("closed")

func (e *ClosedError) Is(target error) bool { return target == ErrClosed }

// mapError turns driver constraint errors into sentinels.
func mapError(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return errors.Join(ErrConflict, err)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return errors.Join(ErrNotFound, err)
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case pgUniqueViolation:
			return errors.Join(ErrConflict, err)
		case pgForeignKeyViolation:
			return errors.Join(ErrNotFound, err)
		}
	}
	return err
}

// PostgreSQL's error codes the store tells apart.
const (
	pgUniqueViolation     = "23505"
	pgForeignKeyViolation = "23503"
)

// isUniqueViolation reports whether err is a unique constraint on column
// (as SQLite names it, "table.column").
func isUniqueViolation(err error, column string) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE && strings.Contains(se.Error(), column)
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == pgUniqueViolation && strings.Contains(uniqueColumns(pe), column)
}

// uniqueColumns names a PostgreSQL unique violation's columns as SQLite
// does ("invitations.link_id, invitations.email_norm"), from its detail
// ("Key (link_id, email_norm)=(…) already exists."), the values left out.
func uniqueColumns(pe *pgconn.PgError) string {
	list, ok := strings.CutPrefix(pe.Detail, "Key (")
	if !ok {
		return ""
	}
	list, _, ok = strings.Cut(list, ")=(")
	if !ok {
		return ""
	}
	cols := strings.Split(list, ", ")
	for i, c := range cols {
		cols[i] = pe.TableName + "." + c
	}
	return strings.Join(cols, ", ")
}

// FieldErrors reports invalid input, one message per field. Keys are the
// field names callers send (the native API's JSON names, the console's form
// names); messages read after the field name ("is required").
type FieldErrors map[string]string

// Fields lists the fields with problems in order, so that every surface
// words the same problem first.
func (fe FieldErrors) Fields() []string {
	keys := make([]string, 0, len(fe))
	for k := range fe {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Problems every surface may need to word in its own language. The store
// writes them with these names, and surfaces compare with the names, never
// with the English.
const (
	ProblemRequired     = "is required"
	ProblemInvalidEmail = "is not a valid email address"
	ProblemUnsafeText   = "must be a single line without control or text-direction characters"
)

// With is fe with other's problems added (other's win on the same field).
func (fe FieldErrors) With(other FieldErrors) FieldErrors {
	out := FieldErrors{}
	for k, v := range fe {
		out[k] = v
	}
	for k, v := range other {
		out[k] = v
	}
	return out
}

func (fe FieldErrors) Error() string {
	keys := make([]string, 0, len(fe))
	for k := range fe {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + " " + fe[k]
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// orNil returns nil for an empty set so callers can return it directly.
func (fe FieldErrors) orNil() error {
	if len(fe) == 0 {
		return nil
	}
	return fe
}
