package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"testgate/store"
)

// The preview of a drawn test: a sample paper as a candidate starting now
// would get it, the same through every page of the preview, and what each
// section and rule draws from how many.
func TestPreviewDrawsASamplePaper(t *testing.T) {
	srv, db := newTestServer(t)
	ctx := context.Background()
	var bank []store.QuestionInput
	for i := range 5 {
		bank = append(bank, store.QuestionInput{Text: fmt.Sprintf("Bank %d?", i), Kind: store.QuestionSingle, Options: []string{"a", "b"},
			Correct: []int{0}, Topic: "go", Difficulty: "easy"})
	}
	db.AddBankQuestions(ctx, bank)
	var own []store.QuestionInput
	for i := range 10 {
		own = append(own, store.QuestionInput{Text: fmt.Sprintf("Own %d?", i), Kind: store.QuestionSingle, Options: []string{"a", "b"}, Correct: []int{1}})
	}
	tt, err := db.CreateSectionedTest(ctx, store.TestInput{Name: "Drawn", Kind: store.KindAssessment, DurationMinutes: 10}, []store.SectionInput{
		{Name: "Own", Draw: 3, Questions: own},
		{Name: "From the bank", Rules: []store.SectionRule{{Topic: "go", Difficulty: "easy", Count: 2}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	b := signIn(t, srv, db, store.RoleRecruiter)
	intro := b.get(testPath(tt.ID) + "/preview")
	draw := intro.text(`[data-testid="preview-draw"]`)
	for _, want := range []string{"Own: 10 questions, each candidate gets 3 drawn at random; each candidate gets 3",
		"Rule: 2 of topic “go”, easy — 5 questions match in the bank"} {
		if !strings.Contains(draw, want) {
			t.Fatalf("draw lines %q lack %q", draw, want)
		}
	}
	seed, _ := intro.doc.Find(`input[name="seed"]`).Attr("value")
	if seed == "" {
		t.Fatal("the preview carries no seed")
	}
	start := b.post(testPath(tt.ID)+"/preview/start", url.Values{"seed": {seed}})
	fields := start.doc.Find(`[data-testid="question"]`)
	if fields.Length() != 5 || start.doc.Find(`[data-testid="section-name"]`).Length() != 2 {
		t.Fatalf("sample paper: %d questions", fields.Length())
	}
	// Answer every question right, by the paper the seed drew: full marks.
	form := url.Values{"action": {"submit"}, "seed": {seed}}
	fields.Each(func(_ int, f *goquerySelection) {
		id, _ := f.Attr("data-question")
		right := "1"
		if strings.HasPrefix(f.Find(".q-text").Text(), "Bank") {
			right = "0"
		}
		form.Set("q"+id, right)
	})
	done := b.post(testPath(tt.ID)+"/preview/answers", form)
	if got := done.text(`[data-testid="preview-score"]`); got != "In a real attempt these answers would score 5 / 5 (100 %)." {
		t.Fatalf("preview score %q", got)
	}
	if n := countRows(t, db, `SELECT COUNT(*) FROM questions WHERE bank_question_id IS NOT NULL`); n != 0 {
		t.Fatalf("the preview wrote %d snapshots", n)
	}
	if r := b.get(testPath(tt.ID)); r.Code != http.StatusOK || r.doc.Find(`[data-testid="test-section"]`).Length() != 2 {
		t.Fatalf("test page sections: %d", r.doc.Find(`[data-testid="test-section"]`).Length())
	}
}

// A recruiter makes a test a list of sections from the console: the first
// takes the test's questions, rules draw from the bank, picks add bank
// questions; every refusal names its numbers.
func TestConsoleSections(t *testing.T) {
	f := newCandidateFixture(t, store.LinkInput{})
	ctx := context.Background()
	var bank []store.QuestionInput
	for i := range 3 {
		bank = append(bank, store.QuestionInput{Text: fmt.Sprintf("Bank %d?", i), Kind: store.QuestionSingle, Options: []string{"a", "b"},
			Correct: []int{0}, Topic: "go", Difficulty: "easy"})
	}
	bankIDs, _ := f.db.AddBankQuestions(ctx, bank)
	b := signIn(t, f.srv, f.db, store.RoleRecruiter)
	base := testPath(f.test.ID) + "/sections"
	if r := b.get(testPath(f.test.ID)); !strings.Contains(r.text(`[data-testid="sections"]`), "go into the first section") {
		t.Fatalf("no sections yet: %q", r.text(`[data-testid="sections"]`))
	}
	if r := b.post(base, url.Values{"name": {"Core"}, "draw": {"2"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("add section: %d %q", r.Code, r.text(`[data-testid="sections-problem"]`))
	}
	sections, _ := f.db.Sections(ctx, f.test.ID)
	if len(sections) != 1 || sections[0].QuestionCount != 3 || sections[0].Gets() != 2 {
		t.Fatalf("first section %+v", sections)
	}
	core := base + "/" + idStr(sections[0].ID)
	if r := b.post(core, url.Values{"name": {"Core"}, "draw": {"9"}}); r.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(r.text(`[data-testid="sections-problem"]`), "asks for 9 questions but the section has 3") {
		t.Fatalf("draw 9: %d %q", r.Code, r.text(`[data-testid="sections-problem"]`))
	}
	b.post(base, url.Values{"name": {"From the bank"}, "shuffleQuestions": {"1"}})
	sections, _ = f.db.Sections(ctx, f.test.ID)
	second := base + "/" + idStr(sections[1].ID)
	r := b.post(second+"/rules", url.Values{"count": {"5"}, "topic": {"go"}, "difficulty": {"easy"}})
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.text(`[data-testid="sections-problem"]`),
		"asks for 5 questions of topic “go”, easy but the bank has 3") {
		t.Fatalf("rule 5: %d %q", r.Code, r.text(`[data-testid="sections-problem"]`))
	}
	if r := b.post(second+"/rules", url.Values{"count": {"2"}, "topic": {"go"}, "difficulty": {"easy"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("rule 2: %d", r.Code)
	}
	if r := b.get(second + "/pick?topic=go"); !strings.Contains(r.text(`[data-testid="pick-form"]`), "Bank 0?") {
		t.Fatalf("pick page: %q", r.text("main"))
	}
	if r := b.post(second+"/picks", url.Values{"bankQuestionId": {idStr(bankIDs[0])}}); r.Code != http.StatusSeeOther {
		t.Fatalf("pick: %d", r.Code)
	}
	page := b.get(testPath(f.test.ID))
	rules := page.text(`[data-testid="section-rules"]`)
	if !strings.Contains(rules, "2 of topic “go”, easy") || !strings.Contains(rules, "2 questions match") ||
		!strings.Contains(page.text(`[data-testid="section-picks"]`), "Bank 0?") {
		t.Fatalf("sections card: rules %q picks %q", rules, page.text(`[data-testid="section-picks"]`))
	}

	// A candidate gets 2 of the 3 written questions, the pick and 2 drawn by the rule.
	f.invite(t, store.NewInvitation{})
	f.b.post(f.token+"/start", nil)
	qs, _ := f.db.AttemptQuestions(ctx, f.reload(t))
	if len(qs) != 5 || qs[0].SectionName != "Core" || qs[4].SectionName != "From the bank" {
		t.Fatalf("paper of %d questions: %+v", len(qs), qs)
	}

	// Removing the rule and the pick.
	if r := b.post(second+"/rules/1/delete", nil); r.Code != http.StatusSeeOther {
		t.Fatalf("remove rule: %d", r.Code)
	}
	if r := b.post(second+"/picks/"+idStr(bankIDs[0])+"/delete", nil); r.Code != http.StatusSeeOther {
		t.Fatalf("unpick: %d", r.Code)
	}
	if sections, _ = f.db.Sections(ctx, f.test.ID); len(sections[1].Rules) != 0 || sections[1].PickCount != 0 {
		t.Fatalf("after removal: %+v", sections[1])
	}
	if r := b.post(base+"/99999/rules", url.Values{"count": {"1"}}); r.Code != http.StatusNotFound {
		t.Fatalf("another test's section: %d", r.Code)
	}
}
