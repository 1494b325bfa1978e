package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

var sampleTest = TestInput{Name: "Go backend", Kind: KindAssessment, Instructions: "Answer all.", DurationMinutes: 45, PassingScore: 60}

func TestTestValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		in    TestInput
		field string
	}{
		{"name missing", TestInput{Kind: KindAssessment, DurationMinutes: 10}, "name"},
		{"name blank", TestInput{Name: "   ", Kind: KindAssessment, DurationMinutes: 10}, "name"},
		{"name too long", TestInput{Name: string(make([]rune, 201)), Kind: KindAssessment, DurationMinutes: 10}, "name"},
		{"name with NUL", TestInput{Name: "a\x00b", Kind: KindAssessment, DurationMinutes: 10}, "name"},
		{"kind unknown", TestInput{Name: "x", Kind: "quiz", DurationMinutes: 10}, "kind"},
		{"duration zero", TestInput{Name: "x", Kind: KindAssessment}, "durationMinutes"},
		{"duration too long", TestInput{Name: "x", Kind: KindAssessment, DurationMinutes: 1441}, "durationMinutes"},
		{"passing negative", TestInput{Name: "x", Kind: KindAssessment, DurationMinutes: 5, PassingScore: -1}, "passingScore"},
		{"passing over 100", TestInput{Name: "x", Kind: KindAssessment, DurationMinutes: 5, PassingScore: 101}, "passingScore"},
		{"instructions too long", TestInput{Name: "x", Kind: KindAssessment, DurationMinutes: 5, Instructions: string(make([]byte, MaxInstructionsLength+1))}, "instructions"},
	}
	db := newTestDB(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := db.CreateTest(context.Background(), c.in, nil)
			mustField(t, err, c.field)
		})
	}
	if tests, _ := db.Tests(context.Background(), TestFilter{}); len(tests) != 0 {
		t.Fatalf("invalid input wrote %d tests", len(tests))
	}
}

func TestQuestionValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		testKind TestKind
		in       QuestionInput
		field    string
	}{
		{"text missing", KindAssessment, QuestionInput{Kind: QuestionText}, "text"},
		{"kind unknown", KindAssessment, QuestionInput{Text: "q", Kind: "poll"}, "kind"},
		{"choice in interview", KindInterview, QuestionInput{Text: "q", Kind: QuestionSingle, Options: []string{"a", "b"}, Correct: []int{0}}, "kind"},
		{"one option", KindAssessment, QuestionInput{Text: "q", Kind: QuestionSingle, Options: []string{"a"}, Correct: []int{0}}, "options"},
		{"blank option", KindAssessment, QuestionInput{Text: "q", Kind: QuestionSingle, Options: []string{"a", " "}, Correct: []int{0}}, "options"},
		{"repeated option", KindAssessment, QuestionInput{Text: "q", Kind: QuestionMultiple, Options: []string{"Yes", "yes"}, Correct: []int{0}}, "options"},
		{"no correct", KindAssessment, QuestionInput{Text: "q", Kind: QuestionSingle, Options: []string{"a", "b"}}, "correct"},
		{"two correct on single", KindAssessment, QuestionInput{Text: "q", Kind: QuestionSingle, Options: []string{"a", "b"}, Correct: []int{0, 1}}, "correct"},
		{"correct out of range", KindAssessment, QuestionInput{Text: "q", Kind: QuestionMultiple, Options: []string{"a", "b"}, Correct: []int{2}}, "correct"},
		{"correct negative", KindAssessment, QuestionInput{Text: "q", Kind: QuestionMultiple, Options: []string{"a", "b"}, Correct: []int{-1}}, "correct"},
		{"correct twice", KindAssessment, QuestionInput{Text: "q", Kind: QuestionMultiple, Options: []string{"a", "b"}, Correct: []int{1, 1}}, "correct"},
		{"options on text", KindAssessment, QuestionInput{Text: "q", Kind: QuestionText, Options: []string{"a"}}, "options"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mustField(t, c.in.Validate(c.testKind), c.field)
		})
	}
	ok := QuestionInput{Text: "q", Kind: QuestionMultiple, Options: []string{"a", "b", "c"}, Correct: []int{2, 0}}
	if fe := ok.Validate(KindAssessment); len(fe) != 0 {
		t.Fatalf("valid question rejected: %v", fe)
	}
}

