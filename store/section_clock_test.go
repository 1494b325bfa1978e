package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A test with a timed section goes section by section: answers only for
// the section the candidate is in, its own time (with extra time), moving
// on by choice or when the time is up, and the last section submitting.
func TestTimedSectionsGoOneAfterAnother(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return now })
	tt, err := db.CreateSectionedTest(ctx, TestInput{Name: "Timed", Kind: KindAssessment, DurationMinutes: 60}, []SectionInput{
		{Name: "Speed", TimeLimit: 10, Questions: []QuestionInput{{Text: "1+1?", Kind: QuestionSingle, Options: []string{"2", "3"}, Correct: []int{0}}}},
		{Name: "Untimed", Questions: []QuestionInput{{Text: "2+2?", Kind: QuestionSingle, Options: []string{"4", "5"}, Correct: []int{0}}}},
		{Name: "Last", TimeLimit: 5, Questions: []QuestionInput{{Text: "3+3?", Kind: QuestionSingle, Options: []string{"6", "7"}, Correct: []int{0}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	res, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, Name: "A", Email: "a@example.com", ExtraTimePercent: 50, Source: SourceNative})
	inv, _ := db.StartInvitation(ctx, res.Invitation.ID)
	if inv.SectionAt != 1 || !inv.SectionDeadlineAt.Equal(now.Add(15*time.Minute)) || !inv.EndsAt().Equal(now.Add(15*time.Minute)) {
		t.Fatalf("first section: at %d until %v", inv.SectionAt, inv.SectionDeadlineAt)
	}
	paper, _ := db.AttemptQuestions(ctx, inv)
	if got := SectionOf(inv, paper); len(got) != 1 || got[0].Text != "1+1?" {
		t.Fatalf("the candidate sees %+v", got)
	}
	if n, total := SectionPlace(inv, paper); n != 1 || total != 3 {
		t.Fatalf("place %d of %d", n, total)
	}
	// An answer to a later section is not taken yet.
	db.SaveAnswers(ctx, inv.ID, []AnswerInput{{QuestionID: paper[0].ID, Choices: []int{0}}, {QuestionID: paper[1].ID, Choices: []int{0}}}, nil)
	if a, _ := db.Answers(ctx, inv.ID); len(a) != 1 {
		t.Fatalf("answers kept: %v", a)
	}
	// The section's time runs out: answers are refused; moving on starts the untimed one.
	now = now.Add(15 * time.Minute)
	if err := db.SaveAnswers(ctx, inv.ID, nil, nil); !errors.Is(err, ErrSectionTimeUp) {
		t.Fatalf("late answer: %v", err)
	}
	inv, _ = db.AdvanceSection(ctx, inv.ID, 1, ReasonTimeRanOut)
	if inv.SectionAt != 2 || inv.SectionDeadlineAt != nil || !inv.EndsAt().Equal(*inv.DeadlineAt) {
		t.Fatalf("second section: %d %v", inv.SectionAt, inv.SectionDeadlineAt)
	}
	// A second click on "next" for the section already left changes nothing.
	if again, _ := db.AdvanceSection(ctx, inv.ID, 1, ReasonSubmitted); again.SectionAt != 2 {
		t.Fatalf("double advance: %d", again.SectionAt)
	}
	db.SaveAnswers(ctx, inv.ID, []AnswerInput{{QuestionID: paper[1].ID, Choices: []int{0}}}, nil)
	inv, _ = db.AdvanceSection(ctx, inv.ID, 2, ReasonSubmitted)
	if inv.SectionAt != 3 || !inv.SectionDeadlineAt.Equal(now.Add(7*time.Minute+30*time.Second)) {
		t.Fatalf("third section: %d %v", inv.SectionAt, inv.SectionDeadlineAt)
	}
	// Added minutes move the section's end too.
	inv, _ = db.AddTime(ctx, inv.ID, 5, "user:x")
	if !inv.SectionDeadlineAt.Equal(now.Add(12*time.Minute + 30*time.Second)) {
		t.Fatalf("section after added time: %v", inv.SectionDeadlineAt)
	}
	inv, _ = db.AdvanceSection(ctx, inv.ID, 3, ReasonSubmitted)
	if inv.Status != StatusCompleted || *inv.Score != 2 || *inv.MaxScore != 3 {
		t.Fatalf("after the last section: %s %v / %v", inv.Status, inv.Score, inv.MaxScore)
	}
	timeline, _ := db.Timeline(ctx, inv.ID)
	ended := 0
	for _, e := range timeline {
		if e.Kind == "section_ended" {
			ended++
		}
	}
	if ended != 3 {
		t.Fatalf("%d section_ended events", ended)
	}
}
