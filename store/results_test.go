package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// resultsFixture is a test worth 4 points (a 1-point choice question and a
// 3-point written one) with a passing score and bands, and a clock.
func resultsFixture(t *testing.T) (*DB, Test, TestLink, *time.Time) {
	t.Helper()
	db := newTestDB(t)
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return now })
	tt, err := db.CreateTest(context.Background(), TestInput{Name: "Go", Kind: KindAssessment, DurationMinutes: 20, PassingScore: 60,
		Bands: []Band{{Name: "Beginner", MinPercent: 0}, {Name: "Expert", MinPercent: 85}, {Name: "Proficient", MinPercent: 60}}},
		[]QuestionInput{
			{Text: "2+2?", Kind: QuestionSingle, Options: []string{"3", "4"}, Correct: []int{1}},
			{Text: "Why Go?", Kind: QuestionText, Points: 3},
		})
	if err != nil {
		t.Fatal(err)
	}
	link, _ := db.DefaultLink(context.Background(), tt.ID)
	return db, tt, link, &now
}

func takeAttempt(t *testing.T, db *DB, tt Test, link TestLink, email string, choice int, extra int) Invitation {
	t.Helper()
	ctx := context.Background()
	res, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: email, Email: email, Source: SourceConsole,
		ExtraTimePercent: extra, Actor: "user:rita@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := db.StartInvitation(ctx, res.Invitation.ID)
	if err != nil {
		t.Fatal(err)
	}
	qs, _ := db.AttemptQuestions(ctx, inv)
	if err := db.SaveAnswers(ctx, inv.ID, []AnswerInput{{QuestionID: qs[0].ID, Choices: []int{choice}}, {QuestionID: qs[1].ID, Text: "Because."}},
		map[int64]int{qs[0].ID: 30, qs[1].ID: 90}); err != nil {
		t.Fatal(err)
	}
	inv, err = db.CompleteInvitation(ctx, inv.ID, ReasonSubmitted)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func TestBandsAreCheckedAndOrdered(t *testing.T) {
	t.Parallel()
	db, tt, _, _ := resultsFixture(t)
	if got := tt.Bands; len(got) != 3 || got[0].Name != "Expert" || got[2].Name != "Beginner" {
		t.Fatalf("bands not highest first: %+v", got)
	}
	for _, bad := range [][]Band{
		{{Name: "", MinPercent: 10}},
		{{Name: "A", MinPercent: 101}},
		{{Name: "A", MinPercent: 10}, {Name: "a", MinPercent: 20}},
		{{Name: "A", MinPercent: 10}, {Name: "B", MinPercent: 10}},
	} {
		_, err := db.UpdateTest(context.Background(), tt.ID, TestInput{Name: "Go", Kind: KindAssessment, DurationMinutes: 20, Bands: bad})
		mustField(t, err, "bands")
	}
	if BandFor(tt.Bands, 84.99) != "Proficient" || BandFor(tt.Bands, 85) != "Expert" || BandFor(nil, 50) != "" {
		t.Fatal("BandFor picks the wrong band")
	}
}

func TestGradingWrittenAnswers(t *testing.T) {
	t.Parallel()
	db, tt, link, now := resultsFixture(t)
	ctx := context.Background()
	inv := takeAttempt(t, db, tt, link, "ann@example.com", 1, 0)
	if *inv.Score != 1 || *inv.MaxScore != 4 || inv.Review != ReviewAwaiting || inv.Final() || inv.Outcome() != "" || inv.Band() != "" {
		t.Fatalf("after submit: score %v/%v review %q final %v", *inv.Score, *inv.MaxScore, inv.Review, inv.Final())
	}
	qs, _ := db.AttemptQuestions(ctx, inv)
	answers, _ := db.Answers(ctx, inv.ID)
	if answers[qs[0].ID].SecondsSpent != 30 || answers[qs[1].ID].SecondsSpent != 90 || answers[qs[1].ID].Points != nil {
		t.Fatalf("answers: %+v", answers)
	}

	// Out of range, not a question of the attempt, not completed: refused.
	_, err := db.GradeAnswer(ctx, inv.ID, GradeInput{QuestionID: qs[1].ID, Points: 4}, "user:rita@example.com")
	mustField(t, err, "points")
	_, err = db.GradeAnswer(ctx, inv.ID, GradeInput{QuestionID: 999999, Points: 1}, "user:rita@example.com")
	mustField(t, err, "questionId")

	*now = now.Add(time.Hour)
	inv, err = db.GradeAnswer(ctx, inv.ID, GradeInput{QuestionID: qs[1].ID, Points: 3, Comment: "Clear"}, "user:rita@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if *inv.Score != 4 || inv.Review != ReviewGraded || inv.Outcome() != "passed" || inv.Band() != "Expert" {
		t.Fatalf("after grading: %v %q %q %q", *inv.Score, inv.Review, inv.Outcome(), inv.Band())
	}
	// A second reviewer lowers it: the history keeps both, with who and why.
	inv, _ = db.GradeAnswer(ctx, inv.ID, GradeInput{QuestionID: qs[1].ID, Points: 1, Comment: "Too short"}, "user:sam@example.com")
	if *inv.Score != 2 || inv.Outcome() != "failed" || inv.Band() != "Beginner" {
		t.Fatalf("after regrade: %v %q %q", *inv.Score, inv.Outcome(), inv.Band())
	}
	changes, _ := db.ScoreChanges(ctx, inv.ID)
	if len(changes) != 3 || changes[0].Actor != ActorScoring || changes[0].From != nil || changes[0].To != 1 ||
		changes[1].From != nil || changes[1].To != 3 || changes[1].Reason != "Clear" ||
		*changes[2].From != 3 || changes[2].To != 1 || changes[2].Actor != "user:sam@example.com" {
		t.Fatalf("history: %+v", changes)
	}
	// The same grade again changes nothing.
	db.GradeAnswer(ctx, inv.ID, GradeInput{QuestionID: qs[1].ID, Points: 1, Comment: "Too short"}, "user:sam@example.com")
	if again, _ := db.ScoreChanges(ctx, inv.ID); len(again) != 3 {
		t.Fatalf("a repeated grade was recorded: %d", len(again))
	}
	// The history cannot be rewritten.
	if _, err := db.w.ExecContext(ctx, `UPDATE score_changes SET to_points = 3`); err == nil {
		t.Fatal("score history rewritten")
	}
	timeline, _ := db.Timeline(ctx, inv.ID)
	graded := 0
	for _, e := range timeline {
		if e.Kind == "graded" {
			graded++
		}
	}
	if graded != 2 {
		t.Fatalf("timeline has %d graded events: %+v", graded, timeline)
	}

	// An attempt still running cannot be graded.
	res, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Bo", Email: "bo@example.com", Source: SourceConsole})
	db.StartInvitation(ctx, res.Invitation.ID)
	if _, err := db.GradeAnswer(ctx, res.Invitation.ID, GradeInput{QuestionID: qs[1].ID, Points: 1}, "x"); !errors.Is(err, ErrNotCompleted) {
		t.Fatalf("grading a running attempt: %v", err)
	}
}

func TestExtraTimeAndAddedMinutes(t *testing.T) {
	t.Parallel()
	db, tt, link, now := resultsFixture(t)
	ctx := context.Background()
	_, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "X", Email: "x@example.com", ExtraTimePercent: 401})
	mustField(t, err, "extraTimePercent")

	res, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Ann", Email: "ann@example.com",
		ExtraTimePercent: 50, Actor: "user:rita@example.com", Source: SourceConsole})
	if err != nil || res.Invitation.ExtraTimePercent != 50 {
		t.Fatalf("invite: %+v %v", res.Invitation, err)
	}
	inv, _ := db.StartInvitation(ctx, res.Invitation.ID)
	if want := now.Add(30 * time.Minute); !inv.DeadlineAt.Equal(want) { // 20 minutes × 1.5
		t.Fatalf("deadline %v, want %v", inv.DeadlineAt, want)
	}
	if _, err := db.SetExtraTime(ctx, inv.ID, 100, "x"); !errors.Is(err, ErrAlreadyStarted) {
		t.Fatalf("extra time after start: %v", err)
	}
	_, err = db.AddTime(ctx, inv.ID, 0, "x")
	mustField(t, err, "minutes")
	inv, err = db.AddTime(ctx, inv.ID, 10, "user:rita@example.com")
	if err != nil || !inv.DeadlineAt.Equal(now.Add(40*time.Minute)) {
		t.Fatalf("added time: %v %v", inv.DeadlineAt, err)
	}
	// The server holds the new deadline: answers are taken until it.
	*now = now.Add(35 * time.Minute)
	if err := db.SaveAnswers(ctx, inv.ID, nil, nil); err != nil {
		t.Fatalf("answers refused within the added time: %v", err)
	}
	*now = now.Add(5 * time.Minute)
	if err := db.SaveAnswers(ctx, inv.ID, nil, nil); !errors.Is(err, ErrDeadlinePassed) {
		t.Fatalf("answers after the deadline: %v", err)
	}
	if _, err := db.AddTime(ctx, inv.ID, 5, "x"); !errors.Is(err, ErrNotUsable) {
		t.Fatalf("time added after the deadline: %v", err)
	}
	var kinds []string
	timeline, _ := db.Timeline(ctx, inv.ID)
	for _, e := range timeline {
		if e.Kind == "extra_time_set" || e.Kind == "time_added" {
			kinds = append(kinds, e.Kind+" by "+e.Actor)
		}
	}
	if len(kinds) != 2 || kinds[0] != "extra_time_set by user:rita@example.com" || kinds[1] != "time_added by user:rita@example.com" {
		t.Fatalf("timeline: %v", kinds)
	}
}

