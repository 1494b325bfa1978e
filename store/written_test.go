package store

import (
	"context"
	"reflect"
	"strconv"
	"testing"
	"time"
)

// An opening, a start and a completion answer with the invitation as their
// transaction left it, not a read after the commit: it must be what a read
// says, and the landing page's cache must show it too.
func TestOpenStartAndCompletionAnswerWhatTheyWrote(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	invited := oneQuestionTest(t, db, NewInvitation{Name: "Ada", Email: "ada@example.com", ExtraTimePercent: 50})[0]
	seen, _, err := db.InvitationAndTestByToken(ctx, invited.Token) // the landing page, cached
	if err != nil {
		t.Fatal(err)
	}
	same := func(what string, got Invitation) {
		t.Helper()
		read, err := db.Invitation(ctx, got.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, read) {
			t.Fatalf("%s answered\n%+v\nwhere a read says\n%+v", what, got, read)
		}
		page, _, err := db.InvitationAndTestByToken(ctx, got.Token)
		if err != nil || !reflect.DeepEqual(page, read) {
			t.Fatalf("%s: the landing page has\n%+v\nwhere a read says\n%+v (%v)", what, page, read, err)
		}
	}
	opened, err := db.VisitAttempt(ctx, seen, false)
	if err != nil || opened.Status != StatusOpened || opened.OpenedAt == nil {
		t.Fatalf("opened: %v at %v, %v", opened.Status, opened.OpenedAt, err)
	}
	same("the opening", opened)
	started, err := db.StartInvitation(ctx, opened.ID)
	if err != nil || started.Status != StatusStarted || started.DeadlineAt == nil {
		t.Fatalf("started: %v, deadline %v, %v", started.Status, started.DeadlineAt, err)
	}
	if want := started.StartedAt.Add(67*time.Minute + 30*time.Second); !started.DeadlineAt.Equal(want) {
		t.Fatalf("deadline %v, want 45 minutes and half again after the start, %v", started.DeadlineAt, want)
	}
	same("the start", started)
	paper, err := db.AttemptQuestions(ctx, started)
	if err != nil || len(paper) != 1 {
		t.Fatalf("paper: %d questions, %v", len(paper), err)
	}
	done, err := db.Submit(ctx, Submission{InvitationID: started.ID, Finish: true,
		Form: map[string][]string{"q" + strconv.FormatInt(paper[0].ID, 10): {"0"}}})
	if err != nil || done.Outcome != Completed || done.Invitation.Score == nil || *done.Invitation.Score != 1 {
		t.Fatalf("completed: %v, score %v, %v", done.Outcome, done.Invitation.Score, err)
	}
	same("the completion", done.Invitation)
}
