package mail

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"testgate/store"
)

// queueInvitations fills the outbox with n invitation emails.
func queueInvitations(b *testing.B, f *mailFixture, n int) []store.OutboxMessage {
	b.Helper()
	send := true
	for i := range n {
		if _, err := f.db.Invite(context.Background(), store.NewInvitation{TestID: f.test.ID, LinkID: f.link.ID,
			Name: fmt.Sprintf("Candidate %d", i), Email: fmt.Sprintf("c%d@example.com", i), SendEmail: &send, Source: store.SourceNative}); err != nil {
			b.Fatal(err)
		}
	}
	msgs, err := f.db.Outbox(context.Background(), store.OutboxFilter{Limit: 500})
	if err != nil {
		b.Fatal(err)
	}
	return msgs
}

// BenchmarkOutboxToSMTP is the whole path: lease from the outbox, send over
// one reused connection to an in-process SMTP server, record the outcome.
func BenchmarkOutboxToSMTP(b *testing.B) {
	f := newMailFixture(b)
	s := startSink(b, "")
	queueInvitations(b, f, b.N)
	host, port, _ := strings.Cut(s.addr, ":")
	cfg, _ := ParseSMTPURL("smtp://" + host + ":" + port + "?tls=none")
	w := &Worker{DB: f.db, Rate: 100000, Concurrency: 1, Poll: time.Millisecond,
		NewSender: func() (Sender, error) { return NewSMTPSender(cfg, sender) }}
	b.ResetTimer()
	ws := startOutbox(f.db, w)
	defer ws.Stop(context.Background())
	for {
		s.mu.Lock()
		n := len(s.messages)
		s.mu.Unlock()
		if n >= b.N {
			break
		}
		time.Sleep(time.Millisecond)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkGoMailDirect sends the same messages with go-mail alone over one
// connection: the ceiling the outbox is measured against.
func BenchmarkGoMailDirect(b *testing.B) {
	f := newMailFixture(b)
	s := startSink(b, "")
	rows := queueInvitations(b, f, min(b.N, 500))
	host, port, _ := strings.Cut(s.addr, ":")
	cfg, _ := ParseSMTPURL("smtp://" + host + ":" + port + "?tls=none")
	snd, _ := NewSMTPSender(cfg, sender)
	if err := snd.client.DialWithContext(context.Background()); err != nil {
		b.Fatal(err)
	}
	defer snd.client.Close()
	b.ResetTimer()
	for i := range b.N {
		// Building each message is part of sending it, as for the worker.
		msg, err := Message(sender, rows[i%len(rows)])
		if err != nil {
			b.Fatal(err)
		}
		if err := snd.client.Send(msg); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkRenderInvitation is one candidate's invitation email in the
// built-in wording: the work an import or bulk assign does per row.
func BenchmarkRenderInvitation(b *testing.B) {
	d := TemplateData{CandidateName: "Ada Lovelace", TestName: "Go basics", TestURL: "https://tests.acme.test/t/AbCdEf0123456789",
		ExpiresAt: "31 Jan 2027 18:00 UTC", DurationMinutes: 30, LinkName: "Campus", AccessCode: "123456"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(DefaultInviteSubject, DefaultInviteBody, "Start the test", d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkComposeInvitation is the whole invitation email as the outbox
// composes it, in the candidate's language: the built-in wording from the
// catalog, the duration and the deadline written in that language, the
// branding footer.
func BenchmarkComposeInvitation(b *testing.B) {
	c := NewComposer("https://tests.acme.test", sender)
	expires := time.Date(2027, 1, 31, 18, 0, 0, 0, time.UTC)
	for _, lang := range []string{"en", "ru"} {
		b.Run(lang, func(b *testing.B) {
			d := store.EmailData{Kind: store.EmailInvitation, Lang: lang,
				Invitation: store.Invitation{Name: "Ada Lovelace", Token: "AbCdEf0123456789", ExpiresAt: &expires, AccessCode: "123456", Lang: lang},
				Link:       store.TestLink{Name: "Campus"}, Test: store.Test{Name: "Go basics", DurationMinutes: 30},
				Brand: store.Branding{Organisation: "Acme", ContactEmail: "talent@acme.test"}}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Compose(d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
