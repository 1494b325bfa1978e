package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
)

// Wording is a link's email wording in one language; an empty field is
// the built-in text in that language.
type Wording struct {
	InviteSubject   string
	InviteBody      string
	ReminderSubject string
	ReminderBody    string
}

// Empty reports whether the wording is all built-in text.
func (w Wording) Empty() bool { return w == Wording{} }

// WordingLanguage is the language of the link's own wording (its
// LinkEmails): the link's language, English when it has none.
func (l TestLink) WordingLanguage() string { return cmp.Or(l.Lang, "en") }

// OwnWording is the wording kept on the link itself.
func (l TestLink) OwnWording() Wording {
	return Wording{l.InviteSubject, l.InviteBody, l.ReminderSubject, l.ReminderBody}
}

// CandidateLanguage is the language of a candidate's emails: the one they
// chose on their pages, else the invitation's, else English.
func CandidateLanguage(inv Invitation) string {
	for _, code := range []string{inv.ChosenLang, inv.Lang} {
		if ValidLanguage(code) {
			return code
		}
	}
	return "en"
}

// LinkWording is the link's wording in lang: its own in its language, the
// saved one in another, or the empty (built-in) wording.
func (db *DB) LinkWording(ctx context.Context, l TestLink, lang string) (Wording, error) {
	return linkWording(l, lang, func(q string, args ...any) row { return db.queryRow(ctx, q, args...) })
}

func (tx *Tx) linkWording(ctx context.Context, l TestLink, lang string) (Wording, error) {
	return linkWording(l, lang, func(q string, args ...any) row { return tx.QueryRowContext(ctx, q, args...) })
}

func linkWording(l TestLink, lang string, queryRow func(string, ...any) row) (Wording, error) {
	if lang == l.WordingLanguage() {
		return l.OwnWording(), nil
	}
	return scanWording(queryRow(`SELECT invite_subject, invite_body, reminder_subject, reminder_body
		FROM link_wordings WHERE link_id = ? AND lang = ?`, l.ID, lang))
}

func scanWording(r row) (Wording, error) {
	var w Wording
	err := r.Scan(&w.InviteSubject, &w.InviteBody, &w.ReminderSubject, &w.ReminderBody)
	if errors.Is(err, sql.ErrNoRows) {
		return Wording{}, nil
	}
	return w, err
}

// WordedLanguages lists the languages other than the link's own that have
// a wording of their own.
func (db *DB) WordedLanguages(ctx context.Context, linkID int64) ([]string, error) {
	rows, err := db.query(ctx, `SELECT lang FROM link_wordings WHERE link_id = ? ORDER BY lang`, linkID)
	return collect(rows, err, func(r row) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
}

// SetLinkWording saves the link's wording in a language other than its
// own (whose wording is the link's, saved with UpdateLinkEmails); an empty
// wording removes it, so that language gets the built-in text again.
func (db *DB) SetLinkWording(ctx context.Context, l TestLink, lang string, w Wording) error {
	if !ValidLanguage(lang) || lang == l.WordingLanguage() {
		return FieldErrors{"lang": "must be another of " + joinLanguages()}
	}
	in := LinkInput{Name: "-", LinkEmails: LinkEmails{InviteSubject: w.InviteSubject, InviteBody: w.InviteBody,
		ReminderSubject: w.ReminderSubject, ReminderBody: w.ReminderBody}}
	if err := in.Validate().orNil(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *Tx) error {
		if w.Empty() {
			_, err := tx.ExecContext(ctx, `DELETE FROM link_wordings WHERE link_id = ? AND lang = ?`, l.ID, lang)
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO link_wordings (link_id, lang, invite_subject, invite_body, reminder_subject,
				reminder_body, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (link_id, lang) DO UPDATE SET invite_subject = excluded.invite_subject, invite_body = excluded.invite_body,
				reminder_subject = excluded.reminder_subject, reminder_body = excluded.reminder_body, updated_at = excluded.updated_at`,
			l.ID, lang, w.InviteSubject, w.InviteBody, w.ReminderSubject, w.ReminderBody, millis(db.Now()))
		return err
	})
}
