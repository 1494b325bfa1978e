package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestReattempt(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return now })
	tt, _ := db.CreateTest(ctx, TestInput{Name: "Go", Kind: KindAssessment, DurationMinutes: 10},
		[]QuestionInput{{Text: "2+2?", Kind: QuestionSingle, Options: []string{"3", "4"}, Correct: []int{1}}})
	link, _ := db.DefaultLink(ctx, tt.ID)
	cb := "https://hooks.example.com/imocha"
	first, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Ann", Email: "ann@example.com",
		Source: SourceIMocha, CallbackURL: &cb})
	if err != nil {
		t.Fatal(err)
	}
	id := first.Invitation.ID

	// Not taken yet: the same invitation comes back.
	if r, err := db.Reattempt(ctx, id, ReattemptInput{Source: SourceIMocha}); err != nil || r.Created || r.Invitation.ID != id {
		t.Fatalf("pending: %+v %v", r, err)
	}
	db.StartInvitation(ctx, id)
	if _, err := db.Reattempt(ctx, id, ReattemptInput{}); !errors.Is(err, ErrAttemptInProgress) {
		t.Fatalf("in progress: %v", err)
	}
	now = now.Add(5 * time.Minute)
	db.CompleteInvitation(ctx, id, "submitted")

	// Finished: a new attempt with the same settings; the old one is kept.
	r, err := db.Reattempt(ctx, id, ReattemptInput{Source: SourceIMocha, Actor: "api:k"})
	if err != nil || !r.Created || r.Invitation.ID == id || r.Invitation.Status != StatusInvited ||
		r.Invitation.Email != "ann@example.com" || r.Invitation.CallbackURL != cb || r.Invitation.Token == first.Invitation.Token {
		t.Fatalf("after completion: %+v %v", r, err)
	}
	second := r.Invitation.ID
	if old, _ := db.Invitation(ctx, id); old.Status != StatusCompleted || old.Score == nil {
		t.Fatalf("the finished attempt changed: %+v", old)
	}
	// Asked again (from the old id or the new), the new attempt comes back.
	for _, from := range []int64{id, second} {
		if r, err := db.Reattempt(ctx, from, ReattemptInput{}); err != nil || r.Created || r.Invitation.ID != second {
			t.Fatalf("again from %d: %+v %v", from, r, err)
		}
	}
	// Inviting the address through the link again finds the new attempt.
	again, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: link.ID, Email: "ANN@example.com", Name: "Ann", Source: SourceIMocha})
	if err != nil || again.Invitation.ID != second || again.Created {
		t.Fatalf("invite after reattempt: %+v %v", again, err)
	}
	// Cancelled: made pending again.
	db.CancelInvitation(ctx, second, "user:x")
	if r, err := db.Reattempt(ctx, id, ReattemptInput{}); err != nil || !r.Reopened || r.Invitation.ID != second || r.Invitation.Status != StatusInvited {
		t.Fatalf("cancelled: %+v %v", r, err)
	}
	events, _ := db.Timeline(ctx, id)
	if events[len(events)-1].Kind != "reattempted" && events[0].Kind != "reattempted" {
		t.Fatalf("timeline of the old attempt: %+v", events)
	}

	// Attempts that ended in a range, by state.
	got, err := db.EndedAttempts(ctx, EndedFilter{State: EndedCompleted, From: now.Add(-time.Minute), To: now.Add(time.Minute)})
	if err != nil || len(got) != 1 || got[0].ID != id {
		t.Fatalf("completed in range: %+v %v", got, err)
	}
	if got, _ := db.EndedAttempts(ctx, EndedFilter{State: EndedCompleted, From: now.Add(time.Second), To: now.Add(time.Hour)}); len(got) != 0 {
		t.Fatalf("completed after: %d", len(got))
	}
	if got, _ := db.EndedAttempts(ctx, EndedFilter{State: EndedCancelled, From: now.Add(-time.Hour), To: now.Add(time.Hour)}); len(got) != 0 {
		t.Fatalf("cancelled (re-opened since): %d", len(got))
	}
	if got, _ := db.EndedAttempts(ctx, EndedFilter{State: EndedCompleted, From: now.Add(-time.Minute), To: now.Add(time.Minute), TestID: tt.ID}); len(got) != 1 {
		t.Fatalf("completed of its own test: %d", len(got))
	}
	if got, _ := db.EndedAttempts(ctx, EndedFilter{State: EndedCompleted, From: now.Add(-time.Minute), To: now.Add(time.Minute), TestID: tt.ID + 1000}); len(got) != 0 {
		t.Fatalf("completed of another test: %d", len(got))
	}
	if _, err := db.EndedAttempts(ctx, EndedFilter{State: "bogus", From: now, To: now}); err == nil {
		t.Fatal("unknown state accepted")
	}
}
