package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"testgate/store"
)

// A candidate takes a test of every new kind on a phone, in Russian: each
// kind's inputs are in the page's language, axe finds nothing, nothing is
// wider than the screen, the essay's word count follows the typing with
// Russian plural forms, and the answers score as marked.
func TestBrowserEveryNewKindOnAPhoneInRussian(t *testing.T) {
	t.Parallel()
	base, db := startHTTPServer(t)
	ctx := context.Background()
	answer := 9.81
	tt, err := db.CreateTest(ctx, store.TestInput{Name: "Виды вопросов", Kind: store.KindAssessment, DurationMinutes: 30}, []store.QuestionInput{
		{Text: "В Go есть дженерики.", Kind: store.QuestionTrueFalse, Correct: []int{0}},
		{Text: "Ускорение свободного падения?", Kind: store.QuestionNumeric, Spec: store.QuestionSpec{Answer: &answer, Tolerance: 0.05, Unit: "м/с²"}},
		{Text: "По размеру", Kind: store.QuestionOrdering, Options: []string{"байт", "килобайт", "мегабайт"}, Points: 3, Spec: store.QuestionSpec{Partial: true}},
		{Text: "Столицы", Kind: store.QuestionMatching, Options: []string{"Франция", "Япония"}, Points: 2,
			Spec: store.QuestionSpec{Matches: []string{"Париж", "Токио", "Кито"}, Partial: true}},
		{Text: "Go создан в ___ в ___ году.", Kind: store.QuestionBlanks, Points: 2, Spec: store.QuestionSpec{Blanks: [][]string{{"Google"}, {"2009"}}}},
		{Text: "Зачем тесты?", Kind: store.QuestionEssay, Spec: store.QuestionSpec{MinWords: 2, MaxWords: 50}},
		{Text: "Переверните строку", Kind: store.QuestionCode, Spec: store.QuestionSpec{Language: "Go"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	res, _ := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, Name: "Ана", Email: "ana@example.com", Lang: "ru", Source: store.SourceNative})
	b := startBrowser(t)
	do(t, b, phone, chromedp.Navigate(base+"/t/"+res.Invitation.Token), chromedp.WaitVisible(css(`[data-testid="start"]`)),
		chromedp.Click(css(`[data-testid="start"]`)), chromedp.WaitVisible(css(`[data-testid="question"]`)))
	checkA11y(t, b, "every kind")
	if width, err := chromedp.Run(b, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil || width > 390 {
		t.Errorf("the attempt is %d px wide on a 390 px phone, %v", width, err)
	}
	said, _ := chromedp.Run(b, chromedp.Evaluate[string](`[...document.querySelectorAll("[data-testid=question]")].map((q) => q.innerText).join("\n")`))
	for _, want := range []string{"Верно", "Неверно", "Введите число в м/с².", "Расставьте элементы по порядку", "Выберите место",
		"Выберите соответствие", "Пропуск 2", "Напишите от 2 до 50 слов.", "0 слов", "Напишите код на Go."} {
		if !strings.Contains(said, want) {
			t.Errorf("the page does not say %q:\n%s", want, said)
		}
	}
	// Answer as a person does: tap, pick from menus, type.
	qs, _ := db.AttemptQuestions(ctx, res.Invitation)
	sel := func(i int) string { return `[data-question="` + idStr(qs[i].ID) + `"]` }
	do(t, b,
		chromedp.Click(css(sel(0)+` label.choice:nth-of-type(1)`)),
		chromedp.SendKeys(css(sel(1)+` input`), "9,8"),
		chromedp.SetValue(css(`#q`+idStr(qs[2].ID)+`-0`), "0:1"),
		chromedp.SetValue(css(`#q`+idStr(qs[2].ID)+`-1`), "1:2"),
		chromedp.SetValue(css(`#q`+idStr(qs[2].ID)+`-2`), "2:3"),
		chromedp.SetValue(css(`#q`+idStr(qs[3].ID)+`-0`), "0:1"),
		chromedp.SetValue(css(`#q`+idStr(qs[3].ID)+`-1`), "1:3"),
		chromedp.SendKeys(css(`#q`+idStr(qs[4].ID)+`-0`), "google"),
		chromedp.SendKeys(css(`#q`+idStr(qs[4].ID)+`-1`), "2009"),
		chromedp.SendKeys(css(sel(5)+` textarea`), "Тесты ловят ошибки рано"),
		chromedp.SendKeys(css(sel(6)+` textarea`), "func rev(s string) string { return s }"),
	)
	if got := text(t, b, `#q`+idStr(qs[5].ID)+`-words`); got != "4 слова" {
		t.Errorf("word count after typing %q, want 4 слова", got)
	}
	checkA11y(t, b, "every kind answered")
	if _, err := chromedp.Run(b, chromedp.Evaluate[bool](`(() => {
		const button = document.querySelector("[data-testid=submit]");
		button.form.requestSubmit(button);
		return true;
	})()`)); err != nil {
		t.Fatal(err)
	}
	do(t, b, chromedp.WaitVisible(css(`[data-testid="completed"]`)))
	inv, _ := db.Invitation(ctx, res.Invitation.ID)
	// true 1 + number 1 + order 3 + matching 1 of 2 + blanks 2 = 8 of 1+1+3+2+2+1+1.
	if inv.Score == nil || *inv.Score != 8 || *inv.MaxScore != 11 || inv.Review != store.ReviewAwaiting {
		t.Fatalf("score %v / %v (%s), want 8 / 11 awaiting review", inv.Score, inv.MaxScore, inv.Review)
	}
	answers, _ := db.Answers(ctx, inv.ID)
	if got := answers[qs[6].ID].Text; got != "func rev(s string) string { return s }" {
		t.Fatalf("code answer kept as %q", got)
	}
}

// The question form shows, with JavaScript, only the parts the chosen
// kind uses; what it shows stays accessible.
func TestBrowserQuestionFormFollowsTheKind(t *testing.T) {
	t.Parallel()
	base, db := startHTTPServer(t)
	ctx := context.Background()
	db.CreateFirstAdmin(ctx, store.NewUser{Email: "admin@example.com", Password: "admin password"})
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Kinds", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	b := startBrowser(t)
	do(t, b, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(css("#f-email")),
		chromedp.SendKeys(css("#f-email"), "admin@example.com"), chromedp.SendKeys(css("#f-password"), "admin password"),
		chromedp.Submit(css("#f-password")), chromedp.WaitVisible(css("nav")),
		chromedp.Navigate(base+"/tests/"+idStr(tt.ID)), chromedp.WaitVisible(css("#f-kind")))
	shown := func() string {
		t.Helper()
		legends, err := chromedp.Run(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#f-kind")[0].form.querySelectorAll("fieldset")]
			.filter((f) => f.offsetParent !== null).map((f) => f.querySelector("legend").firstChild.textContent.trim())`))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(legends, ", ")
	}
	// In order, ending on a written answer: the match inputs are checked
	// hidden after matching showed them.
	for _, c := range []struct{ kind, want string }{
		{"single", "Options, Marking"},
		{"truefalse", "Options, Marking"},
		{"numeric", "Number, Marking"},
		{"matching", "Options, Marking"},
		{"blanks", "Fill in the blanks, Marking"},
		{"essay", "Essay and code"},
		{"text", ""},
	} {
		do(t, b, chromedp.SetValue(css("#f-kind"), c.kind), chromedp.Evaluate[chromedp.Void](
			`document.querySelector("#f-kind").dispatchEvent(new Event("change", {bubbles: true}))`))
		if got := shown(); got != c.want {
			t.Errorf("%s shows %q, want %q", c.kind, got, c.want)
		}
	}
	matchVisible, _ := chromedp.Run(b, chromedp.Evaluate[bool](`document.querySelector("input[name=match0]").offsetParent !== null`))
	if matchVisible {
		t.Error("the match inputs show for a kind that is not matching")
	}
	checkA11y(t, b, "question form for a written answer")
}
