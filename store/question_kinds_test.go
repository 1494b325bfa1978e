package store

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func float(f float64) *float64 { return &f }

// everyKind is one question of each kind, worth 4 points each, with part
// marks and a penalty where the kind is scored at submission.
func everyKind() []QuestionInput {
	marked := QuestionSpec{Partial: true, Penalty: 1, Floor: -2}
	return []QuestionInput{
		{Text: "Pick the primes", Kind: QuestionMultiple, Options: []string{"2", "3", "4", "5"}, Correct: []int{0, 1, 3}, Points: 3, Spec: marked},
		{Text: "Go has generics.", Kind: QuestionTrueFalse, Correct: []int{0}, Points: 2, Spec: QuestionSpec{Penalty: 1, Floor: -1}},
		{Text: "g on Earth?", Kind: QuestionNumeric, Points: 2, Spec: QuestionSpec{Answer: float(9.81), Tolerance: 0.05, Unit: "m/s²"}},
		{Text: "Order by size", Kind: QuestionOrdering, Options: []string{"byte", "kilobyte", "megabyte", "gigabyte"}, Points: 4, Spec: marked},
		{Text: "Capitals", Kind: QuestionMatching, Options: []string{"France", "Japan", "Peru"}, Points: 3, Spec: QuestionSpec{
			Matches: []string{"Paris", "Tokyo", "Lima", "Quito"}, Partial: true}},
		{Text: "Go was made at ___ in ___.", Kind: QuestionBlanks, Points: 2, Spec: QuestionSpec{Blanks: [][]string{{"Google"}, {"2009", "2007"}}, Partial: true}},
		{Text: "Why tests?", Kind: QuestionEssay, Points: 5, Spec: QuestionSpec{MinWords: 3, MaxWords: 50}},
		{Text: "Reverse a string", Kind: QuestionCode, Points: 5, Spec: QuestionSpec{Language: "Go"}},
	}
}

func TestNewKindsAreTakenRightAfterMigrating(t *testing.T) {
	sqliteOnly(t, "the schema's CHECK is edited in place on SQLite")
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "testgate.db"), testWiring)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// The connection that migrated writes the new kinds at once.
	if _, err := db.AddBankQuestions(ctx, everyKind()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.ExecContext(ctx, `INSERT INTO bank_questions (kind, body, created_at, updated_at) VALUES ('poll', 'x', 1, 1)`); err == nil ||
		!strings.Contains(err.Error(), "CHECK") {
		t.Fatalf("an unknown kind was written: %v", err)
	}
	if v, err := db.IntegrityCheck(ctx); err != nil || v != "ok" {
		t.Fatalf("integrity %q %v", v, err)
	}
}

func TestNewKindsAreChecked(t *testing.T) {
	t.Parallel()
	good := everyKind()
	for _, in := range good {
		if fe := in.Validate(KindAssessment); len(fe) != 0 {
			t.Fatalf("%s rejected: %v", in.Kind, fe)
		}
	}
	with := func(i int, change func(*QuestionInput)) QuestionInput {
		in := everyKind()[i]
		change(&in)
		return in
	}
	cases := []struct {
		name  string
		in    QuestionInput
		field string
	}{
		{"true/false with options", with(1, func(q *QuestionInput) { q.Options = []string{"yes", "no"} }), "options"},
		{"true/false answer 2", with(1, func(q *QuestionInput) { q.Correct = []int{2} }), "correct"},
		{"numeric without answer", with(2, func(q *QuestionInput) { q.Spec.Answer = nil }), "answer"},
		{"numeric negative tolerance", with(2, func(q *QuestionInput) { q.Spec.Tolerance = -1 }), "tolerance"},
		{"numeric long unit", with(2, func(q *QuestionInput) { q.Spec.Unit = strings.Repeat("m", 21) }), "unit"},
		{"numeric given matches", with(2, func(q *QuestionInput) { q.Spec.Matches = []string{"a"} }), "matches"},
		{"ordering one item", with(3, func(q *QuestionInput) { q.Options = q.Options[:1] }), "options"},
		{"ordering with correct", with(3, func(q *QuestionInput) { q.Correct = []int{0} }), "correct"},
		{"matching too few matches", with(4, func(q *QuestionInput) { q.Spec.Matches = q.Spec.Matches[:2] }), "matches"},
		{"matching repeated match", with(4, func(q *QuestionInput) { q.Spec.Matches[3] = "paris" }), "matches"},
		{"blanks none marked", with(5, func(q *QuestionInput) { q.Text = "No blanks here" }), "text"},
		{"blanks count differs", with(5, func(q *QuestionInput) { q.Spec.Blanks = q.Spec.Blanks[:1] }), "blanks"},
		{"blank accepts nothing", with(5, func(q *QuestionInput) { q.Spec.Blanks[1] = nil }), "blanks"},
		{"essay limits crossed", with(6, func(q *QuestionInput) { q.Spec.MinWords = 60 }), "maxWords"},
		{"essay with a penalty", with(6, func(q *QuestionInput) { q.Spec.Penalty = 1 }), "marking"},
		{"code long language", with(7, func(q *QuestionInput) { q.Spec.Language = strings.Repeat("x", 41) }), "language"},
		{"penalty over points", with(0, func(q *QuestionInput) { q.Spec.Penalty = 4 }), "penalty"},
		{"floor above 0", with(0, func(q *QuestionInput) { q.Spec.Floor = 1 }), "floor"},
		{"floor below minus points", with(0, func(q *QuestionInput) { q.Spec.Floor = -4 }), "floor"},
		{"choice in an interview", good[1], "kind"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			kind := KindAssessment
			if strings.Contains(c.name, "interview") {
				kind = KindInterview
			}
			mustField(t, c.in.Validate(kind).orNil(), c.field)
		})
	}
	for _, i := range []int{6, 7} {
		if fe := good[i].Validate(KindInterview); len(fe) != 0 {
			t.Fatalf("%s refused in an interview: %v", good[i].Kind, fe)
		}
	}
}

