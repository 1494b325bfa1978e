package store

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
)

// Six attempts at three one-point questions, worked by hand with Moodle's
// formulas (quiz statistics: facility, discrimination index as the
// correlation with the rest of the test, Cronbach's alpha):
//
//	attempt  Q1 Q2 Q3  total   Q1 chosen
//	A         1  1  0    2      a (right)
//	B         1  1  1    3      a
//	C         1  0  0    1      a
//	D         0  1  1    2      b
//	E         0  0  1    1      c
//	F         0  0  0    0      (skipped)
//
// Scores 66.7, 100, 33.3, 66.7, 33.3, 0 %: mean 50, median 50, sample SD
// √1.1 × 33.3 = 34.96. Item variances 0.3 each, total variance 1.1:
// alpha = 3/2 × (1 − 0.9/1.1) = 0.2727 (KR-20: all right or wrong).
// Upper and lower 27 % of 6 is 2 attempts each: by score, lower F and C,
// upper D and B (ties kept in attempt order): Q1 0.5 − 0.5 = 0, Q2 1 − 0 =
// 1, Q3 1 − 0 = 1. Correlation with the rest of the test: Q1 0, Q2
// 1/√3 = 0.5774, Q3 0. Q1: a chosen 3 times (0.5), b and c once, skipped
// 1/6; time 10, 20, 30 s: median 20.
func TestQuestionStatisticsMatchAWorkedExample(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	options := []string{"a", "b", "c"}
	tt, err := db.CreateTest(ctx, sampleTest, []QuestionInput{
		{Text: "Q1", Kind: QuestionSingle, Options: options, Correct: []int{0}},
		{Text: "Q2", Kind: QuestionSingle, Options: options, Correct: []int{0}},
		{Text: "Q3", Kind: QuestionSingle, Options: options, Correct: []int{0}},
	})
	if err != nil {
		t.Fatal(err)
	}
	qs, _ := db.Questions(ctx, tt.ID)
	// The option each attempt chose per question (-1: none).
	chosen := [][3]int{{0, 0, 1}, {0, 0, 0}, {0, 1, 1}, {1, 0, 0}, {2, 1, 0}, {-1, 1, 1}}
	seconds := []int{10, 20, 30, 0, 0, 0}
	for i, picks := range chosen {
		res, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, Name: "C", Email: fmt.Sprintf("c%d@example.com", i), Source: SourceNative})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.StartInvitation(ctx, res.Invitation.ID); err != nil {
			t.Fatal(err)
		}
		var answers []AnswerInput
		for q, o := range picks {
			if o >= 0 {
				answers = append(answers, AnswerInput{QuestionID: qs[q].ID, Choices: []int{o}})
			}
		}
		spent := map[int64]int{}
		if seconds[i] > 0 {
			spent[qs[0].ID] = seconds[i]
		}
		if _, err := db.Submit(ctx, Submission{InvitationID: res.Invitation.ID, Answers: answers, Spent: spent}); err != nil {
			t.Fatal(err)
		}
		if r, err := db.Submit(ctx, Submission{InvitationID: res.Invitation.ID, Finish: true, Confirmed: true}); err != nil || r.Outcome != Completed {
			t.Fatalf("attempt %d: %+v %v", i, r.Outcome, err)
		}
	}
	st, err := db.TestStatistics(ctx, tt.ID)
	if err != nil {
		t.Fatal(err)
	}
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 0.001 {
			t.Errorf("%s: %.4f, want %.4f", what, got, want)
		}
	}
	if st.Attempts != 6 || !st.Dichotomous || st.AlphaNote != "" {
		t.Fatalf("%d attempts, dichotomous %v, alpha note %q", st.Attempts, st.Dichotomous, st.AlphaNote)
	}
	near("mean", st.Mean, 50)
	near("median", st.Median, 50)
	near("SD", st.SD, math.Sqrt(1.1)*100/3)
	near("alpha", st.Alpha, 0.2727)
	if st.Histogram != [10]int{1, 0, 0, 2, 0, 0, 2, 0, 0, 1} {
		t.Errorf("histogram %v", st.Histogram)
	}
	for i, want := range []struct{ facility, discrimination, pointBiserial float64 }{{0.5, 0, 0}, {0.5, 1, 1 / math.Sqrt(3)}, {0.5, 1, 0}} {
		q := st.Questions[i]
		near(fmt.Sprintf("Q%d facility", i+1), q.Facility, want.facility)
		near(fmt.Sprintf("Q%d discrimination", i+1), q.Discrimination, want.discrimination)
		near(fmt.Sprintf("Q%d point-biserial", i+1), q.PointBiserial, want.pointBiserial)
		if q.Given != 6 || q.Scored != 6 {
			t.Errorf("Q%d given %d, scored %d", i+1, q.Given, q.Scored)
		}
	}
	q1 := st.Questions[0]
	near("Q1 skipped", q1.Skipped, 1.0/6)
	near("Q1 median time", q1.MedianSeconds, 20)
	if q1.Options[0].Chosen != 3 || q1.Options[1].Chosen != 1 || q1.Options[2].Chosen != 1 || !q1.Options[0].Correct {
		t.Errorf("Q1 options %+v", q1.Options)
	}
	near("Q1 option a", q1.Options[0].Share, 0.5)
	near("Q2 skipped", st.Questions[1].Skipped, 0)
	if !math.IsNaN(st.Questions[1].MedianSeconds) {
		t.Error("a question no page timed has a median time")
	}

	// Refreshed as attempts complete.
	res, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, Name: "G", Email: "g@example.com", Source: SourceNative})
	db.StartInvitation(ctx, res.Invitation.ID)
	db.Submit(ctx, Submission{InvitationID: res.Invitation.ID, Finish: true, Confirmed: true})
	if st, _ := db.TestStatistics(ctx, tt.ID); st.Attempts != 7 {
		t.Fatalf("after another attempt: %d", st.Attempts)
	}
}

