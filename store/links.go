package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// TestLink is a named, shareable set of invitation settings for a test.
// Invitations made through it copy these settings; per-invite fields override.
type TestLink struct {
	ID                     int64
	TestID                 int64
	Name                   string
	Slug                   string
	IsDefault              bool
	CallbackURL            string
	RedirectURL            string
	HideInstruction        bool
	DisableMandatoryFields bool
	SendEmail              bool
	ExpiresAt              *time.Time // invitations made through the link expire then
	ExpireAfterDays        int        // each invitation expires this many days after it is made (0: no such deadline)
	ValidFrom              *time.Time // candidates cannot start before
	ValidUntil             *time.Time // nor after
	Public                 bool       // anyone with /l/{slug} may register themselves
	MaxUses                int        // 0: unlimited
	Lang                   string     // candidates' default language; "" lets their browser choose
	TabSwitchLimit         int        // switches away from the test page that submit an attempt; 0: none
	LinkEmails
	DisabledAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Disabled reports whether the link has been switched off.
func (l TestLink) Disabled() bool { return l.DisabledAt != nil }

// LinkInput is the editable part of a link. An empty Slug on create makes a
// random one; on update it keeps the current one.
type LinkInput struct {
	Name                   string
	Slug                   string
	CallbackURL            string
	RedirectURL            string
	HideInstruction        bool
	DisableMandatoryFields bool
	SendEmail              bool
	ExpiresAt              *time.Time
	ExpireAfterDays        int
	ValidFrom              *time.Time
	ValidUntil             *time.Time
	Public                 bool
	MaxUses                int
	Lang                   string
	TabSwitchLimit         int
	LinkEmails
}

// MaxExpireAfterDays bounds a link's deadline in days after an invitation.
const MaxExpireAfterDays = 365

// MaxTabSwitchLimit bounds a link's tab-switch limit.
const MaxTabSwitchLimit = 50

// LinkEmails is a link's email wording (empty: the built-in text) and its
// automatic reminders (0: none).
type LinkEmails struct {
	InviteSubject           string
	InviteBody              string
	ReminderSubject         string
	ReminderBody            string
	RemindAfterHours        int
	RemindBeforeExpiryHours int
}

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{2,63}$`)

// MaxURLLength bounds callback and redirect URLs.
const MaxURLLength = 2048

// ValidWebURL reports why s is not an absolute http(s) URL, or "" if it is.
func ValidWebURL(s string) string {
	if len(s) > MaxURLLength {
		return fmt.Sprintf("must be at most %d characters", MaxURLLength)
	}
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return "must be an absolute http(s) URL"
	}
	if strings.ContainsAny(s, " \t\r\n") {
		return "must not contain spaces"
	}
	return ""
}

// Validate checks the input field by field (keys are the API field names).
func (in LinkInput) Validate() FieldErrors {
	fe := FieldErrors{}
	requireText(fe, "name", in.Name, MaxNameLength)
	if in.Lang != "" && !ValidLanguage(in.Lang) {
		fe["lang"] = "must be one of " + strings.Join(Languages, ", ")
	}
	if in.Slug != "" && !slugPattern.MatchString(in.Slug) {
		fe["slug"] = "must be 3 to 64 lower-case letters, digits or dashes, starting with a letter or digit"
	}
	for field, v := range map[string]string{"callbackUrl": in.CallbackURL, "redirectUrl": in.RedirectURL} {
		if v != "" {
			if msg := ValidWebURL(v); msg != "" {
				fe[field] = msg
			}
		}
	}
	if in.ValidFrom != nil && in.ValidUntil != nil && !in.ValidUntil.After(*in.ValidFrom) {
		fe["validUntil"] = "must be later than the opening time (validFrom)"
	}
	if in.ExpireAfterDays < 0 || in.ExpireAfterDays > MaxExpireAfterDays {
		fe["expireAfterDays"] = fmt.Sprintf("must be between 0 (none) and %d days", MaxExpireAfterDays)
	}
	if in.TabSwitchLimit < 0 || in.TabSwitchLimit > MaxTabSwitchLimit {
		fe["tabSwitchLimit"] = fmt.Sprintf("must be between 0 (no limit) and %d", MaxTabSwitchLimit)
	}
	if in.MaxUses < 0 || in.MaxUses > 1_000_000 {
		fe["maxUses"] = "must be between 0 (unlimited) and 1000000"
	}
	for field, h := range map[string]int{"remindAfterHours": in.RemindAfterHours, "remindBeforeExpiryHours": in.RemindBeforeExpiryHours} {
		if h < 0 || h > 24*365 {
			fe[field] = "must be between 0 (no reminder) and 8760 hours"
		}
	}
	for field, v := range map[string]string{"inviteSubject": in.InviteSubject, "reminderSubject": in.ReminderSubject} {
		if len(v) > 300 || strings.ContainsAny(v, "\r\n") {
			fe[field] = "must be one line of at most 300 characters"
		}
	}
	for field, v := range map[string]string{"inviteBody": in.InviteBody, "reminderBody": in.ReminderBody} {
		if len(v) > 20000 {
			fe[field] = "must be at most 20000 characters"
		}
	}
	return fe
}

// newSlug makes a random, unguessable slug: 16 base32 characters (80 bits).
func newSlug() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	b := make([]byte, 16)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[b[i]%32]
	}
	return string(b)
}

const linkColumns = `id, test_id, name, slug, is_default, callback_url, redirect_url, hide_instruction, disable_mandatory_fields,
	send_email, expires_at, valid_from, valid_until, public, max_uses, disabled_at, created_at, updated_at,
	invite_subject, invite_body, reminder_subject, reminder_body, remind_after_hours, remind_before_expiry_hours, lang,
	COALESCE(tab_switch_limit, 0), COALESCE(expire_after_days, 0)`

func scanLink(r row) (TestLink, error) {
	var l TestLink
	var expires, from, until, disabled, maxUses, remindAfter, remindBefore sql.NullInt64
	var created, updated int64
	err := r.Scan(&l.ID, &l.TestID, &l.Name, &l.Slug, &l.IsDefault, &l.CallbackURL, &l.RedirectURL, &l.HideInstruction,
		&l.DisableMandatoryFields, &l.SendEmail, &expires, &from, &until, &l.Public, &maxUses, &disabled, &created, &updated,
		&l.InviteSubject, &l.InviteBody, &l.ReminderSubject, &l.ReminderBody, &remindAfter, &remindBefore, &l.Lang,
		&l.TabSwitchLimit, &l.ExpireAfterDays)
	if errors.Is(err, sql.ErrNoRows) {
		return TestLink{}, ErrNotFound
	}
	if err != nil {
		return TestLink{}, err
	}
	l.ExpiresAt, l.ValidFrom, l.ValidUntil, l.DisabledAt = timePtr(expires), timePtr(from), timePtr(until), timePtr(disabled)
	l.MaxUses = int(maxUses.Int64)
	l.RemindAfterHours, l.RemindBeforeExpiryHours = int(remindAfter.Int64), int(remindBefore.Int64)
	l.CreatedAt, l.UpdatedAt = fromMillis(created), fromMillis(updated)
	return l, nil
}

func nullPositive(n int) sql.NullInt64 {
	return sql.NullInt64{Int64: int64(n), Valid: n > 0}
}

func insertLink(ctx context.Context, tx *Tx, testID int64, in LinkInput, isDefault bool, now int64) (int64, error) {
	custom := in.Slug != ""
	for attempt := 0; ; attempt++ {
		slug := in.Slug
		if !custom {
			slug = newSlug()
		}
		var id int64
		tx.changedTests()
		err := tx.QueryRowContext(ctx, `INSERT INTO test_links (test_id, name, slug, is_default, callback_url, redirect_url, hide_instruction,
				disable_mandatory_fields, send_email, expires_at, valid_from, valid_until, public, max_uses, created_at, updated_at,
				invite_subject, invite_body, reminder_subject, reminder_body, remind_after_hours, remind_before_expiry_hours, lang,
				tab_switch_limit, expire_after_days)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			testID, strings.TrimSpace(in.Name), slug, boolInt(isDefault), in.CallbackURL, in.RedirectURL, boolInt(in.HideInstruction),
			boolInt(in.DisableMandatoryFields), boolInt(in.SendEmail), nullMillis(in.ExpiresAt), nullMillis(in.ValidFrom),
			nullMillis(in.ValidUntil), boolInt(in.Public), nullPositive(in.MaxUses), now, now,
			in.InviteSubject, in.InviteBody, in.ReminderSubject, in.ReminderBody,
			nullPositive(in.RemindAfterHours), nullPositive(in.RemindBeforeExpiryHours), in.Lang,
			nullPositive(in.TabSwitchLimit), nullPositive(in.ExpireAfterDays)).Scan(&id)
		if isUniqueViolation(err, "test_links.slug") {
			if custom {
				return 0, FieldErrors{"slug": "is already used by another link"}
			}
			if attempt < 3 {
				continue
			}
		}
		return id, mapError(err)
	}
}