// question is the input as a question of a paper, for marking.
func question(in QuestionInput) Question {
	in = in.normalized()
	return Question{ID: 1, Kind: in.Kind, Text: in.Text, Options: in.Options, Correct: in.Correct, Points: in.Points, Spec: in.Spec}
}

func TestMarkingPartByPartWithPenaltiesAndFloors(t *testing.T) {
	t.Parallel()
	k := everyKind()
	blanks := func(s ...string) Answer { return Answer{Text: blanksText(s)} }
	allOrNothing := k[0]
	allOrNothing.Spec = QuestionSpec{Penalty: 2, Floor: -1}
	cases := []struct {
		name   string
		in     QuestionInput
		answer Answer
		points int
		how    string
	}{
		{"choice all right", k[0], Answer{Choices: []int{0, 1, 3}}, 3, "right"},
		{"choice two of three", k[0], Answer{Choices: []int{0, 1}}, 2, "2 of 3 options right: 2 of 3 points"},
		{"choice two right one wrong", k[0], Answer{Choices: []int{0, 1, 2}}, 1, "2 of 3 options right: 2 of 3 points, 1 wrong: −1"},
		{"choice one wrong only, floored", k[0], Answer{Choices: []int{2}}, -1, "0 of 3 options right: 0 of 3 points, 1 wrong: −1"},
		{"choice none", k[0], Answer{}, 0, "not answered"},
		{"choice all or nothing, floored", allOrNothing, Answer{Choices: []int{0}}, -1, "wrong: −2 (held at the floor, -1)"},
		{"true", k[1], Answer{Choices: []int{0}}, 2, "right"},
		{"false, penalised", k[1], Answer{Choices: []int{1}}, -1, "wrong: −1"},
		{"numeric within tolerance, comma, unit", k[2], Answer{Text: " 9,8 m/s² "}, 2, "right"},
		{"numeric outside tolerance", k[2], Answer{Text: "9.7"}, 0, "wrong"},
		{"numeric not a number", k[2], Answer{Text: "about ten"}, 0, "wrong"},
		{"ordering right", k[3], Answer{Choices: []int{1, 2, 3, 4}}, 4, "right"},
		{"ordering two swapped", k[3], Answer{Choices: []int{2, 1, 3, 4}}, 0, "2 of 4 items right: 2 of 4 points, 2 wrong: −2"},
		{"ordering half placed", k[3], Answer{Choices: []int{1, 2, 0, 0}}, 2, "2 of 4 items right: 2 of 4 points"},
		{"matching two of three", k[4], Answer{Choices: []int{1, 2, 4}}, 2, "2 of 3 pairs right: 2 of 3 points"},
		{"matching right", k[4], Answer{Choices: []int{1, 2, 3}}, 3, "right"},
		{"blanks right, case and spaces ignored", k[5], blanks(" google ", "2007"), 2, "right"},
		{"blanks one of two, rounded down", k[5], blanks("Google", "2010"), 1, "1 of 2 blanks right: 1 of 2 points"},
		{"essay waits", k[6], Answer{Text: "Because they catch bugs."}, 0, "graded by a reviewer"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := question(c.in).Marked(c.answer)
			if m.Points != c.points || m.How != c.how || m.Right != (c.how == "right") {
				t.Fatalf("marked %+v, want %d points, %q", m, c.points, c.how)
			}
		})
	}
}