func TestStatisticsOfTooLittleSayWhy(t *testing.T) {
	t.Parallel()
	st := computeStatistics(nil, nil)
	if st.Attempts != 0 || !math.IsNaN(st.Mean) || st.AlphaNote == "" {
		t.Fatalf("%+v", st)
	}
	for in, want := range map[string]string{
		"":                         "[]",
		"7:1:0.2:0:12;8::::0":      "[{7 1 true [0 2] false 12} {8 0 false [] false 0}]",
		"9::x:1:3;bad;10:2::0":     "[{9 0 false [] true 3}]",
		"11:not-a-number:0:0:0;12": "[]",
	} {
		if got := fmt.Sprint(parseStatItems(in)); got != want {
			t.Errorf("parseStatItems(%q) = %s, want %s", in, got, want)
		}
	}
}

// BenchmarkTestStatistics works out the statistics of 10,000 completed
// attempts at 20 questions from the stored answers, as the statistics page
// does when an attempt has completed since it was last shown.
func BenchmarkTestStatistics(b *testing.B) {
	db := newTestDB(b)
	ctx := context.Background()
	var in []QuestionInput
	for i := range 20 {
		in = append(in, QuestionInput{Text: fmt.Sprintf("Q%d", i), Kind: QuestionSingle, Options: []string{"a", "b", "c", "d"}, Correct: []int{0}})
	}
	tt, err := db.CreateTest(ctx, sampleTest, in)
	if err != nil {
		b.Fatal(err)
	}
	qs, _ := db.Questions(ctx, tt.ID)
	const attempts = 10_000
	var ns []NewInvitation
	for i := range attempts {
		ns = append(ns, NewInvitation{TestID: tt.ID, Name: "C", Email: fmt.Sprintf("c%d@example.com", i), Source: SourceNative})
	}
	ids, err := db.InviteMany(ctx, ns)
	if err != nil {
		b.Fatal(err)
	}
	// The attempts' papers and answers, written as the store writes them.
	err = db.inTx(ctx, func(tx *Tx) error {
		for a, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE invitations SET status = 'completed', completed_at = 1 WHERE id = ?`, id); err != nil {
				return err
			}
			for n, q := range qs {
				if _, err := tx.ExecContext(ctx, `INSERT INTO attempt_questions (invitation_id, question_id, position) VALUES (?, ?, ?)`, id, q.ID, n+1); err != nil {
					return err
				}
				choice := (a*7 + n*3) % 4
				if _, err := tx.ExecContext(ctx, `INSERT INTO answers (invitation_id, question_id, choices, body, correct, points, seconds_spent, updated_at)
					VALUES (?, ?, ?, '', ?, ?, ?, 1)`, id, q.ID, fmt.Sprintf("[%d]", choice), boolInt(choice == 0), boolInt(choice == 0), 5+a%40); err != nil {
					return err
				}
			}
		}
		// Each attempt summed up as its completion sums it up.
		_, err := tx.ExecContext(ctx, `UPDATE invitations SET stat_items = `+tx.dialect.statItems()+`, score = 5, max_score = 20 WHERE test_id = ?`, tt.ID)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		db.stats.drop() // worked out afresh each time
		st, err := db.TestStatistics(ctx, tt.ID)
		if err != nil || st.Attempts != attempts || st.Questions[19].Given != attempts || st.Questions[19].Options[0].Chosen == 0 {
			b.Fatalf("%d attempts, %d given the last question, %v", st.Attempts, st.Questions[19].Given, err)
		}
	}
}

// Attempts completed before migration 0037 are summed up by it as their
// completion sums them up now.
func TestStatItemsMigrationSumsUpEarlierAttempts(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, sampleTest, []QuestionInput{
		{Text: "Q1", Kind: QuestionMultiple, Options: []string{"a", "b", "c"}, Correct: []int{0, 2}},
		{Text: "Q2", Kind: QuestionText, Points: 3},
	})
	qs, _ := db.Questions(ctx, tt.ID)
	res, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, Name: "C", Email: "c@example.com", Source: SourceNative})
	db.StartInvitation(ctx, res.Invitation.ID)
	db.Submit(ctx, Submission{InvitationID: res.Invitation.ID, Answers: []AnswerInput{{QuestionID: qs[0].ID, Choices: []int{2, 0}},
		{QuestionID: qs[1].ID, Text: "Because."}}, Spent: map[int64]int{qs[1].ID: 40}})
	if _, err := db.Submit(ctx, Submission{InvitationID: res.Invitation.ID, Finish: true, Confirmed: true}); err != nil {
		t.Fatal(err)
	}
	var atCompletion string
	db.r.QueryRowContext(ctx, `SELECT stat_items FROM invitations WHERE id = ?`, res.Invitation.ID).Scan(&atCompletion)
	want := fmt.Sprintf("%d:1:0.2:0:0;%d:::1:40", qs[0].ID, qs[1].ID)
	if fmt.Sprint(parseStatItems(atCompletion)) != fmt.Sprint(parseStatItems(want)) {
		t.Fatalf("at completion: %q", atCompletion)
	}
	files, name := migrationFiles, "migrations/0037_stat_items.sql"
	if onPostgres {
		files, name = postgresMigrationFiles, "migrations/postgres/0037_stat_items.sql"
	}
	script, err := files.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	_, backfill, _ := strings.Cut(string(script), "ADD COLUMN stat_items TEXT;")
	raw := behindTheBack(t, db)
	if _, err := raw.Exec(`UPDATE invitations SET stat_items = NULL`); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(backfill); err != nil {
		t.Fatal(err)
	}
	var migrated string
	db.r.QueryRowContext(ctx, `SELECT stat_items FROM invitations WHERE id = ?`, res.Invitation.ID).Scan(&migrated)
	if fmt.Sprint(parseStatItems(migrated)) != fmt.Sprint(parseStatItems(atCompletion)) {
		t.Fatalf("migrated %q, at completion %q", migrated, atCompletion)
	}
}

// A bank question picked for two tests keeps one set of figures across
// both; an edit starts its figures afresh.
func TestBankQuestionStatisticsAcrossTests(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	ids, err := db.AddBankQuestions(ctx, []QuestionInput{{Text: "Capital of France?", Kind: QuestionSingle, Options: []string{"Paris", "Lyon"}, Correct: []int{0}}})
	if err != nil {
		t.Fatal(err)
	}
	for n, picks := range [][]int{{0, 1}, {0}} { // the choices of each test's candidates
		tt, err := db.CreateSectionedTest(ctx, TestInput{Name: fmt.Sprintf("Test %d", n), Kind: KindAssessment, DurationMinutes: 10},
			[]SectionInput{{Name: "Geography", Picks: ids}})
		if err != nil {
			t.Fatal(err)
		}
		for i, pick := range picks {
			res, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, Name: "C", Email: fmt.Sprintf("c%d-%d@example.com", n, i), Source: SourceNative})
			inv, _ := db.StartInvitation(ctx, res.Invitation.ID)
			paper, _ := db.AttemptQuestions(ctx, inv)
			db.Submit(ctx, Submission{InvitationID: inv.ID, Answers: []AnswerInput{{QuestionID: paper[0].ID, Choices: []int{pick}}}})
			if r, err := db.Submit(ctx, Submission{InvitationID: inv.ID, Finish: true, Confirmed: true}); err != nil || r.Outcome != Completed {
				t.Fatalf("test %d attempt %d: %v", n, i, err)
			}
		}
	}
	b, _ := db.BankQuestion(ctx, ids[0])
	st, err := db.BankQuestionStatistics(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	q := st.Question
	if st.Tests != 2 || q.Given != 3 || math.Abs(q.Facility-2.0/3) > 0.001 || q.Options[0].Chosen != 2 || q.Options[1].Chosen != 1 {
		t.Fatalf("%d tests, %d given, facility %.3f, options %+v", st.Tests, q.Given, q.Facility, q.Options)
	}
	b.Text = "Capital of France (2027)?"
	if _, err := db.UpdateBankQuestion(ctx, b.ID, QuestionInput{Text: b.Text, Kind: QuestionSingle, Options: b.Options, Correct: b.Correct}); err != nil {
		t.Fatal(err)
	}
	b, _ = db.BankQuestion(ctx, ids[0])
	if st, _ := db.BankQuestionStatistics(ctx, b); st.Question.Given != 0 {
		t.Fatalf("the edited question has %d answers already", st.Question.Given)
	}
}
