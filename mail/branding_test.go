package mail

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"testgate/store"
)

// A candidate's email carries the organisation: its name in the wording
// and the footer, its logo in the HTML, and replies go to its contact.
func TestComposeCarriesTheBranding(t *testing.T) {
	t.Parallel()
	c := NewComposer("https://tests.example.com", sender)
	saved := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	d := store.EmailData{Kind: store.EmailInvitation,
		Invitation: store.Invitation{Name: "Ada", Token: "tok"},
		Link:       store.TestLink{Name: "Spring", LinkEmails: store.LinkEmails{InviteSubject: "{{organisation}}: {{test name}}"}},
		Test:       store.Test{Name: "Go basics", DurationMinutes: 20},
		Brand: store.Branding{Organisation: "Acme & Sons", ContactEmail: "talent@acme.test",
			Logo: []byte("png"), LogoType: "image/png", UpdatedAt: saved}}
	email, err := c.Compose(d)
	if err != nil {
		t.Fatal(err)
	}
	if email.Subject != "Acme & Sons: Go basics" || email.ReplyTo != "talent@acme.test" {
		t.Fatalf("subject %q, reply-to %q", email.Subject, email.ReplyTo)
	}
	if !strings.HasSuffix(email.Text, "\n--\nAcme & Sons · Questions: talent@acme.test\n") {
		t.Errorf("text footer: %q", email.Text)
	}
	for _, want := range []string{
		`<img src="https://tests.example.com/brand/logo?v=` + "1796029200000" + `" alt="Acme &amp; Sons"`,
		`Acme &amp; Sons · Questions: <a href="mailto:talent@acme.test"`,
	} {
		if !strings.Contains(email.HTML, want) {
			t.Errorf("HTML lacks %q:\n%s", want, email.HTML)
		}
	}

	msg, err := Message(sender, store.OutboxMessage{Recipient: "ada@example.com", Subject: email.Subject, Text: email.Text,
		HTML: email.HTML, MessageID: "x@acme.test", ReplyTo: email.ReplyTo})
	if err != nil {
		t.Fatal(err)
	}
	var raw bytes.Buffer
	if _, err := msg.WriteTo(&raw); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(raw.String(), "Reply-To: <talent@acme.test>") {
		t.Errorf("no Reply-To header:\n%s", raw.String()[:400])
	}

	// Without branding: no footer, no logo, replies to the sender.
	d.Brand, d.Link.InviteSubject = store.Branding{}, ""
	if email, _ = c.Compose(d); strings.Contains(email.Text, "--") || strings.Contains(email.HTML, "<img") || email.ReplyTo != "" {
		t.Errorf("unbranded email: %q / %q", email.Text, email.ReplyTo)
	}
}
