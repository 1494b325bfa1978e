package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"testgate/store"
)

// A candidate takes a sectioned test with drawn, shuffled questions and
// shuffled options on a phone: the sections are headed, and choosing the
// right options scores full marks whatever order they were shown in.
func TestBrowserSectionedShuffledTestOnAPhone(t *testing.T) {
	t.Parallel()
	base, db := startHTTPServer(t)
	ctx := context.Background()
	var pool []store.QuestionInput
	for i := range 4 {
		pool = append(pool, store.QuestionInput{Text: fmt.Sprintf("Pool question %d?", i+1), Kind: store.QuestionSingle,
			Options: []string{"wrong one", "wrong two", "right", "wrong three"}, Correct: []int{2}, Points: 2})
	}
	tt, err := db.CreateSectionedTest(ctx, store.TestInput{Name: "Sectioned", Kind: store.KindAssessment, DurationMinutes: 20},
		[]store.SectionInput{
			{Name: "Warm-up", Questions: []store.QuestionInput{{Text: "Pick right.", Kind: store.QuestionSingle,
				Options: []string{"right", "wrong"}, Correct: []int{0}}}},
			{Name: "Pool", Draw: 2, ShuffleQuestions: true, ShuffleOptions: true, Questions: pool},
		})
	if err != nil {
		t.Fatal(err)
	}
	res, _ := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, Name: "Pia", Email: "pia@example.com", Source: store.SourceNative})
	b := startBrowser(t)
	do(t, b, phone, chromedp.Navigate(base+"/t/"+res.Invitation.Token), chromedp.WaitVisible(css(`[data-testid="start"]`)),
		chromedp.Click(css(`[data-testid="start"]`)), chromedp.WaitVisible(css(`[data-testid="section-name"]`)))
	headings, err := chromedp.Run(b, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll("[data-testid=section-name]")].map((h) => h.textContent.trim())`))
	if err != nil || len(headings) != 2 || headings[0] != "Warm-up" || headings[1] != "Pool" {
		t.Fatalf("section headings %v %v", headings, err)
	}
	if n, _ := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll("[data-testid=question]").length`)); n != 3 {
		t.Fatalf("%d questions on the paper, want 1 + 2 drawn", n)
	}
	checkA11y(t, b, "sectioned attempt")
	// Choose "right" in every question, wherever it is shown.
	if _, err := chromedp.Run(b, chromedp.Evaluate[bool](`(() => {
		document.querySelectorAll("label.choice").forEach((l) => { if (l.textContent.trim() === "right") l.click(); });
		return true;
	})()`)); err != nil {
		t.Fatal(err)
	}
	if n, _ := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll("input[type=radio]:checked").length`)); n != 3 {
		t.Fatalf("%d answers chosen, want 3", n)
	}
	// Submitted as the button does (its click can land under the sticky timer on a small screen).
	if _, err := chromedp.Run(b, chromedp.Evaluate[bool](`(() => {
		const button = document.querySelector("[data-testid=submit]");
		button.form.requestSubmit(button);
		return true;
	})()`)); err != nil {
		t.Fatal(err)
	}
	do(t, b, chromedp.WaitVisible(css(`[data-testid="completed"], [data-testid="unanswered"]`)))
	if page := text(t, b, "main"); !strings.Contains(page, "submitted") {
		t.Fatalf("after submitting: %q", page)
	}
	inv, _ := db.Invitation(ctx, res.Invitation.ID)
	if inv.Score == nil || *inv.Score != 5 || *inv.MaxScore != 5 {
		t.Fatalf("score %v / %v, want 5 / 5", inv.Score, inv.MaxScore)
	}
}
