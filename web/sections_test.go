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
