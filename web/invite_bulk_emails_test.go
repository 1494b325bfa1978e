package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"testgate/store"
)

// A bulk invite's emails are composed beside its inserts: each queued
// email still goes to its own candidate, names them, links their own
// token and speaks their language, across the transactions of a batch.
func TestBulkInvitationEmailsBelongToTheirCandidates(t *testing.T) {
	t.Parallel()
	_, db := newTestServer(t)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	link, _ := db.DefaultLink(ctx, tt.ID)
	send := true
	langs := []string{"en", "de", "fr"}
	var ns []store.NewInvitation
	for i := range 2*store.BulkChunk + 10 {
		ns = append(ns, store.NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: fmt.Sprintf("Candidate %d", i),
			Email: fmt.Sprintf("c%d@example.com", i), Lang: langs[i%len(langs)], SendEmail: &send, Source: store.SourceThinkExam})
	}
	ids, err := db.InviteMany(ctx, ns)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		inv, _ := db.Invitation(ctx, id)
		msgs := queued(t, db, id)
		if len(msgs) != 1 {
			t.Fatalf("%s: %d emails queued", ns[i].Email, len(msgs))
		}
		m := msgs[0]
		if m.Recipient != ns[i].Email || !strings.Contains(m.Text, ns[i].Name+",") ||
			!strings.Contains(m.Text, testBaseURL+"/t/"+inv.Token) || !strings.Contains(m.HTML, `<html lang="`+ns[i].Lang+`">`) {
			t.Fatalf("request %d (%s, %s) got the email to %s:\n%s\n%.120s", i, ns[i].Email, ns[i].Lang, m.Recipient, m.Text, m.HTML)
		}
	}
}
