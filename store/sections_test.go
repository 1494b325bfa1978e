package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// sectionedTest has a fixed first section and a second that draws 3 of
// its 10 questions, shuffled, options shuffled.
func sectionedTest(t *testing.T, db *DB) Test {
	t.Helper()
	var pool []QuestionInput
	for i := range 10 {
		pool = append(pool, QuestionInput{Text: fmt.Sprintf("Pool %d?", i), Kind: QuestionSingle,
			Options: []string{"a", "b", "c", "d"}, Correct: []int{i % 4}, Points: 2, Topic: "go", Difficulty: "medium"})
	}
	tt, err := db.CreateSectionedTest(context.Background(), TestInput{Name: "Drawn", Kind: KindAssessment, DurationMinutes: 30},
		[]SectionInput{
			{Name: "Basics", Questions: []QuestionInput{
				{Text: "2+2?", Kind: QuestionSingle, Options: []string{"3", "4"}, Correct: []int{1}},
				{Text: "Why Go?", Kind: QuestionText, Points: 3},
			}},
			{Name: "Pool", Draw: 3, ShuffleQuestions: true, ShuffleOptions: true, Questions: pool},
		})
	if err != nil {
		t.Fatal(err)
	}
	return tt
}

func TestSectionsAreValidatedWithTheirNumbers(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	_, err := db.CreateSectionedTest(context.Background(), TestInput{Name: "X", Kind: KindAssessment, DurationMinutes: 10},
		[]SectionInput{{Name: "A", Draw: 5, Questions: []QuestionInput{{Text: "Q?", Kind: QuestionText}, {Text: "R?", Kind: QuestionText}}},
			{Name: "B"}})
	fe, _ := err.(FieldErrors)
	if fe["sections[0].draw"] != "asks for 5 questions but the section has 2" || fe["sections[1].questions"] == "" {
		t.Fatalf("errors %v", err)
	}
	if tests, _ := db.Tests(context.Background(), TestFilter{}); len(tests) != 0 {
		t.Fatal("a refused test was written")
	}
}

func TestDrawGivesEachCandidateTheirOwnPaper(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	tt := sectionedTest(t, db)
	sections, _ := db.Sections(ctx, tt.ID)
	if len(sections) != 2 || sections[1].Gets() != 3 || sections[1].QuestionCount != 10 {
		t.Fatalf("sections %+v", sections)
	}
	papers := map[string]int{}
	for i := range 20 {
		res, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, Name: "C", Email: fmt.Sprintf("c%d@example.com", i), Source: SourceNative})
		inv, err := db.StartInvitation(ctx, res.Invitation.ID)
		if err != nil {
			t.Fatal(err)
		}
		qs, _ := db.AttemptQuestions(ctx, inv)
		if len(qs) != 5 || qs[0].Text != "2+2?" || qs[0].SectionName != "Basics" || qs[4].SectionName != "Pool" || qs[0].OptionOrder != nil {
			t.Fatalf("paper %d: %d questions, first %q in %q", i, len(qs), qs[0].Text, qs[0].SectionName)
		}
		var key []string
		for _, q := range qs[2:] {
			key = append(key, fmt.Sprintf("%s%v", q.Text, q.ShownOptions()))
		}
		papers[strings.Join(key, "|")]++
		// Read again, the paper is the same.
		again, _ := db.AttemptQuestions(ctx, inv)
		for j := range qs {
			if again[j].ID != qs[j].ID || !slices.Equal(again[j].OptionOrder, qs[j].OptionOrder) {
				t.Fatalf("paper %d changed on a second read", i)
			}
		}
		// The same seed draws the same paper.
		var seed int64
		db.r.QueryRowContext(ctx, `SELECT draw_seed FROM invitations WHERE id = ?`, inv.ID).Scan(&seed)
		draws, _ := sectionDraws(ctx, dbReader{db}, tt.ID, sections)
		for j, item := range Draw(seed, draws) {
			if item.Question.ID != qs[j].ID || !slices.Equal(item.OptionOrder, qs[j].OptionOrder) {
				t.Fatalf("paper %d is not reproduced from its seed at %d", i, j)
			}
		}
	}
	if len(papers) < 2 {
		t.Fatalf("20 candidates got %d different papers", len(papers))
	}
}

func TestShuffledOptionsScoreAsWritten(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	tt := sectionedTest(t, db)
	for i := range 10 {
		res, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, Name: "C", Email: fmt.Sprintf("s%d@example.com", i), Source: SourceNative})
		inv, _ := db.StartInvitation(ctx, res.Invitation.ID)
		qs, _ := db.AttemptQuestions(ctx, inv)
		var answers []AnswerInput
		for _, q := range qs {
			if q.Kind != QuestionText {
				answers = append(answers, AnswerInput{QuestionID: q.ID, Choices: q.Correct}) // the written indexes
			}
		}
		db.SaveAnswers(ctx, inv.ID, answers, nil)
		done, _ := db.CompleteInvitation(ctx, inv.ID, ReasonSubmitted)
		if *done.Score != 1+3*2 || *done.MaxScore != 1+3+3*2 {
			t.Fatalf("score %d / %d", *done.Score, *done.MaxScore)
		}
		all, _ := db.Answers(ctx, inv.ID)
		got := ScoreSections(qs, all)
		type sum struct {
			name                    string
			score, max, pending, qs int
		}
		if len(got) != 2 || (sum{got[0].Name, got[0].Score, got[0].MaxScore, got[0].Pending, len(got[0].QuestionIDs)} != sum{"Basics", 1, 4, 1, 2}) ||
			(sum{got[1].Name, got[1].Score, got[1].MaxScore, got[1].Pending, len(got[1].QuestionIDs)} != sum{"Pool", 6, 6, 0, 3}) ||
			got[0].Score+got[1].Score != *done.Score {
			t.Fatalf("sections %+v", got)
		}
	}
}

func TestQuestionsAddedToASectionedTestGoInASection(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	tt := sectionedTest(t, db)
	sections, _ := db.Sections(ctx, tt.ID)
	q, err := db.AddQuestion(ctx, tt.ID, QuestionInput{Text: "New?", Kind: QuestionText})
	if err != nil || q.SectionID != sections[1].ID {
		t.Fatalf("added to %d, want the last section %d: %v", q.SectionID, sections[1].ID, err)
	}
	q, err = db.UpdateQuestion(ctx, tt.ID, q.ID, QuestionInput{Text: "New, edited?", Kind: QuestionText, SectionID: sections[0].ID, Topic: "go"})
	if err != nil || q.SectionID != sections[0].ID || q.Topic != "go" {
		t.Fatalf("moved: %+v %v", q, err)
	}
	_, err = db.AddQuestion(ctx, tt.ID, QuestionInput{Text: "Elsewhere?", Kind: QuestionText, SectionID: 999})
	mustField(t, err, "sectionId")
	_, err = db.AddQuestion(ctx, tt.ID, QuestionInput{Text: "Bad?", Kind: QuestionText, Difficulty: "extreme"})
	mustField(t, err, "difficulty")
}