func TestNumbersAsCandidatesTypeThem(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]float64{"3.5": 3.5, "3,5": 3.5, "1 234.5": 1234.5, "1,234.5": 1234.5, "−2": -2, "3.5 kg": 3.5,
		"3.5KG": 3.5, "1e3": 1000, "1'000": 1000} {
		if got, ok := ParseNumber(text, "kg"); !ok || got != want {
			t.Errorf("%q read as %v %v, want %v", text, got, ok, want)
		}
	}
	for _, text := range []string{"", "kg", "abc", "0x10", "1_000", "NaN", "Inf", "1,2,3", "3.5 m"} {
		if got, ok := ParseNumber(text, "kg"); ok {
			t.Errorf("%q read as %v", text, got)
		}
	}
}

// TestEveryKindThroughAnAttempt takes an attempt at a test of every kind
// through the attempt form, and grades what waits for a reviewer.
func TestEveryKindThroughAnAttempt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := newTestDB(t)
	tt, err := db.CreateTest(ctx, TestInput{Name: "Every kind", Kind: KindAssessment, DurationMinutes: 30}, everyKind())
	if err != nil {
		t.Fatal(err)
	}
	link, _ := db.DefaultLink(ctx, tt.ID)
	res, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Ada", Email: "ada@example.com", Source: SourceConsole})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := db.StartInvitation(ctx, res.Invitation.ID)
	if err != nil {
		t.Fatal(err)
	}
	qs, err := db.AttemptQuestions(ctx, inv)
	if err != nil {
		t.Fatal(err)
	}
	if ordering := qs[3]; len(ordering.OptionOrder) != 4 || slices.IsSorted(ordering.OptionOrder) {
		t.Fatalf("an ordering question's items were not shuffled for the paper: %v", ordering.OptionOrder)
	}
	// Never in the right order, on any paper: even two items are swapped.
	two := question(QuestionInput{Text: "Order", Kind: QuestionOrdering, Options: []string{"a", "b"}})
	for id := range int64(50) {
		if order := seededOrder(id, two); !slices.Equal(order, []int{1, 0}) {
			t.Fatalf("paper %d shows two items as %v", id, order)
		}
	}
	field := func(i int) string { return "q" + strconv.FormatInt(qs[i].ID, 10) }
	form := map[string][]string{
		field(0): {"0", "1"},                   // 2 of 3: 2
		field(1): {"1"},                        // wrong: -1
		field(2): {"9.81 m/s²"},                // right: 2
		field(3): {"0:1", "1:2", "2:4", "3:3"}, // 2 of 4, 2 wrong: 0
		field(4): {"0:1", "1:2", "2:3"},        // right: 3
		field(5): {"GOOGLE", ""},               // 1 of 2: 1
		field(6): {"Tests catch regressions early."},
		field(7): {"func reverse(s string) string {\n\treturn s\n}"},
	}
	out, err := db.Submit(ctx, Submission{InvitationID: inv.ID, Form: form, Finish: true})
	if err != nil || out.Outcome != Completed {
		t.Fatalf("submit: %+v %v", out, err)
	}
	inv = out.Invitation
	if *inv.Score != 2-1+2+0+3+1 || *inv.MaxScore != 3+2+2+4+3+2+5+5 || inv.Review != ReviewAwaiting {
		t.Fatalf("score %d of %d, review %s", *inv.Score, *inv.MaxScore, inv.Review)
	}
	answers, err := db.Answers(ctx, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantWords := []string{"2; 3", "False", "9.81 m/s²", "1. byte; 2. kilobyte; 3. gigabyte; 4. megabyte", "France → Paris; Japan → Tokyo; Peru → Lima",
		"(1) GOOGLE; (2) —", "Tests catch regressions early.", "func reverse(s string) string {\n\treturn s\n}"}
	for i, q := range qs {
		a := answers[q.ID]
		if got := q.Rules().Words(q, a); got != wantWords[i] {
			t.Errorf("question %d (%s) reads %q, want %q", i+1, q.Kind, got, wantWords[i])
		}
		if m := q.Marked(a); !q.Rules().Reviewed() && (a.Points == nil || *a.Points != m.Points) {
			t.Errorf("question %d kept %v points, marked %+v", i+1, a.Points, m)
		}
	}
	// The essay graded, the code answer still waits; then both are graded.
	if inv, err = db.GradeAnswer(ctx, inv.ID, GradeInput{QuestionID: qs[6].ID, Points: 4}, "rita"); err != nil || inv.Review != ReviewAwaiting {
		t.Fatalf("after grading the essay: %s %v", inv.Review, err)
	}
	if inv, err = db.GradeAnswer(ctx, inv.ID, GradeInput{QuestionID: qs[7].ID, Points: 5}, "rita"); err != nil || inv.Review != ReviewGraded ||
		*inv.Score != 7+4+5 {
		t.Fatalf("after grading the code: %s %v %v", inv.Review, inv.Score, err)
	}
	// A reviewer may set a choice answer down to its floor, not below.
	mustField(t, func() error {
		_, err := db.GradeAnswer(ctx, inv.ID, GradeInput{QuestionID: qs[0].ID, Points: -3}, "rita")
		return err
	}(), "points")
	if _, err := db.GradeAnswer(ctx, inv.ID, GradeInput{QuestionID: qs[0].ID, Points: -2}, "rita"); err != nil {
		t.Fatal(err)
	}
}

