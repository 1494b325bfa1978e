package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"testgate/store"
)

// A Spanish candidate walks a test of timed sections on a phone: the intro
// says sections have their own time and cannot be taken up again; leaving
// a section with a question unanswered names it and offers to move on, not
// to submit; the last section says its time submits the test. No page is
// wider than the phone or breaks a word.
func TestBrowserTimedSectionsWalkOnAPhone(t *testing.T) {
	t.Parallel()
	base, db := startHTTPServer(t)
	ctx := context.Background()
	choice := func(text string) store.QuestionInput {
		return store.QuestionInput{Text: text, Kind: store.QuestionSingle, Options: []string{"sí", "no"}, Correct: []int{0}}
	}
	tt, err := db.CreateSectionedTest(ctx, store.TestInput{Name: "Prueba por partes", Kind: store.KindAssessment, DurationMinutes: 60},
		[]store.SectionInput{
			{Name: "Calentamiento", TimeLimit: 10, Questions: []store.QuestionInput{choice("¿Uno?"), choice("¿Dos?")}},
			{Name: "Final", TimeLimit: 5, Questions: []store.QuestionInput{choice("¿Tres?")}},
		})
	if err != nil {
		t.Fatal(err)
	}
	res, _ := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, Name: "Lucía", Email: "lucia@example.com", Lang: "es", Source: store.SourceNative})
	b := startBrowser(t)
	fits := func(page string) {
		t.Helper()
		width, err := chromedp.Run(b, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if err != nil || width > 390 {
			t.Fatalf("%s: %d px wide (%v)", page, width, err)
		}
		if broken, _ := chromedp.Run(b, chromedp.Evaluate[string](brokenWords)); broken != "" {
			t.Fatalf("%s: words broken inside: %s", page, broken)
		}
	}
	submitWith := func(sel string) { // as the button does (a click can land under the sticky timer)
		t.Helper()
		if _, err := chromedp.Run(b, chromedp.Evaluate[bool](`(() => {
			const button = document.querySelector(`+"`"+sel+"`"+`);
			button.form.requestSubmit(button);
			return true;
		})()`)); err != nil {
			t.Fatal(err)
		}
	}

	do(t, b, phone, chromedp.Navigate(base+"/t/"+res.Invitation.Token), chromedp.WaitVisible(css(`[data-testid="start"]`)))
	if got := text(t, b, `[data-testid="sections-notice"]`); !strings.Contains(got, "Algunas secciones tienen su propio tiempo") {
		t.Fatalf("intro: %q", got)
	}
	fits("intro")
	do(t, b, chromedp.Click(css(`[data-testid="start"]`)), chromedp.WaitVisible(css(`[data-testid="section-place"]`)))
	if got := text(t, b, `[data-testid="section-place"]`); !strings.Contains(got, "Sección 1 de 2") || !strings.Contains(got, "No puedes volver a una sección") {
		t.Fatalf("first section: %q", got)
	}
	if got := text(t, b, `[data-testid="next-section"]`); got != "Siguiente sección" {
		t.Fatalf("the first section's button: %q", got)
	}
	fits("first section")

	// Answer the first question only, then try to move on.
	do(t, b, chromedp.Click(css(`[data-testid="question"]:first-of-type label.choice`)))
	submitWith(`[data-testid="next-section"]`)
	do(t, b, chromedp.WaitVisible(css(`[data-testid="unanswered"]`)))
	if got := text(t, b, `[data-testid="unanswered"]`); !strings.Contains(got, "1 pregunta está sin responder") || !strings.Contains(got, "Sin respuesta: 2") {
		t.Fatalf("unanswered: %q", got)
	}
	if got := text(t, b, `[data-testid="submit-anyway"]`); got != "Pasar a la siguiente sección" {
		t.Fatalf("the way on says %q, not that it moves to the next section", got)
	}
	fits("unanswered")
	submitWith(`[data-testid="submit-anyway"]`)
	do(t, b, chromedp.WaitVisible(css(`[data-testid="submit"]`)))
	if got := text(t, b, `[data-testid="section-place"]`); !strings.Contains(got, "Sección 2 de 2") || !strings.Contains(got, "la prueba se entrega") {
		t.Fatalf("last section: %q", got)
	}
	if n, _ := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll("[data-testid=question]").length`)); n != 1 {
		t.Fatalf("%d questions on the last section's page", n)
	}
	fits("last section")
	do(t, b, chromedp.Click(css(`[data-testid="question"] label.choice`)))
	submitWith(`[data-testid="submit"]`)
	do(t, b, chromedp.WaitVisible(css(`[data-testid="completed"]`)))
	inv, _ := db.Invitation(ctx, res.Invitation.ID)
	if inv.Status != store.StatusCompleted || inv.Score == nil || *inv.Score != 2 || *inv.MaxScore != 3 {
		t.Fatalf("after the walk: %s, %v / %v", inv.Status, inv.Score, inv.MaxScore)
	}
}
