package store

import (
	"context"
	"encoding/json"
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

// An invitation made new answers with the row as its insert wrote it, not
// a read: it must be what a read says, whatever the request set, on a
// link with its own settings, for a placeholder candidate, and for an
// address the team has seen before (its person is the first invitation).
func TestANewInvitationAnswersWhatItWrote(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	in := sampleTest
	in.Bands = []Band{{Name: "Strong", MinPercent: 80}, {Name: "Fair", MinPercent: 50}}
	tt, err := db.CreateTest(ctx, in, []QuestionInput{{Text: "1+1?", Kind: QuestionSingle, Options: []string{"2", "3"}, Correct: []int{0}}})
	if err != nil {
		t.Fatal(err)
	}
	campus, err := db.CreateLink(ctx, tt.ID, LinkInput{Name: "Campus", SendEmail: true, ExpireAfterDays: 7, Lang: "de", TabSwitchLimit: 3})
	if err != nil {
		t.Fatal(err)
	}
	other, err := db.CreateLink(ctx, tt.ID, LinkInput{Name: "Referrals"})
	if err != nil {
		t.Fatal(err)
	}
	zone := time.FixedZone("IST", 5*3600+1800)
	until := time.Date(2031, 3, 4, 17, 30, 15, 123456789, zone)
	yes := true
	requests := []NewInvitation{
		{TestID: tt.ID, Name: "Ada", Email: "ada@example.com"},
		{TestID: tt.ID, LinkID: campus.ID, Name: " Grace ", Email: "Grace@Example.com", Tags: json.RawMessage(`{"req":"R-12"}`),
			Labels: []string{"senior", "remote"}, Group: "Batch 4", ExternalID: "ext-9", ExternalData: json.RawMessage(`{"a":1}`),
			ValidUntil: &until, RequireAccessCode: true, ExtraTimePercent: 25, TrackingUniqID: "u-1", TrackingKey: "k",
			CandidateKind: "student", CallbackResource: "result", CallbackParams: json.RawMessage(`{"x":"y"}`), HideInstruction: &yes},
		{TestID: tt.ID, LinkID: campus.ID, GeneratePlaceholders: true},
		{TestID: tt.ID, LinkID: other.ID, Name: "Ada", Email: "ADA@example.com", Lang: "fr"},
	}
	var made []Invitation
	for i, n := range requests {
		n.Source, n.Actor = SourceNative, "api:test"
		res, err := db.Invite(ctx, n)
		if err != nil || !res.Created {
			t.Fatalf("request %d: created %v, %v", i, res.Created, err)
		}
		read, err := db.Invitation(ctx, res.Invitation.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(res.Invitation, read) {
			t.Fatalf("request %d answered\n%+v\nwhere a read says\n%+v", i, res.Invitation, read)
		}
		made = append(made, read)
	}
	first, again := made[0], made[3]
	if first.PersonID != first.ID || again.PersonID != first.ID {
		t.Fatalf("the address's invitations are persons %d and %d, want the first's id %d", first.PersonID, again.PersonID, first.ID)
	}
}
