package store

import (
	"time"
)

// Offline is the wiring of the commands that queue no email and record no
// callback (migrate, user, apikey, backup): should one of them ever cause
// either, its transaction fails with ErrOffline rather than drop it.
var Offline = Wiring{Composer: offline{}, Payloads: offline{}}

type offline struct{}

func (offline) Compose(EmailData) (Email, error)               { return Email{}, ErrOffline }
func (offline) ComposeAccount(AccountEmailData) (Email, error) { return Email{}, ErrOffline }
func (offline) MessageID() string                              { return "" }
func (offline) CallbackPayload(string, Invitation, string, time.Time) ([]byte, error) {
	return nil, ErrOffline
}
