package store

import (
	"context"
	"slices"
	"strings"
)

// Languages are the languages candidates can have, as Testinvite's `lang`
// names them, English first: the fallback. The messages themselves are in
// views/locale.
var Languages = []string{"en", "tr", "es", "fr", "nl", "it", "sr", "sv", "de", "no", "ru", "pt"}

// ValidLanguage reports whether code is one of Languages.
func ValidLanguage(code string) bool { return slices.Contains(Languages, code) }

// ChooseLanguage records the language a candidate chose on their pages.
func (db *DB) ChooseLanguage(ctx context.Context, invitationID int64, code string) error {
	if !ValidLanguage(code) {
		return FieldErrors{"lang": "must be one of " + joinLanguages()}
	}
	return db.inTx(ctx, func(tx *Tx) error {
		tx.changedInvitation(invitationID)
		_, err := tx.ExecContext(ctx, `UPDATE invitations SET chosen_lang = ? WHERE id = ?`, code, invitationID)
		return err
	})
}

func joinLanguages() string { return strings.Join(Languages, ", ") }
