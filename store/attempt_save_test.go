package store

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"
)

// A save of answers reads only its invitation's state (status, clocks,
// section); whatever is not a plain save — a clock run out, an attempt
// complete or not started — is decided on the whole invitation, as a
// finish is.
func TestSaveDecidesOnTheAttemptsState(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return now })
	tt, err := db.CreateSectionedTest(ctx, TestInput{Name: "Timed", Kind: KindAssessment, DurationMinutes: 60}, []SectionInput{
		{Name: "Speed", TimeLimit: 10, Questions: []QuestionInput{{Text: "1+1?", Kind: QuestionSingle, Options: []string{"2", "3"}, Correct: []int{0}}}},
		{Name: "Last", Questions: []QuestionInput{{Text: "2+2?", Kind: QuestionSingle, Options: []string{"4", "5"}, Correct: []int{0}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	res, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, Name: "A", Email: "a@example.com", Source: SourceNative})
	if _, err := db.Submit(ctx, Submission{InvitationID: res.Invitation.ID, Form: map[string][]string{}}); !errors.Is(err, ErrNotUsable) {
		t.Fatalf("a save before the start: %v, want ErrNotUsable", err)
	}
	inv, _ := db.StartInvitation(ctx, res.Invitation.ID)
	paper, _ := db.AttemptQuestions(ctx, inv)
	both := map[string][]string{"q" + strconv.FormatInt(paper[0].ID, 10): {"0"}, "q" + strconv.FormatInt(paper[1].ID, 10): {"0"}}

	saved, err := db.Submit(ctx, Submission{InvitationID: inv.ID, Form: both})
	if err != nil || saved.Outcome != Saved {
		t.Fatalf("a save: %v %v", saved.Outcome, err)
	}
	if a, _ := db.Answers(ctx, inv.ID); len(a) != 1 || a[paper[0].ID].Choices[0] != 0 {
		t.Fatalf("answers kept in the first section: %v, want its own alone", a)
	}

	now = now.Add(10 * time.Minute) // the section's time is up
	moved, err := db.Submit(ctx, Submission{InvitationID: inv.ID, Form: both})
	if err != nil || moved.Outcome != NextSection || moved.Invitation.SectionAt != 2 || moved.Invitation.Email != "a@example.com" {
		t.Fatalf("a save after the section's time: %v at %d (%q), %v", moved.Outcome, moved.Invitation.SectionAt, moved.Invitation.Email, err)
	}
	if _, err := db.Submit(ctx, Submission{InvitationID: inv.ID, Form: both}); err != nil {
		t.Fatal(err)
	}

	now = now.Add(time.Hour) // the attempt's time is up
	done, err := db.Submit(ctx, Submission{InvitationID: inv.ID, Form: map[string][]string{}})
	if err != nil || done.Outcome != Completed || done.Invitation.Status != StatusCompleted || done.Invitation.Score == nil || *done.Invitation.Score != 2 {
		t.Fatalf("a save after the time: %v %+v, %v", done.Outcome, done.Invitation.Score, err)
	}
	again, err := db.Submit(ctx, Submission{InvitationID: inv.ID, Form: both})
	if err != nil || again.Outcome != Completed || again.Invitation.Email != "a@example.com" {
		t.Fatalf("a save to a complete attempt: %v (%q), %v", again.Outcome, again.Invitation.Email, err)
	}
}