// CreateLink adds a link to a test.
func (db *DB) CreateLink(ctx context.Context, testID int64, in LinkInput) (TestLink, error) {
	fe := in.Validate()
	if in.ExpiresAt != nil && !in.ExpiresAt.After(db.Now()) {
		fe["expiresAt"] = "must be in the future"
	}
	if err := fe.orNil(); err != nil {
		return TestLink{}, err
	}
	var id int64
	err := db.inTx(ctx, func(tx *Tx) error {
		if _, err := testKindTx(ctx, tx, testID); err != nil {
			return err
		}
		var err error
		id, err = insertLink(ctx, tx, testID, in, false, millis(db.Now()))
		return err
	})
	if err != nil {
		return TestLink{}, err
	}
	return db.Link(ctx, id)
}

// UpdateLink replaces a link's settings (its emails are UpdateLinkEmails'
// business). Invitations already made keep the settings they copied.
func (db *DB) UpdateLink(ctx context.Context, id int64, in LinkInput) (TestLink, error) {
	if err := in.Validate().orNil(); err != nil {
		return TestLink{}, err
	}
	res, err := db.execChangingTests(ctx, `UPDATE test_links SET name = ?, slug = CASE WHEN ? = '' THEN slug ELSE ? END,
			callback_url = ?, redirect_url = ?, hide_instruction = ?, disable_mandatory_fields = ?, send_email = ?,
			expires_at = ?, valid_from = ?, valid_until = ?, public = ?, max_uses = ?, lang = ?, tab_switch_limit = ?,
			expire_after_days = ?, updated_at = ? WHERE id = ?`,
		strings.TrimSpace(in.Name), in.Slug, in.Slug, in.CallbackURL, in.RedirectURL, boolInt(in.HideInstruction),
		boolInt(in.DisableMandatoryFields), boolInt(in.SendEmail), nullMillis(in.ExpiresAt), nullMillis(in.ValidFrom),
		nullMillis(in.ValidUntil), boolInt(in.Public), nullPositive(in.MaxUses), in.Lang, nullPositive(in.TabSwitchLimit),
		nullPositive(in.ExpireAfterDays), millis(db.Now()), id)
	if isUniqueViolation(err, "test_links.slug") {
		return TestLink{}, FieldErrors{"slug": "is already used by another link"}
	}
	if err != nil {
		return TestLink{}, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return TestLink{}, ErrNotFound
	}
	return db.Link(ctx, id)
}

