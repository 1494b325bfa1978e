package store

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// A duplicate holds the test's settings, questions, sections, picks and
// rules, and a default link of its own; nothing of its invitations.
func TestDuplicateTestCopiesThePaperNotTheCandidates(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	bank, err := db.AddBankQuestions(ctx, []QuestionInput{
		{Text: "Bank 1?", Kind: QuestionSingle, Options: []string{"a", "b"}, Correct: []int{0}, Topic: "go", Difficulty: "easy"},
		{Text: "Bank 2?", Kind: QuestionSingle, Options: []string{"a", "b"}, Correct: []int{1}, Topic: "go", Difficulty: "easy"},
		{Text: "Bank 3?", Kind: QuestionSingle, Options: []string{"a", "b"}, Correct: []int{1}, Topic: "go", Difficulty: "easy"},
		{Text: "Retired pick?", Kind: QuestionText, Topic: "old"},
	})
	if err != nil {
		t.Fatal(err)
	}
	orig, err := db.CreateSectionedTest(ctx, TestInput{Name: "Backend", Kind: KindAssessment, DurationMinutes: 40, Instructions: "Alone.",
		PassingScore: 60, Bands: []Band{{Name: "Strong", MinPercent: 80}}, Labels: []string{"go", "2027"}}, []SectionInput{
		{Name: "Core", Draw: 1, ShuffleOptions: true, TimeLimit: 15, Questions: []QuestionInput{
			{Text: "2+2?", Kind: QuestionSingle, Options: []string{"3", "4"}, Correct: []int{1}, Points: 3},
			{Text: "Why?", Kind: QuestionText, Points: 5, Topic: "essay"},
		}},
		{Name: "Bank", ShuffleQuestions: true, Picks: []int64{bank[0], bank[3]}, Rules: []SectionRule{{Topic: "go", Difficulty: "easy", Count: 2}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Invite(ctx, NewInvitation{TestID: orig.ID, Name: "Kim", Email: "kim@example.com", Source: SourceNative}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetBankQuestionArchived(ctx, bank[3], true); err != nil {
		t.Fatal(err)
	}

	dup, err := db.DuplicateTest(ctx, orig.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if dup.ID == orig.ID || dup.Name != "Copy of Backend" || dup.DurationMinutes != 40 || dup.Instructions != "Alone." || dup.PassingScore != 60 ||
		len(dup.Bands) != 1 || dup.Bands[0].Name != "Strong" || strings.Join(dup.Labels, ",") != "go,2027" || dup.TeamID != orig.TeamID || dup.LinkCount != 1 {
		t.Fatalf("copy %+v", dup)
	}
	sections, _ := db.Sections(ctx, dup.ID)
	if len(sections) != 2 || sections[0].Name != "Core" || sections[0].Draw != 1 || !sections[0].ShuffleOptions || sections[0].TimeLimit != 15 ||
		sections[0].QuestionCount != 2 || !sections[1].ShuffleQuestions || sections[1].PickCount != 1 || len(sections[1].Rules) != 1 ||
		sections[1].Rules[0].Count != 2 || sections[1].Rules[0].Topic != "go" {
		t.Fatalf("sections %+v", sections)
	}
	picks, _ := db.SectionPicks(ctx, sections[1].ID)
	if len(picks) != 1 || picks[0].ID != bank[0] {
		t.Fatalf("picks %+v (the archived one is not drawn, so not copied)", picks)
	}
	qs, _ := db.Questions(ctx, dup.ID)
	if len(qs) != 2 || qs[0].Text != "2+2?" || qs[0].Points != 3 || qs[0].Correct[0] != 1 || qs[1].Topic != "essay" || qs[1].SectionID != sections[0].ID {
		t.Fatalf("questions %+v", qs)
	}
	if n, _ := db.CountTouched(ctx, Touched{TestID: dup.ID}); n != 0 {
		t.Fatalf("the copy has %d invitations", n)
	}
	// Editing the copy leaves the original as it was.
	if _, err := db.UpdateQuestion(ctx, dup.ID, qs[0].ID, QuestionInput{Text: "3+3?", Kind: QuestionSingle, Options: []string{"6", "7"}, Correct: []int{0}}); err != nil {
		t.Fatal(err)
	}
	if oq, _ := db.Questions(ctx, orig.ID); oq[0].Text != "2+2?" {
		t.Fatalf("the original changed: %+v", oq[0])
	}

	// A plain test, named by the caller; a long name stays within bounds.
	plain, _ := db.CreateTest(ctx, TestInput{Name: strings.Repeat("é", MaxNameLength), Kind: KindInterview, DurationMinutes: 20},
		[]QuestionInput{{Text: "Tell us", Kind: QuestionText}})
	if dup, err := db.DuplicateTest(ctx, plain.ID, ""); err != nil || len([]rune(dup.Name)) != MaxNameLength || !strings.HasPrefix(dup.Name, "Copy of é") ||
		dup.Kind != KindInterview || dup.QuestionCount != 1 {
		t.Fatalf("long name: %q %v", dup.Name, err)
	}
	if dup, err := db.DuplicateTest(ctx, plain.ID, "Interview, spring"); err != nil || dup.Name != "Interview, spring" {
		t.Fatalf("named: %+v %v", dup, err)
	}

	// A rule the bank can no longer fill refuses the copy.
	db.SetBankQuestionArchived(ctx, bank[1], true)
	var fe FieldErrors
	if _, err := db.DuplicateTest(ctx, orig.ID, ""); !errors.As(err, &fe) || !strings.Contains(fe["sections[1].rules[0].count"], "the bank has 1") {
		t.Fatalf("short rule: %v", err)
	}
	if _, err := db.DuplicateTest(ctx, 999999, ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("no such test: %v", err)
	}
}
