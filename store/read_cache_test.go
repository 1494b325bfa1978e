package store

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
)

func TestWritesCandidateDataRecognisesTheTablesByName(t *testing.T) {
	for q, want := range map[string]bool{
		"UPDATE invitations SET status = ?":                              true,
		"\n\t\tupdate   invitations\nSET name = ?":                       true,
		"INSERT INTO invitations (test_id) VALUES (?)":                   true,
		"UPDATE tests SET archived_at = ?":                               true,
		"UPDATE test_links SET name = ?":                                 true,
		"DELETE FROM questions WHERE id = ?":                             true,
		"INSERT INTO invitation_events (invitation_id) VALUES (?)":       false,
		"UPDATE outbox SET status = 'sent' WHERE invitation_id = ?":      false,
		"INSERT INTO invitations_search (rowid) VALUES (?)":              false,
		"SELECT id FROM invitations WHERE token = ?":                     false,
		"UPDATE callback_deliveries SET status = 'pending' WHERE id = ?": false,
	} {
		if got := writesCandidateData(q); got != want {
			t.Errorf("%q: %v, want %v", q, got, want)
		}
	}
}

// TestCandidateCacheNeverServesAStalePage reads a candidate's page data,
// changes it through every kind of store write the page shows, and reads
// again; a write made behind the store's back proves the reads are cached.
func TestCandidateCacheNeverServesAStalePage(t *testing.T) {
	db, tt, _, campus, _ := inviteFixture(t)
	ctx := context.Background()
	res, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: campus.ID, Name: "Ann", Email: "ann@example.com", Source: SourceNative})
	if err != nil {
		t.Fatal(err)
	}
	token := res.Invitation.Token
	read := func() (Invitation, Test) {
		t.Helper()
		inv, test, err := db.InvitationAndTestByToken(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		return inv, test
	}
	read()

	// Behind the store's back: the cache answers, so the change is not seen.
	raw, err := sql.Open("sqlite", "file:"+db.path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE invitations SET name = 'Behind the back' WHERE id = ?`, res.Invitation.ID); err != nil {
		t.Fatal(err)
	}
	if inv, _ := read(); inv.Name != "Ann" {
		t.Fatalf("not cached: %q", inv.Name)
	}

	steps := []struct {
		what  string
		write func() error
		check func(Invitation, Test) bool
	}{
		{"opened", func() error { _, err := db.OpenInvitation(ctx, res.Invitation.ID); return err },
			func(inv Invitation, _ Test) bool { return inv.Status == StatusOpened && inv.Name == "Behind the back" }},
		{"test renamed", func() error {
			_, err := db.UpdateTest(ctx, tt.ID, TestInput{Name: "Renamed", Kind: tt.Kind, DurationMinutes: 45})
			return err
		}, func(inv Invitation, test Test) bool {
			return test.Name == "Renamed" && test.DurationMinutes == 45 && inv.TestName == "Renamed"
		}},
		{"question added", func() error {
			_, err := db.AddQuestion(ctx, tt.ID, QuestionInput{Text: "2+2?", Kind: QuestionSingle, Options: []string{"3", "4"}, Correct: []int{1}})
			return err
		}, func(_ Invitation, test Test) bool { return test.QuestionCount == 1 }},
		{"link renamed", func() error {
			_, err := db.UpdateLink(ctx, campus.ID, LinkInput{Name: "Campus 2028"})
			return err
		}, func(inv Invitation, _ Test) bool { return inv.LinkName == "Campus 2028" }},
		{"test archived", func() error { return db.SetTestArchived(ctx, tt.ID, true) },
			func(_ Invitation, test Test) bool { return test.Archived() }},
		{"cancelled", func() error { _, err := db.CancelInvitation(ctx, res.Invitation.ID, "t"); return err },
			func(inv Invitation, _ Test) bool { return inv.Status == StatusCancelled }},
	}
	for _, s := range steps {
		read() // cached before the write
		if err := s.write(); err != nil {
			t.Fatalf("%s: %v", s.what, err)
		}
		if inv, test := read(); !s.check(inv, test) {
			t.Errorf("after %s the page still reads %+v / %+v", s.what, inv.Status, test.Name)
		}
	}
}

// TestListCountsAreCachedUntilAWrite pages a filter twice with a row added
// behind the store's back in between (the count is cached), then invites
// through the store: the count is read again.
func TestListCountsAreCachedUntilAWrite(t *testing.T) {
	db, tt, def, _, _ := inviteFixture(t)
	ctx := context.Background()
	for i := range 3 {
		db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: def.ID, Name: "P", Email: fmt.Sprintf("p%d@example.com", i), Source: SourceNative})
	}
	f := InvitationFilter{LinkID: def.ID, PageSize: 2}
	if _, total, _ := db.Invitations(ctx, f); total != 3 {
		t.Fatalf("total %d", total)
	}
	raw, err := sql.Open("sqlite", "file:"+db.Path()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`INSERT INTO invitations (test_id, link_id, token, name, email, email_norm, status, source, invited_at, created_at, updated_at)
		VALUES (?, ?, 'behind', 'B', 'b@example.com', 'b@example.com', 'invited', 'native', 1, 1, 1)`, tt.ID, def.ID); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := db.Invitations(ctx, InvitationFilter{LinkID: def.ID, PageSize: 2, Page: 2}); total != 3 {
		t.Fatalf("page 2 counted again: %d", total)
	}
	if _, total, _ := db.Invitations(ctx, InvitationFilter{LinkID: def.ID, Status: StatusInvited}); total != 4 {
		t.Fatalf("another filter is counted afresh: %d", total)
	}
	db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: def.ID, Name: "Q", Email: "q@example.com", Source: SourceNative})
	if _, total, _ := db.Invitations(ctx, f); total != 5 {
		t.Fatalf("after a write: %d", total)
	}
}
