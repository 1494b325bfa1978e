package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// An erase replaces the candidate's identity and words but keeps what the
// reports count: status, score, points, the timeline's entries.
func TestEraseKeepsTheCountsNotThePerson(t *testing.T) {
	t.Parallel()
	db, tt, link, clock := resultsFixture(t)
	now := *clock
	ctx := context.Background()
	done := takeAttempt(t, db, tt, link, "Dana.Quill@example.com", 1, 0)
	qs, _ := db.AttemptQuestions(ctx, done)
	if _, err := db.GradeAnswer(ctx, done.ID, GradeInput{QuestionID: qs[1].ID, Points: 2, Comment: "Dana knows channels"}, "user:rita@example.com"); err != nil {
		t.Fatal(err)
	}
	graded, _ := db.Invitation(ctx, done.ID)
	second, _ := db.CreateLink(ctx, tt.ID, LinkInput{Name: "Second round"})
	live, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: second.ID, Name: "Dana Quill", Email: "dana.quill@example.com",
		Source: SourceConsole, Actor: "user:rita@example.com"})
	other, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Olga", Email: "olga@example.com", Source: SourceConsole})

	ids, err := db.EraseCandidate(ctx, " DANA.QUILL@example.com", nil, "user:admin@example.com")
	if err != nil || len(ids) != 2 {
		t.Fatalf("erase: %v %v", ids, err)
	}
	erased, _ := db.Invitation(ctx, done.ID)
	if erased.Name != ErasedName || strings.Contains(erased.Email, "dana") || erased.ErasedAt == nil {
		t.Fatalf("erased invitation: %q %q %v", erased.Name, erased.Email, erased.ErasedAt)
	}
	if erased.Status != StatusCompleted || *erased.Score != *graded.Score || erased.Review != ReviewGraded {
		t.Fatalf("the attempt's result changed: %s %v %s", erased.Status, erased.Score, erased.Review)
	}
	answers, _ := db.Answers(ctx, done.ID)
	if a := answers[qs[1].ID]; a.Text != "" || a.Comment != "" || a.Points == nil || *a.Points != 2 {
		t.Fatalf("written answer after the erase: %+v", a)
	}
	changes, _ := db.ScoreChanges(ctx, done.ID)
	for _, c := range changes {
		if c.Reason != "" && c.Reason != erasedText {
			t.Fatalf("a score change still says %q", c.Reason)
		}
	}
	events, _ := db.Timeline(ctx, done.ID)
	if last := events[len(events)-1]; last.Kind != "erased" || last.Actor != "user:admin@example.com" {
		t.Fatalf("timeline ends with %+v", last)
	}
	for _, e := range events {
		if strings.Contains(strings.ToLower(e.Detail), "dana") {
			t.Fatalf("the timeline still names the candidate: %+v", e)
		}
	}
	// The timeline stays append-only for anything but an erase.
	if _, err := db.exec(ctx, `UPDATE invitation_events SET actor = 'someone' WHERE invitation_id = ?`, done.ID); err == nil {
		t.Fatal("a timeline entry's actor could be rewritten")
	}
	if _, err := db.exec(ctx, `UPDATE score_changes SET to_points = 0 WHERE invitation_id = ?`, done.ID); err == nil {
		t.Fatal("a score change could be rewritten")
	}
	if _, err := db.exec(ctx, `DELETE FROM invitation_events WHERE invitation_id = ?`, done.ID); err == nil {
		t.Fatal("a timeline entry could be deleted")
	}

	cancelled, _ := db.Invitation(ctx, live.Invitation.ID)
	if cancelled.Status != StatusCancelled || cancelled.ErasedAt == nil {
		t.Fatalf("a live invitation of the erased address: %s, erased %v", cancelled.Status, cancelled.ErasedAt)
	}
	if found, total, _ := db.Invitations(ctx, InvitationFilter{Query: "quill"}); total != 0 {
		t.Fatalf("search still finds the erased candidate: %+v", found)
	}
	if _, total, _ := db.Invitations(ctx, InvitationFilter{Query: "olga"}); total != 1 {
		t.Fatal("the erase touched another candidate's search entry")
	}
	if o, _ := db.Invitation(ctx, other.Invitation.ID); o.Name != "Olga" || o.ErasedAt != nil {
		t.Fatalf("another candidate: %+v", o)
	}

	// Asked again: nothing left under that address; an erased invitation
	// erased again stays as it was.
	if _, err := db.EraseCandidate(ctx, "dana.quill@example.com", nil, "x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second erase by address: %v", err)
	}
	again, err := db.EraseInvitation(ctx, done.ID, "x")
	if err != nil || !again.ErasedAt.Equal(*erased.ErasedAt) {
		t.Fatalf("second erase of the invitation: %v %v", again.ErasedAt, err)
	}
	if _, err := db.Reattempt(ctx, done.ID, ReattemptInput{Actor: "x"}); !errors.Is(err, ErrErased) {
		t.Fatalf("a new attempt for an erased candidate: %v", err)
	}
	if _, err := db.ExtendInvitation(ctx, live.Invitation.ID, now.Add(time.Hour), "x"); !errors.Is(err, ErrErased) {
		t.Fatalf("a new expiry for an erased invitation: %v", err)
	}
	if _, err := db.EraseCandidate(ctx, "  ", nil, "x"); err == nil {
		t.Fatal("an erase without an address was accepted")
	}
}