// Link returns one link.
//
// It is cached until a test or link changes: every invitation an API
// client makes through a link reads it first (the transaction that makes
// it reads the link again, under its own snapshot, to decide).
func (db *DB) Link(ctx context.Context, id int64) (TestLink, error) {
	key := strconv.FormatInt(id, 10)
	if e, ok := db.links.get(key); ok && db.cachesReads() && db.readGen.testsFresh(e.gen) {
		return e.v, nil
	}
	gen := db.readGen.current()
	l, err := scanLink(db.queryRow(ctx, `SELECT `+linkColumns+` FROM test_links WHERE id = ?`, id))
	if err == nil {
		db.links.put(key, l, gen)
	}
	return l, err
}

// LinkBySlug returns the link with this slug.
func (db *DB) LinkBySlug(ctx context.Context, slug string) (TestLink, error) {
	return scanLink(db.queryRow(ctx, `SELECT `+linkColumns+` FROM test_links WHERE slug = ?`, slug))
}

// DefaultLink returns the link used when a request names none.
func (db *DB) DefaultLink(ctx context.Context, testID int64) (TestLink, error) {
	return scanLink(db.queryRow(ctx, `SELECT `+linkColumns+` FROM test_links WHERE test_id = ? AND is_default = 1`, testID))
}

// Links lists a test's links, the default first.
func (db *DB) Links(ctx context.Context, testID int64) ([]TestLink, error) {
	rows, err := db.query(ctx, `SELECT `+linkColumns+` FROM test_links WHERE test_id = ? ORDER BY is_default DESC, id`, testID)
	return collect(rows, err, scanLink)
}

// SetLinkDisabled switches a link off or on. A disabled link takes no new
// invitations or self-registrations.
func (db *DB) SetLinkDisabled(ctx context.Context, id int64, disabled bool) error {
	now := millis(db.Now())
	var at sql.NullInt64
	if disabled {
		at = sql.NullInt64{Int64: now, Valid: true}
	}
	res, err := db.execChangingTests(ctx, `UPDATE test_links SET disabled_at = ?, updated_at = ? WHERE id = ?`, at, now, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// AllLinks lists the links of every test, grouped by test.
func (db *DB) AllLinks(ctx context.Context) ([]TestLink, error) {
	rows, err := db.query(ctx, `SELECT `+linkColumns+` FROM test_links ORDER BY test_id, is_default DESC, id`)
	return collect(rows, err, scanLink)
}

// UpdateLinkEmails replaces a link's email wording and reminder schedule.
// The caller checks that the wording is a valid template.
func (db *DB) UpdateLinkEmails(ctx context.Context, id int64, e LinkEmails) (TestLink, error) {
	if err := (LinkInput{Name: "-", LinkEmails: e}).Validate().orNil(); err != nil {
		return TestLink{}, err
	}
	res, err := db.execChangingTests(ctx, `UPDATE test_links SET invite_subject = ?, invite_body = ?, reminder_subject = ?,
			reminder_body = ?, remind_after_hours = ?, remind_before_expiry_hours = ?, updated_at = ?
		WHERE id = ?`, e.InviteSubject, e.InviteBody, e.ReminderSubject, e.ReminderBody,
		nullPositive(e.RemindAfterHours), nullPositive(e.RemindBeforeExpiryHours), millis(db.Now()), id)
	if err != nil {
		return TestLink{}, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return TestLink{}, ErrNotFound
	}
	return db.Link(ctx, id)
}
