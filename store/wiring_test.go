package store

import (
	"golang.org/x/crypto/bcrypt"

	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// The store's tests write emails and callback bodies plainly: how they
// read is the mail package's and the dialects' concern, tested there.
var testWiring = Wiring{Composer: plainComposer{}, Payloads: plainPayloads{}, PasswordCost: bcrypt.MinCost}

type plainComposer struct{}

func (plainComposer) Compose(d EmailData) (Email, error) {
	return Email{Subject: d.Kind + ": " + d.Test.Name, Text: "Dear " + d.Invitation.Name, HTML: "<p>Dear " + d.Invitation.Name + "</p>"}, nil
}

func (plainComposer) ComposeAccount(d AccountEmailData) (Email, error) {
	return Email{Subject: "Set your password", Text: d.Token, HTML: "<p>" + d.Token + "</p>"}, nil
}

func (plainComposer) MessageID() string { return NewToken(12) + "@testgate.test" }

type plainPayloads struct{}

func (plainPayloads) CallbackPayload(event string, inv Invitation, webhookID string, at time.Time) ([]byte, error) {
	return json.Marshal(map[string]any{"event": event, "invitation": inv.ID, "id": webhookID, "at": at})
}

// A store is never opened without a composer or a payload builder; the
// offline wiring refuses loudly, in the transaction that asked.
func TestOpenNeedsTheWiring(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/tg.db"
	for _, w := range []Wiring{{}, {Composer: plainComposer{}}, {Payloads: plainPayloads{}}} {
		if db, err := Open(t.Context(), path, w); err == nil || !strings.Contains(err.Error(), "required") {
			if db != nil {
				db.Close()
			}
			t.Errorf("opened with %+v: %v", w, err)
		}
	}
	db, err := Open(t.Context(), path, Offline)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	tt, _ := db.CreateTest(t.Context(), sampleTest, nil)
	link, _ := db.DefaultLink(t.Context(), tt.ID)
	send := true
	_, err = db.Invite(t.Context(), NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Ann", Email: "ann@example.com", SendEmail: &send, Source: SourceNative})
	if !errors.Is(err, ErrOffline) {
		t.Fatalf("an email asked for offline: %v", err)
	}
	if _, total, _ := db.Invitations(t.Context(), InvitationFilter{}); total != 0 {
		t.Fatalf("%d invitations written", total)
	}
}
