package store

import (
	"context"
	"testing"
	"time"
)

// A link's deadline in days runs from each invitation: one made today and
// one made next week get a week each; a date on the link caps them, and an
// invitation's own expiry wins over both. A new attempt gets its own days.
func TestLinkDeadlineInDaysAfterEachInvitation(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return now })
	tt, _ := db.CreateTest(ctx, TestInput{Name: "Go", Kind: KindAssessment, DurationMinutes: 30}, nil)
	if _, err := db.CreateLink(ctx, tt.ID, LinkInput{Name: "Too long", ExpireAfterDays: 366}); err == nil {
		t.Fatal("a deadline of 366 days was accepted")
	}
	week, err := db.CreateLink(ctx, tt.ID, LinkInput{Name: "A week each", ExpireAfterDays: 7})
	if err != nil || week.ExpireAfterDays != 7 {
		t.Fatalf("link %+v %v", week, err)
	}
	first, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: week.ID, Name: "A", Email: "a@example.com", Source: SourceNative})
	if want := now.AddDate(0, 0, 7); first.Invitation.ExpiresAt == nil || !first.Invitation.ExpiresAt.Equal(want) {
		t.Fatalf("first expires %v, want %v", first.Invitation.ExpiresAt, want)
	}
	now = now.AddDate(0, 0, 5)
	later, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: week.ID, Name: "B", Email: "b@example.com", Source: SourceNative})
	if want := now.AddDate(0, 0, 7); !later.Invitation.ExpiresAt.Equal(want) {
		t.Fatalf("later expires %v, want %v", later.Invitation.ExpiresAt, want)
	}
	own := now.Add(48 * time.Hour)
	if r, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: week.ID, Name: "C", Email: "c@example.com", ExpiresAt: &own,
		Source: SourceNative}); !r.Invitation.ExpiresAt.Equal(own) {
		t.Fatalf("an invitation's own expiry: %v", r.Invitation.ExpiresAt)
	}

	// A date on the link comes first when it is sooner.
	closing := now.AddDate(0, 0, 3)
	in := LinkInput{Name: "A week each", ExpireAfterDays: 7, ExpiresAt: &closing}
	if _, err := db.UpdateLink(ctx, week.ID, in); err != nil {
		t.Fatal(err)
	}
	if r, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: week.ID, Name: "D", Email: "d@example.com", Source: SourceNative}); !r.Invitation.ExpiresAt.Equal(closing) {
		t.Fatalf("capped by the link's date: %v, want %v", r.Invitation.ExpiresAt, closing)
	}

	// After an expired first invitation, the new attempt has days of its own.
	in.ExpiresAt = nil
	db.UpdateLink(ctx, week.ID, in)
	now = now.AddDate(0, 0, 10)
	if _, err := db.ExpireDue(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := db.Reattempt(ctx, first.Invitation.ID, ReattemptInput{Source: SourceConsole})
	if err != nil || !res.Reopened || !res.Invitation.ExpiresAt.Equal(now.AddDate(0, 0, 7)) {
		t.Fatalf("reattempt: %+v %v", res.Invitation.ExpiresAt, err)
	}
}