func TestPageSignalsAndTheTabSwitchLimit(t *testing.T) {
	t.Parallel()
	db, tt, link, _ := resultsFixture(t)
	ctx := context.Background()
	limited, err := db.CreateLink(ctx, tt.ID, LinkInput{Name: "Proctored", TabSwitchLimit: 2})
	if err != nil || limited.TabSwitchLimit != 2 {
		t.Fatalf("link: %+v %v", limited, err)
	}
	res, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: limited.ID, Name: "Ann", Email: "ann@example.com"})
	client := Client{IP: "127.0.0.1", UserAgent: "Test/1.0"}
	inv, _ := db.StartInvitation(WithClient(ctx, client), res.Invitation.ID)

	if _, err := db.RecordPageReport(ctx, inv.ID, PageReport{Kind: "open"}, client); err == nil {
		t.Fatal("a page reported a server-side kind")
	}
	r, err := db.RecordPageReport(ctx, inv.ID, PageReport{Kind: SignalPaste, Detail: "question 2, 40 characters"}, client)
	if err != nil || r.Submitted || r.FocusLost != 0 || r.Limit != 2 {
		t.Fatalf("paste: %+v %v", r, err)
	}
	if r, _ = db.RecordPageReport(ctx, inv.ID, PageReport{Kind: SignalFocusLost}, client); r.Submitted || r.FocusLost != 1 {
		t.Fatalf("first switch: %+v", r)
	}
	if r, _ = db.RecordPageReport(ctx, inv.ID, PageReport{Kind: SignalFocusLost}, client); !r.Submitted || r.Status != StatusCompleted {
		t.Fatalf("second switch did not submit: %+v", r)
	}
	if reason, _ := db.CompletionReason(ctx, inv.ID); reason != ReasonTabSwitchLimit {
		t.Fatalf("reason %q", reason)
	}
	// After the end, reports change nothing.
	db.RecordPageReport(ctx, inv.ID, PageReport{Kind: SignalFocusLost}, client)
	signals, _ := db.Signals(ctx, inv.ID)
	n := SignalCounts(signals)
	if n[SignalStart] != 1 || n[SignalPaste] != 1 || n[SignalFocusLost] != 2 || signals[0].IP != "127.0.0.1" || signals[0].UserAgent != "Test/1.0" {
		t.Fatalf("signals: %+v", signals)
	}

	// A link without a limit records switches and never submits.
	res, _ = db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Bo", Email: "bo@example.com"})
	db.StartInvitation(ctx, res.Invitation.ID)
	for range 5 {
		if r, _ := db.RecordPageReport(ctx, res.Invitation.ID, PageReport{Kind: SignalFocusLost}, client); r.Submitted {
			t.Fatal("submitted without a limit")
		}
	}
}