func TestCreateTestWithQuestionsAndDefaultLink(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	qs := []QuestionInput{
		{Text: "2+2?", Kind: QuestionSingle, Options: []string{" 3 ", "4"}, Correct: []int{1}},
		{Text: "Primes?", Kind: QuestionMultiple, Options: []string{"2", "4", "5"}, Correct: []int{2, 0}},
		{Text: "Why Go?", Kind: QuestionText},
	}
	// A bad question rejects the whole test, named by index.
	bad := append([]QuestionInput{}, qs...)
	bad = append(bad, QuestionInput{Text: "", Kind: QuestionText})
	_, err := db.CreateTest(ctx, sampleTest, bad)
	mustField(t, err, "questions[3].text")

	tt, err := db.CreateTest(ctx, sampleTest, qs)
	if err != nil {
		t.Fatal(err)
	}
	if tt.QuestionCount != 3 || tt.LinkCount != 1 {
		t.Fatalf("counts %+v", tt)
	}
	got, _ := db.Questions(ctx, tt.ID)
	if got[0].Options[0] != "3" || got[1].Correct[0] != 0 || got[1].Correct[1] != 2 || got[2].Kind != QuestionText {
		t.Fatalf("questions %+v", got)
	}
	def, err := db.DefaultLink(ctx, tt.ID)
	if err != nil || !def.IsDefault || len(def.Slug) != 16 {
		t.Fatalf("default link %+v %v", def, err)
	}
	// A second default link for the same test is refused by the database.
	_, err = db.w.ExecContext(ctx, `INSERT INTO test_links (test_id, name, slug, is_default, created_at, updated_at) VALUES (?, 'x', 'another-slug', 1, 0, 0)`, tt.ID)
	if !errors.Is(mapError(err), ErrConflict) {
		t.Fatalf("second default link: %v", err)
	}
	if tests, _ := db.Tests(ctx, TestFilter{}); len(tests) != 1 {
		t.Fatalf("failed create left %d tests", len(tests))
	}
}

func TestUpdateArchiveAndFilterTests(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	a, _ := db.CreateTest(ctx, sampleTest, []QuestionInput{{Text: "c", Kind: QuestionSingle, Options: []string{"a", "b"}, Correct: []int{0}}})
	b, _ := db.CreateTest(ctx, TestInput{Name: "Sales 100%_interview", Kind: KindInterview, DurationMinutes: 20}, nil)

	in := sampleTest
	in.Kind = KindInterview
	_, err := db.UpdateTest(ctx, a.ID, in)
	mustField(t, err, "kind")
	in = sampleTest
	in.Name = "Go backend v2"
	if u, err := db.UpdateTest(ctx, a.ID, in); err != nil || u.Name != "Go backend v2" {
		t.Fatalf("update %+v %v", u, err)
	}
	if _, err := db.UpdateTest(ctx, 999, in); !errors.Is(err, ErrNotFound) {
		t.Fatalf("update missing: %v", err)
	}
	// LIKE wildcards in the search are literal.
	if got, _ := db.Tests(ctx, TestFilter{Query: "100%_"}); len(got) != 1 || got[0].ID != b.ID {
		t.Fatalf("search %v", got)
	}
	if got, _ := db.Tests(ctx, TestFilter{Query: "%"}); len(got) != 1 {
		t.Fatalf("search %% matched %d", len(got))
	}
	if err := db.SetTestArchived(ctx, a.ID, true); err != nil {
		t.Fatal(err)
	}
	active, _ := db.Tests(ctx, TestFilter{})
	archived, _ := db.Tests(ctx, TestFilter{Archived: true})
	if len(active) != 1 || len(archived) != 1 || archived[0].ID != a.ID || !archived[0].Archived() {
		t.Fatalf("active %d archived %d", len(active), len(archived))
	}
	if err := db.SetTestArchived(ctx, 999, true); !errors.Is(err, ErrNotFound) {
		t.Fatalf("archive missing: %v", err)
	}
}

