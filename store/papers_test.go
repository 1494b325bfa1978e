package store

import (
	"context"
	"strconv"
	"testing"
)

// The saves of an attempt share one read of its paper, and a change to the
// test drops it: a section's marking edited after the candidate's
// autosaves marks their submit.
func TestSavedPaperFollowsTheTest(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	tt, err := db.CreateSectionedTest(ctx, TestInput{Name: "Marked", Kind: KindAssessment, DurationMinutes: 30}, []SectionInput{
		{Name: "Only", Questions: []QuestionInput{
			{Text: "1+1?", Kind: QuestionSingle, Options: []string{"2", "3"}, Correct: []int{0}, Points: 2},
			{Text: "2+2?", Kind: QuestionSingle, Options: []string{"4", "5"}, Correct: []int{0}, Points: 2},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	res, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, Name: "A", Email: "a@example.com", Source: SourceNative})
	inv, _ := db.StartInvitation(ctx, res.Invitation.ID)
	paper, _ := db.AttemptQuestions(ctx, inv)
	form := map[string][]string{"q" + strconv.FormatInt(paper[0].ID, 10): {"0"}, "q" + strconv.FormatInt(paper[1].ID, 10): {"1"}}
	for range 2 {
		if _, err := db.Submit(ctx, Submission{InvitationID: inv.ID, Form: form}); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := db.papers.get(strconv.FormatInt(inv.ID, 10)); !ok {
		t.Fatal("the autosaves did not keep the paper")
	}
	sections, _ := db.Sections(ctx, tt.ID)
	if _, err := db.UpdateSection(ctx, tt.ID, sections[0].ID, SectionSettings{Name: "Only", Marking: SectionMarking{Penalty: 1, Floor: -2}}); err != nil {
		t.Fatal(err)
	}
	done, err := db.Submit(ctx, Submission{InvitationID: inv.ID, Form: form, Finish: true})
	if err != nil {
		t.Fatal(err)
	}
	if s := done.Invitation.Score; s == nil || *s != 1 { // 2 for the right answer, −1 for the wrong one
		t.Fatalf("score %s, want 1 with the section's penalty edited after the saves", fmtScore(s))
	}
}

// A paper read in a transaction that rolls back is not kept: the attempt
// it was read for may not have begun.
func TestPaperOfARolledBackWriteIsNotKept(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	inv := startedAttempt(t, db)
	err := db.inTx(ctx, func(tx *Tx) error {
		if _, err := db.startedPaperTx(ctx, tx, inv.ID); err != nil {
			return err
		}
		return ErrNotUsable
	})
	if err != ErrNotUsable {
		t.Fatal(err)
	}
	if _, ok := db.papers.get(strconv.FormatInt(inv.ID, 10)); ok {
		t.Fatal("a paper read by a write that rolled back was kept")
	}
}

func fmtScore(s *int) string {
	if s == nil {
		return "none"
	}
	return strconv.Itoa(*s)
}