func TestResultsRankWithPercentiles(t *testing.T) {
	t.Parallel()
	db, tt, link, now := resultsFixture(t)
	ctx := context.Background()
	grade := func(inv Invitation, points int) {
		qs, _ := db.AttemptQuestions(ctx, inv)
		if _, err := db.GradeAnswer(ctx, inv.ID, GradeInput{QuestionID: qs[1].ID, Points: points}, "x"); err != nil {
			t.Fatal(err)
		}
	}
	a := takeAttempt(t, db, tt, link, "a@example.com", 1, 0) // 1 + 3 = 100 %
	grade(a, 3)
	*now = now.Add(time.Minute)
	b := takeAttempt(t, db, tt, link, "b@example.com", 1, 0) // 1 + 1 = 50 %
	grade(b, 1)
	*now = now.Add(time.Minute)
	c := takeAttempt(t, db, tt, link, "c@example.com", 0, 0) // 0 + 2 = 50 %
	grade(c, 2)
	*now = now.Add(time.Minute)
	takeAttempt(t, db, tt, link, "d@example.com", 0, 0) // 0, awaiting review

	all, err := db.TestResults(ctx, tt.ID, ResultFilter{})
	if err != nil || len(all) != 4 {
		t.Fatalf("results: %d %v", len(all), err)
	}
	type row struct {
		email string
		rank  int
		pct   float64
	}
	var got []row
	for _, r := range all {
		got = append(got, row{r.Invitation.Email, r.Rank, *r.Percentile})
	}
	want := []row{{"a@example.com", 1, 100}, {"b@example.com", 2, 33.3}, {"c@example.com", 2, 33.3}, {"d@example.com", 4, 0}}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("ranking %+v, want %+v", got, want)
		}
	}
	for filter, emails := range map[ResultFilter]int{
		{State: "awaiting"}: 1, {State: "graded"}: 3, {State: "passed"}: 1, {State: "failed"}: 2,
		{Band: "Expert"}: 1, {Band: "Beginner"}: 2, {Band: "Beginner", State: "passed"}: 0,
	} {
		if rs, _ := db.TestResults(ctx, tt.ID, filter); len(rs) != emails {
			t.Errorf("filter %+v: %d results, want %d", filter, len(rs), emails)
		}
	}
}