func TestQuestionsEditMoveDelete(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, sampleTest, nil)
	var ids []int64
	for _, text := range []string{"one", "two", "three"} {
		q, err := db.AddQuestion(ctx, tt.ID, QuestionInput{Text: text, Kind: QuestionText})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, q.ID)
	}
	order := func() string {
		qs, _ := db.Questions(ctx, tt.ID)
		s := ""
		for _, q := range qs {
			s += q.Text + ","
		}
		return s
	}
	db.MoveQuestion(ctx, tt.ID, ids[2], true)
	if got := order(); got != "one,three,two," {
		t.Fatalf("after move up: %s", got)
	}
	db.MoveQuestion(ctx, tt.ID, ids[0], true)  // already first
	db.MoveQuestion(ctx, tt.ID, ids[1], false) // already last
	if got := order(); got != "one,three,two," {
		t.Fatalf("edge moves changed the order: %s", got)
	}
	if err := db.DeleteQuestion(ctx, tt.ID, ids[0]); err != nil {
		t.Fatal(err)
	}
	if got := order(); got != "three,two," {
		t.Fatalf("after delete: %s", got)
	}
	q, err := db.UpdateQuestion(ctx, tt.ID, ids[1], QuestionInput{Text: "Two?", Kind: QuestionSingle, Options: []string{"y", "n"}, Correct: []int{0}})
	if err != nil || q.Text != "Two?" || q.Position != 2 {
		t.Fatalf("update %+v %v", q, err)
	}
	other, _ := db.CreateTest(ctx, sampleTest, nil)
	if _, err := db.UpdateQuestion(ctx, other.ID, ids[1], QuestionInput{Text: "x", Kind: QuestionText}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("question of another test: %v", err)
	}
	if err := db.DeleteQuestion(ctx, other.ID, ids[1]); !errors.Is(err, ErrNotFound) {
		t.Fatalf("delete via another test: %v", err)
	}
	if _, err := db.AddQuestion(ctx, 999, QuestionInput{Text: "x", Kind: QuestionText}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("add to missing test: %v", err)
	}
}

func TestLinks(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	now := time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return now })
	tt, _ := db.CreateTest(ctx, sampleTest, nil)
	past, future, later := now.Add(-time.Hour), now.Add(24*time.Hour), now.Add(48*time.Hour)

	bad := []struct {
		in    LinkInput
		field string
	}{
		{LinkInput{}, "name"},
		{LinkInput{Name: "x", Slug: "A b"}, "slug"},
		{LinkInput{Name: "x", Slug: "ab"}, "slug"},
		{LinkInput{Name: "x", CallbackURL: "/relative"}, "callbackUrl"},
		{LinkInput{Name: "x", CallbackURL: "ftp://example.com/x"}, "callbackUrl"},
		{LinkInput{Name: "x", RedirectURL: "javascript:alert(1)"}, "redirectUrl"},
		{LinkInput{Name: "x", RedirectURL: "https://"}, "redirectUrl"},
		{LinkInput{Name: "x", ValidFrom: &later, ValidUntil: &future}, "validUntil"},
		{LinkInput{Name: "x", MaxUses: -1}, "maxUses"},
		{LinkInput{Name: "x", ExpiresAt: &past}, "expiresAt"},
	}
	for _, b := range bad {
		_, err := db.CreateLink(ctx, tt.ID, b.in)
		mustField(t, err, b.field)
	}
	in := LinkInput{Name: "Campus 2027", Slug: "campus-2027", CallbackURL: "https://ats.example.com/hook",
		RedirectURL: "https://careers.example.com/thanks", HideInstruction: true, SendEmail: true,
		ExpiresAt: &later, ValidFrom: &now, ValidUntil: &future, Public: true, MaxUses: 500}
	l, err := db.CreateLink(ctx, tt.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if l.Slug != "campus-2027" || !l.HideInstruction || !l.Public || l.MaxUses != 500 || !l.ExpiresAt.Equal(later) || l.IsDefault {
		t.Fatalf("link %+v", l)
	}
	_, err = db.CreateLink(ctx, tt.ID, LinkInput{Name: "dup", Slug: "campus-2027"})
	mustField(t, err, "slug")
	if _, err := db.CreateLink(ctx, 999, LinkInput{Name: "x"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("link for missing test: %v", err)
	}
	if got, err := db.LinkBySlug(ctx, "campus-2027"); err != nil || got.ID != l.ID {
		t.Fatalf("by slug: %v", err)
	}
	// Update keeps the slug when none is given and clears optional settings.
	u, err := db.UpdateLink(ctx, l.ID, LinkInput{Name: "Campus 2027 (late)"})
	if err != nil || u.Slug != "campus-2027" || u.MaxUses != 0 || u.ExpiresAt != nil || u.Public {
		t.Fatalf("update %+v %v", u, err)
	}
	def, _ := db.DefaultLink(ctx, tt.ID)
	_, err = db.UpdateLink(ctx, def.ID, LinkInput{Name: "d", Slug: "campus-2027"})
	mustField(t, err, "slug")
	if err := db.SetLinkDisabled(ctx, l.ID, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Link(ctx, l.ID); !got.Disabled() {
		t.Fatal("not disabled")
	}
	links, _ := db.Links(ctx, tt.ID)
	if len(links) != 2 || !links[0].IsDefault {
		t.Fatalf("links %+v", links)
	}
}
