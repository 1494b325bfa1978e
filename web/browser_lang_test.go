package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"testgate/store"
)

// Candidates take the test in Russian, Serbian and German, each switching
// language in the middle of the test: the answers stay, every page is in
// the language of the moment, and axe-core passes on each.
func TestBrowserCandidateLanguages(t *testing.T) {
	t.Parallel()
	base, db := startHTTPServer(t)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go backend", Kind: store.KindAssessment, DurationMinutes: 30}, []store.QuestionInput{
		{Text: "2+2?", Kind: store.QuestionSingle, Options: []string{"3", "4"}, Correct: []int{1}},
		{Text: "Why Go?", Kind: store.QuestionText},
		{Text: "3+3?", Kind: store.QuestionSingle, Options: []string{"6", "7"}, Correct: []int{0}},
	})
	b := startBrowser(t)
	for _, tc := range []struct {
		lang, start, switchTo, notice, submitAnyway, thanks string
	}{
		{"ru", "Начать тест", "sr", "Ваши одговори су сачувани. Тест је сада на српском.", "Ипак предај", "Хвала, Ана"},
		{"sr", "Започни тест", "de", "Ihre Antworten sind gespeichert. Der Test ist jetzt auf Deutsch.", "Trotzdem abgeben", "Vielen Dank, Ана"},
		{"de", "Test starten", "ru", "Ваши ответы сохранены. Теперь тест на русском языке.", "Всё равно отправить", "Спасибо, Ана"},
	} {
		res, err := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, Name: "Ана", Email: tc.lang + "@example.com", Lang: tc.lang, Source: store.SourceNative})
		if err != nil {
			t.Fatal(err)
		}
		do(t, b, chromedp.Navigate(base+"/t/"+res.Invitation.Token), chromedp.WaitVisible(css(`[data-testid="start"]`)))
		if got := text(t, b, `[data-testid="start"]`); got != tc.start {
			t.Fatalf("%s: start button %q", tc.lang, got)
		}
		checkA11y(t, b, tc.lang+" intro")
		do(t, b,
			chromedp.Click(css(`[data-testid="start"]`)),
			chromedp.WaitVisible(css(`[data-testid="question"]`)),
			chromedp.Click(css(`[data-testid="question"]:nth-of-type(1) label.choice:nth-of-type(2)`)),
			chromedp.SendKeys(css(`[data-testid="question"]:nth-of-type(2) textarea`), "Простота"),
		)
		if lang, _ := chromedp.Run(b, chromedp.Evaluate[string](`document.documentElement.lang`)); lang != tc.lang {
			t.Fatalf("%s: attempt page lang %q", tc.lang, lang)
		}
		checkA11y(t, b, tc.lang+" attempt")

		// Switch language in the middle: the page comes back in it, answers kept.
		do(t, b,
			chromedp.SetValue(css(`#f-lang`), tc.switchTo),
			chromedp.Click(css(`[data-testid="lang-change"]`)),
			chromedp.WaitVisible(css(`[data-testid="attempt-notice"]`)),
		)
		if got := text(t, b, `[data-testid="attempt-notice"]`); got != tc.notice {
			t.Fatalf("%s → %s: notice %q", tc.lang, tc.switchTo, got)
		}
		kept, _ := chromedp.Run(b, chromedp.Evaluate[bool](`document.querySelectorAll("[data-testid=question] input[type=radio]")[1].checked &&
			document.querySelector("[data-testid=question]:nth-of-type(2) textarea").value === "Простота"`))
		if !kept {
			t.Fatalf("%s → %s: answers lost", tc.lang, tc.switchTo)
		}
		checkA11y(t, b, tc.switchTo+" attempt after switching")

		do(t, b,
			chromedp.Click(css(`[data-testid="submit"]`)),
			chromedp.WaitVisible(css(`[data-testid="submit-anyway"]`)),
		)
		if got := text(t, b, `[data-testid="submit-anyway"]`); got != tc.submitAnyway {
			t.Fatalf("%s: submit anyway %q", tc.switchTo, got)
		}
		do(t, b, chromedp.Click(css(`[data-testid="submit-anyway"]`)), chromedp.WaitVisible(css(`[data-testid="completed"]`)))
		if got := text(t, b, `[data-testid="completed"] h1`); got != tc.thanks {
			t.Fatalf("%s: completion %q", tc.switchTo, got)
		}
		checkA11y(t, b, tc.switchTo+" completion")
		inv, _ := db.Invitation(ctx, res.Invitation.ID)
		answers, _ := db.Answers(ctx, inv.ID)
		if inv.Status != store.StatusCompleted || inv.ChosenLang != tc.switchTo || len(answers) < 2 || !strings.Contains(answersText(answers), "Простота") {
			t.Fatalf("%s: stored %s, chosen %q, %d answers", tc.lang, inv.Status, inv.ChosenLang, len(answers))
		}
	}
}

func answersText(answers map[int64]store.Answer) string {
	var b strings.Builder
	for _, a := range answers {
		b.WriteString(a.Text)
	}
	return b.String()
}
