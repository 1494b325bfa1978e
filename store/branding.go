package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Branding is how the organisation presents itself to candidates: its name,
// logo and contact address on every candidate page and email.
type Branding struct {
	Organisation string
	ContactEmail string
	Logo         []byte // nil when there is none
	LogoType     string // "image/png", "image/jpeg" or "image/gif"
	UpdatedAt    time.Time
}

// MaxOrganisationLength bounds the organisation's name.
const MaxOrganisationLength = 120

// MaxLogoBytes bounds a logo: it is sent with every candidate page.
const MaxLogoBytes = 200 << 10

// LogoTypes are the image types a logo may be. SVG is not among them: it
// can carry script, and the logo is served from the candidates' origin.
var LogoTypes = []string{"image/png", "image/jpeg", "image/gif"}

// HasLogo reports whether a logo is set.
func (b Branding) HasLogo() bool { return len(b.Logo) > 0 }

// Validate checks the text fields, in words fit for a form.
func (b Branding) Validate() FieldErrors {
	fe := FieldErrors{}
	switch {
	case HasUnsafeChars(b.Organisation):
		fe["organisation"] = ProblemUnsafeText
	case len([]rune(b.Organisation)) > MaxOrganisationLength:
		fe["organisation"] = fmt.Sprintf("must be at most %d characters", MaxOrganisationLength)
	}
	if b.ContactEmail != "" && !ValidEmail(b.ContactEmail) {
		fe["contactEmail"] = ProblemInvalidEmail
	}
	if b.HasLogo() {
		switch {
		case len(b.Logo) > MaxLogoBytes:
			fe["logo"] = fmt.Sprintf("must be at most %d KB", MaxLogoBytes>>10)
		case !validLogoType(b.LogoType):
			fe["logo"] = "must be a PNG, JPEG or GIF image"
		}
	}
	return fe
}

func validLogoType(t string) bool {
	for _, ok := range LogoTypes {
		if t == ok {
			return true
		}
	}
	return false
}

// Branding returns the organisation's branding; the zero value before any
// is saved. Candidate pages ask on every request, so it is kept in memory:
// SetBranding replaces it, and a first load only fills an empty cache, so
// a load racing a save cannot put the old branding back. On PostgreSQL
// another process may have saved one: while this process hears the
// others' changes (notify.go) a save there drops the entry; otherwise its
// time is read (a tiny row) and a newer one loaded.
func (db *DB) Branding(ctx context.Context) (Branding, error) {
	if e := db.branding.Load(); e != nil {
		if !db.Postgres() || db.cachesReads() && db.readGen.testsFresh(e.gen) {
			return e.b, nil
		}
		gen := db.readGen.current()
		var updated int64
		err := db.queryRow(ctx, `SELECT updated_at FROM branding WHERE id = 1`).Scan(&updated)
		if errors.Is(err, sql.ErrNoRows) || err == nil && updated == millis(e.b.UpdatedAt) {
			db.branding.CompareAndSwap(e, &brandingEntry{e.b, gen})
			return e.b, nil
		}
		if err != nil {
			return Branding{}, err
		}
		fresh, err := db.loadBranding(ctx)
		if err == nil {
			db.branding.Store(&brandingEntry{fresh, gen})
		}
		return fresh, err
	}
	gen := db.readGen.current()
	b, err := db.loadBranding(ctx)
	if err != nil {
		return Branding{}, err
	}
	db.branding.CompareAndSwap(nil, &brandingEntry{b, gen})
	return b, nil
}

// brandingEntry is the branding in memory and the read generation it was
// read in.
type brandingEntry struct {
	b   Branding
	gen uint64
}

func (db *DB) loadBranding(ctx context.Context) (Branding, error) {
	var b Branding
	var updated int64
	err := db.queryRow(ctx, `SELECT organisation, contact_email, logo, logo_type, updated_at FROM branding WHERE id = 1`).
		Scan(&b.Organisation, &b.ContactEmail, &b.Logo, &b.LogoType, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return Branding{}, nil
	}
	b.UpdatedAt = fromMillis(updated)
	return b, err
}

// SetBranding saves the branding; keepLogo leaves the stored logo as it
// is, whatever b.Logo holds.
func (db *DB) SetBranding(ctx context.Context, b Branding, keepLogo bool) (Branding, error) {
	b.Organisation, b.ContactEmail = strings.TrimSpace(b.Organisation), strings.TrimSpace(b.ContactEmail)
	if keepLogo {
		b.Logo, b.LogoType = nil, ""
	}
	if fe := b.Validate(); len(fe) > 0 {
		return Branding{}, fe
	}
	if !b.HasLogo() {
		b.LogoType = ""
	}
	now := db.Now()
	err := db.inTx(ctx, func(tx *Tx) error {
		tx.changedTests() // every candidate page shows it: other processes drop what they hold
		_, err := tx.ExecContext(ctx, `INSERT INTO branding (id, organisation, contact_email, logo, logo_type, updated_at)
			VALUES (1, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET organisation = excluded.organisation, contact_email = excluded.contact_email,
				logo = CASE WHEN ? = 1 THEN branding.logo ELSE excluded.logo END,
				logo_type = CASE WHEN ? = 1 THEN branding.logo_type ELSE excluded.logo_type END,
				updated_at = excluded.updated_at`,
			b.Organisation, b.ContactEmail, b.Logo, b.LogoType, millis(now), boolInt(keepLogo), boolInt(keepLogo))
		return err
	})
	if err != nil {
		return Branding{}, err
	}
	gen := db.readGen.current()
	fresh, err := db.loadBranding(ctx)
	if err != nil {
		return Branding{}, err
	}
	db.branding.Store(&brandingEntry{fresh, gen})
	return fresh, nil
}