// Every erase path — one invitation, an address, the retention sweep —
// leaves nothing of the candidate where integrators and throttles put it:
// the invitation's and every delivery's callback URL (integrators add
// ?candidate=<address>), Testinvite's group, the counts that throttle
// emails to the address, and the rows imports into the test refused for it.
func TestEveryEraseLeavesNoTraceInURLsGroupsThrottlesOrImports(t *testing.T) {
	t.Parallel()
	paths := map[string]func(db *DB, inv Invitation) error{
		"one invitation": func(db *DB, inv Invitation) error {
			_, err := db.EraseInvitation(context.Background(), inv.ID, "user:admin@example.com")
			return err
		},
		"by address": func(db *DB, inv Invitation) error {
			_, err := db.EraseCandidate(context.Background(), "Mira.Voss@Example.com", nil, "user:admin@example.com")
			return err
		},
		"retention": func(db *DB, inv Invitation) error {
			ctx := context.Background()
			if err := db.SetRetentionDays(ctx, 1); err != nil {
				return err
			}
			db.SetClock(func() time.Time { return inv.UpdatedAt.Add(49 * time.Hour) })
			n, err := db.ApplyRetention(ctx)
			if err == nil && n != 1 {
				t.Errorf("retention erased %d", n)
			}
			return err
		},
	}
	for name, erase := range paths {
		t.Run(name, func(t *testing.T) {
			db, tt, link, _ := resultsFixture(t)
			ctx := context.Background()
			hook := "http://127.0.0.1:9/hooks?candidate=mira.voss@example.com&name=Mira+Voss"
			res, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Mira Voss", Email: "mira.voss@example.com",
				Source: SourceTestinvite, Group: "Voss cohort", CallbackURL: &hook, ExternalData: []byte(`{"cv":"mira-voss.pdf"}`)})
			if err != nil {
				t.Fatal(err)
			}
			db.StartInvitation(ctx, res.Invitation.ID)
			inv, err := db.CompleteInvitation(ctx, res.Invitation.ID, ReasonSubmitted)
			if err != nil {
				t.Fatal(err)
			}
			other, _ := db.CreateLink(ctx, tt.ID, LinkInput{Name: "Walk-ins", Public: true, Slug: "walk-ins"})
			if _, _, err := db.BeginLoginAttempt(ctx, time.Hour, LoginLimit{Scope: LinkMailScope(other.ID, "mira.voss+cv@example.com"), Max: 3},
				LoginLimit{Scope: LinkMailScope(other.ID, "olga@example.com"), Max: 3}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.CreateImport(ctx, NewImport{LinkID: link.ID, Actor: "user:rita@example.com", FileName: "list.csv",
				Header: []string{"name", "email"}, TotalRows: 1, Rejected: []ImportRejection{{Line: 2, Name: "Mira Voss",
					Email: "MIRA.VOSS@example.com", Reason: ReasonAlreadyInvited, Record: []string{"Mira Voss", "MIRA.VOSS@example.com"}}}}); err != nil {
				t.Fatal(err)
			}
			if n := traces(t, db, "voss"); n < 5 {
				t.Fatalf("the fixture left %d traces to find", n)
			}
			if err := erase(db, inv); err != nil {
				t.Fatal(err)
			}
			if n := traces(t, db, "voss"); n != 0 {
				t.Fatalf("%d traces of the candidate are left", n)
			}
			if n := traces(t, db, "olga"); n != 1 {
				t.Fatalf("another address's throttle went too: %d left", n)
			}
		})
	}
}

// traces counts the rows that hold needle in the places erasing must empty.
func traces(t *testing.T, db *DB, needle string) int {
	t.Helper()
	like := "%" + needle + "%"
	var n int
	err := db.queryRow(context.Background(), `SELECT
		(SELECT COUNT(*) FROM invitations WHERE lower(callback_url) LIKE ? OR lower(group_name) LIKE ? OR lower(external_data) LIKE ?) +
		(SELECT COUNT(*) FROM callback_deliveries WHERE lower(url) LIKE ? OR lower(payload) LIKE ?) +
		(SELECT COUNT(*) FROM login_failures WHERE lower(scope) LIKE ?) +
		(SELECT COUNT(*) FROM import_rejections WHERE lower(name) LIKE ? OR lower(email) LIKE ? OR lower(record) LIKE ?)`,
		like, like, like, like, like, like, like, like, like).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
