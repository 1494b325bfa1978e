package store

import (
	"context"
	"fmt"
	"strconv"
	"testing"
)

// BenchmarkAPIKeyBySecret is the lookup every API request makes.
func BenchmarkAPIKeyBySecret(b *testing.B) {
	db := newBenchDB(b)
	k, _ := db.CreateAPIKey(context.Background(), NewAPIKey{Name: "bench"})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := db.APIKeyBySecret(context.Background(), k.Key); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSessionUser is the lookup every console request makes.
func BenchmarkSessionUser(b *testing.B) {
	db := newBenchDB(b)
	ctx := context.Background()
	u, _ := db.CreateFirstAdmin(ctx, NewUser{Email: "a@example.com", Password: "long password"})
	sid, _ := db.CreateSession(ctx, u.ID, 3600e9)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := db.SessionUser(ctx, sid); err != nil {
			b.Fatal(err)
		}
	}
}

func newBenchDB(b *testing.B) *DB { return newTestDB(b) }

// twentyQuestionTest is a test of 20 single-choice questions.
func twentyQuestionTest(b *testing.B, db *DB) Test {
	var qs []QuestionInput
	for i := range 20 {
		qs = append(qs, QuestionInput{Text: fmt.Sprintf("Q%d?", i), Kind: QuestionSingle, Options: []string{"a", "b"}, Correct: []int{i % 2}})
	}
	tt, err := db.CreateTest(context.Background(), TestInput{Name: "Bench", Kind: KindAssessment, DurationMinutes: 30}, qs)
	if err != nil {
		b.Fatal(err)
	}
	return tt
}

// BenchmarkCompleteInvitation is a submit of a 20-question attempt:
// scoring every answer, its score history and the completion event.
func BenchmarkCompleteInvitation(b *testing.B) {
	db := newTestDB(b)
	ctx := context.Background()
	tt := twentyQuestionTest(b, db)
	ids := make([]int64, b.N)
	for i := range b.N {
		res, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, Name: "C", Email: fmt.Sprintf("c%d@example.com", i), Source: SourceNative})
		if err != nil {
			b.Fatal(err)
		}
		inv, _ := db.StartInvitation(ctx, res.Invitation.ID)
		attempt, _ := db.AttemptQuestions(ctx, inv)
		var answers []AnswerInput
		for _, q := range attempt {
			answers = append(answers, AnswerInput{QuestionID: q.ID, Choices: []int{0}})
		}
		db.SaveAnswers(ctx, inv.ID, answers, nil)
		ids[i] = inv.ID
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := db.CompleteInvitation(ctx, ids[i], ReasonSubmitted); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStartDrawn is a start that draws the paper: 20 of a
// 100-question section, shuffled, options shuffled; BenchmarkStartFixed
// is the same start on a test without sections, for comparison.
func BenchmarkStartDrawn(b *testing.B) { benchmarkStart(b, true) }

func BenchmarkStartFixed(b *testing.B) { benchmarkStart(b, false) }

func benchmarkStart(b *testing.B, drawn bool) {
	db := newTestDB(b)
	ctx := context.Background()
	var qs []QuestionInput
	for i := range 100 {
		qs = append(qs, QuestionInput{Text: fmt.Sprintf("Q%d?", i), Kind: QuestionSingle, Options: []string{"a", "b", "c", "d"},
			Correct: []int{i % 4}, Topic: "go", Difficulty: Difficulties[i%3]})
	}
	in := TestInput{Name: "Bench", Kind: KindAssessment, DurationMinutes: 30}
	var tt Test
	var err error
	if drawn {
		tt, err = db.CreateSectionedTest(ctx, in, []SectionInput{{Name: "Pool", Draw: 20, ShuffleQuestions: true, ShuffleOptions: true, Questions: qs}})
	} else {
		tt, err = db.CreateTest(ctx, in, qs[:20])
	}
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]int64, b.N)
	for i := range b.N {
		res, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, Name: "C", Email: fmt.Sprintf("c%d@example.com", i), Source: SourceNative})
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = res.Invitation.ID
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := db.StartInvitation(ctx, ids[i]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStartBankRules is a start whose paper is drawn by 5 rules (2
// questions each) from a 100-question bank of 5 topics and 3 difficulties:
// the pools read, the draw, and the snapshots of bank questions the first
// starts make.
func BenchmarkStartBankRules(b *testing.B) {
	db := newTestDB(b)
	ctx := context.Background()
	topics := []string{"go", "sql", "http", "linux", "git"}
	var bank []QuestionInput
	for i := range 100 {
		bank = append(bank, QuestionInput{Text: fmt.Sprintf("Bank %d?", i), Kind: QuestionSingle, Options: []string{"a", "b", "c", "d"},
			Correct: []int{i % 4}, Topic: topics[i%5], Difficulty: Difficulties[(i/5)%3]})
	}
	if _, err := db.AddBankQuestions(ctx, bank); err != nil {
		b.Fatal(err)
	}
	var rules []SectionRule
	for _, t := range topics {
		rules = append(rules, SectionRule{Topic: t, Count: 2})
	}
	tt, err := db.CreateSectionedTest(ctx, TestInput{Name: "Bank", Kind: KindAssessment, DurationMinutes: 30},
		[]SectionInput{{Name: "Drawn", ShuffleQuestions: true, ShuffleOptions: true, Rules: rules}})
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]int64, b.N)
	for i := range b.N {
		res, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, Name: "C", Email: fmt.Sprintf("c%d@example.com", i), Source: SourceNative})
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = res.Invitation.ID
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := db.StartInvitation(ctx, ids[i]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAutosave is a candidate's autosave: the attempt page's form of
// a 20-question test, one answer changed, written in a transaction of its
// own (one candidate alone; group commit shares commits only when writes
// queue).
func BenchmarkAutosave(b *testing.B) {
	db := newTestDB(b)
	ctx := context.Background()
	tt := twentyQuestionTest(b, db)
	res, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, Name: "C", Email: "c@example.com", Source: SourceNative})
	if err != nil {
		b.Fatal(err)
	}
	inv, err := db.StartInvitation(ctx, res.Invitation.ID)
	if err != nil {
		b.Fatal(err)
	}
	paper, _ := db.AttemptQuestions(ctx, inv)
	field := "q" + strconv.FormatInt(paper[0].ID, 10)
	b.ResetTimer()
	for i := range b.N {
		form := map[string][]string{field: {strconv.Itoa(i % 2)}}
		if _, err := db.Submit(ctx, Submission{InvitationID: inv.ID, Form: form}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInviteAcrossLinks invites through two links in turn, the first
// link of the installation (id 1) and another, as integrations inviting to
// several tests do. SQLite plans a "col = ?" term of an ORDER BY query
// differently for 0 and 1, so a statement bound to 1 and then to another
// value is parsed and planned again on each switch unless the value is
// kept out of the planner's sight.
func BenchmarkInviteAcrossLinks(b *testing.B) {
	db := newBenchDB(b)
	ctx := context.Background()
	tt, err := db.CreateTest(ctx, sampleTest, nil)
	if err != nil {
		b.Fatal(err)
	}
	first, _ := db.DefaultLink(ctx, tt.ID)
	other, err := db.CreateLink(ctx, tt.ID, LinkInput{Name: "Campus"})
	if err != nil || first.ID != 1 {
		b.Fatalf("links %d and %d: %v", first.ID, other.ID, err)
	}
	links := [2]int64{first.ID, other.ID}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: links[i%2], Name: "C",
			Email: fmt.Sprintf("c%d@example.com", i), Source: SourceNative}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
