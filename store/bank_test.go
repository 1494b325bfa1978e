package store

import (
	"context"
	"fmt"
	"testing"
)

// fillBank adds n single-choice questions of a topic and difficulty.
func fillBank(t *testing.T, db *DB, topic string, d Difficulty, n int) []int64 {
	t.Helper()
	var in []QuestionInput
	for i := range n {
		in = append(in, QuestionInput{Text: fmt.Sprintf("%s %s %d?", topic, d, i), Kind: QuestionSingle, Options: []string{"no", "yes"},
			Correct: []int{1}, Topic: topic, Difficulty: d, Points: 2})
	}
	ids, err := db.AddBankQuestions(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestBankRulesAndPicksDrawFromTheBank(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	easy := fillBank(t, db, "go", "easy", 6)
	fillBank(t, db, "go", "medium", 6)
	fillBank(t, db, "sql", "hard", 3)

	// A rule the bank cannot fill, a pick not in the bank: refused with the numbers, nothing written.
	_, err := db.CreateSectionedTest(ctx, TestInput{Name: "Short", Kind: KindAssessment, DurationMinutes: 10}, []SectionInput{
		{Name: "Bank", Picks: []int64{999}, Rules: []SectionRule{{Topic: "go", Difficulty: "hard", Count: 1}, {Topic: "sql", Count: 4}}}})
	fe, _ := err.(FieldErrors)
	if fe["sections[0].rules[0].count"] != "asks for 1 questions of topic “go”, hard but the bank has 0" ||
		fe["sections[0].rules[1].count"] != "asks for 4 questions of topic “sql”, any difficulty but the bank has 3" ||
		fe["sections[0].picks[0]"] == "" {
		t.Fatalf("errors: %v", err)
	}
	if tests, _ := db.Tests(ctx, TestFilter{}); len(tests) != 0 {
		t.Fatal("a refused test was written")
	}

	tt, err := db.CreateSectionedTest(ctx, TestInput{Name: "Bank test", Kind: KindAssessment, DurationMinutes: 10}, []SectionInput{
		{Name: "Bank", Picks: []int64{easy[0]}, Rules: []SectionRule{{Topic: "go", Difficulty: "easy", Count: 2}, {Topic: "sql", Difficulty: "hard", Count: 2}}}})
	if err != nil {
		t.Fatal(err)
	}
	sections, _ := db.Sections(ctx, tt.ID)
	if s := sections[0]; s.PickCount != 1 || len(s.Rules) != 2 || s.Rules[0].Matching != 5 || s.Rules[1].Matching != 3 || s.Gets() != 5 {
		t.Fatalf("section %+v", s)
	}
	papers := map[string]bool{}
	var first Invitation
	for i := range 10 {
		res, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, Name: "C", Email: fmt.Sprintf("b%d@example.com", i), Source: SourceNative})
		inv, err := db.StartInvitation(ctx, res.Invitation.ID)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = inv
		}
		qs, _ := db.AttemptQuestions(ctx, inv)
		seen, key := map[string]bool{}, ""
		sqlCount := 0
		for _, q := range qs {
			if seen[q.Text] {
				t.Fatalf("paper %d repeats %q", i, q.Text)
			}
			seen[q.Text] = true
			key += q.Text + "|"
			if q.Topic == "sql" {
				sqlCount++
			}
		}
		if len(qs) != 5 || qs[0].Text != "go easy 0?" || sqlCount != 2 {
			t.Fatalf("paper %d: %d questions, first %q, %d sql", i, len(qs), qs[0].Text, sqlCount)
		}
		papers[key] = true
		var answers []AnswerInput
		for _, q := range qs {
			answers = append(answers, AnswerInput{QuestionID: q.ID, Choices: []int{1}})
		}
		db.SaveAnswers(ctx, inv.ID, answers, nil)
		if done, _ := db.CompleteInvitation(ctx, inv.ID, ReasonSubmitted); *done.Score != 10 || *done.MaxScore != 10 {
			t.Fatalf("paper %d scored %d / %d", i, *done.Score, *done.MaxScore)
		}
	}
	if len(papers) < 2 {
		t.Fatalf("10 candidates got %d papers", len(papers))
	}

	// Editing the picked question: the first paper keeps what was asked; the next gets the new text.
	if _, err := db.UpdateBankQuestion(ctx, easy[0], QuestionInput{Text: "go easy 0, reworded?", Kind: QuestionSingle,
		Options: []string{"no", "yes"}, Correct: []int{1}, Topic: "go", Difficulty: "easy"}); err != nil {
		t.Fatal(err)
	}
	if qs, _ := db.AttemptQuestions(ctx, first); qs[0].Text != "go easy 0?" {
		t.Fatalf("the first paper changed: %q", qs[0].Text)
	}
	res, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, Name: "C", Email: "late@example.com", Source: SourceNative})
	late, _ := db.StartInvitation(ctx, res.Invitation.ID)
	if qs, _ := db.AttemptQuestions(ctx, late); qs[0].Text != "go easy 0, reworded?" {
		t.Fatalf("a later paper has %q", qs[0].Text)
	}
	if b, _ := db.BankQuestion(ctx, easy[0]); b.Version != 2 || b.UsedBy != 1 {
		t.Fatalf("bank question %+v", b)
	}

	// Archived questions leave the pools; a rule that can no longer be filled says so.
	for _, id := range easy[1:5] {
		db.SetBankQuestionArchived(ctx, id, true)
	}
	sections, _ = db.Sections(ctx, tt.ID)
	if r := sections[0].Rules[0]; r.Matching != 1 || !r.Short() {
		t.Fatalf("rule after archiving: %+v", r)
	}
	list, total, _ := db.BankQuestions(ctx, BankFilter{Topic: "go", Difficulty: "easy"})
	if total != 2 || len(list) != 2 {
		t.Fatalf("bank filter: %d", total)
	}
	if topics, _ := db.BankTopics(ctx, nil); len(topics) != 2 || topics[0] != "go" {
		t.Fatalf("topics %v", topics)
	}
}