func TestAnswersTheirKindCannotTakeAreRefused(t *testing.T) {
	t.Parallel()
	k := everyKind()
	cases := []struct {
		in     QuestionInput
		values []string
	}{
		{k[1], []string{"yes"}},
		{k[3], []string{"0:5"}},
		{k[3], []string{"9:1"}},
		{k[4], []string{"0:5"}},
		{k[4], []string{"zero"}},
	}
	for _, c := range cases {
		q := question(c.in)
		if _, err := AnswersFromForm([]Question{q}, map[string][]string{"q1": c.values}); err == nil {
			t.Errorf("%s took %q", c.in.Kind, c.values)
		}
	}
	if problem := question(k[1]).Rules().checkAnswer(question(k[1]), AnswerInput{Choices: []int{3}}); problem == "" {
		t.Error("true/false took choice 3")
	}
	if problem := question(k[5]).Rules().checkAnswer(question(k[5]), AnswerInput{Text: `["a","b","c"]`}); problem == "" {
		t.Error("blanks took three answers for two blanks")
	}
}

// A section's negative marking reaches each of its questions that sets
// none of its own, within the question's points; a question's own marking
// wins; a section without keeps its questions' marks at nothing or more.
func TestSectionNegativeMarking(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := newTestDB(t)
	pick := func(text string, spec QuestionSpec) QuestionInput {
		return QuestionInput{Text: text, Kind: QuestionSingle, Options: []string{"right", "wrong"}, Correct: []int{0}, Spec: spec}
	}
	tt, err := db.CreateSectionedTest(ctx, TestInput{Name: "Marked", Kind: KindAssessment, DurationMinutes: 20}, []SectionInput{
		{Name: "Penalised", Marking: SectionMarking{Penalty: 2, Floor: -5}, Questions: []QuestionInput{
			pick("A", QuestionSpec{}), pick("B", QuestionSpec{Penalty: 1}),
			{Text: "Why?", Kind: QuestionEssay}}},
		{Name: "Plain", Questions: []QuestionInput{pick("C", QuestionSpec{})}},
	})
	if err != nil {
		t.Fatal(err)
	}
	sections, _ := db.Sections(ctx, tt.ID)
	if sections[0].Marking != (SectionMarking{Penalty: 2, Floor: -5}) {
		t.Fatalf("section marking read back as %+v", sections[0].Marking)
	}
	link, _ := db.DefaultLink(ctx, tt.ID)
	res, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Bo", Email: "bo@example.com", Source: SourceConsole})
	inv, err := db.StartInvitation(ctx, res.Invitation.ID)
	if err != nil {
		t.Fatal(err)
	}
	qs, _ := db.AttemptQuestions(ctx, inv)
	byText := map[string]Question{}
	var answers []AnswerInput
	for _, q := range qs {
		byText[q.Text] = q
		if q.Kind == QuestionSingle {
			answers = append(answers, AnswerInput{QuestionID: q.ID, Choices: []int{1}}) // every choice wrong
		}
	}
	// A: the section's −2 held at its own points (1): −1. B: its own −1, floor 0: 0. C: 0.
	if a := byText["A"].Spec; a.Penalty != 1 || a.Floor != -1 {
		t.Fatalf("A's marking on the paper %+v", a)
	}
	if b := byText["B"].Spec; b.Penalty != 1 || b.Floor != 0 || byText["Why?"].Spec.Penalty != 0 || byText["C"].Spec.Penalty != 0 {
		t.Fatalf("markings on the paper: B %+v, essay %+v, C %+v", b, byText["Why?"].Spec, byText["C"].Spec)
	}
	if err := db.SaveAnswers(ctx, inv.ID, answers, nil); err != nil {
		t.Fatal(err)
	}
	inv, err = db.CompleteInvitation(ctx, inv.ID, ReasonSubmitted)
	if err != nil || *inv.Score != -1 {
		t.Fatalf("score %v, %v; want -1", inv.Score, err)
	}
	fe := FieldErrors{}
	validateSections(fe, KindAssessment, []SectionInput{{Marking: SectionMarking{Penalty: -1}, Questions: []QuestionInput{pick("D", QuestionSpec{})}}})
	mustField(t, fe.orNil(), "sections[0].penalty")
	_, err = db.UpdateSection(ctx, tt.ID, sections[1].ID, SectionSettings{Name: "Plain", Marking: SectionMarking{Floor: 3}})
	mustField(t, err, "floor")
}
