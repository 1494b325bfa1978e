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
