package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"testgate/store"
)

// leaveAndComeBack switches the page away and back as a tab switch does:
// headless Chromium has no second visible tab to switch to, so the page is
// told its visibility changed, the event a real switch fires.
const leaveAndComeBack = `(() => {
	const seen = (hidden) => {
		Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
		Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (hidden ? "hidden" : "visible") });
		document.dispatchEvent(new Event("visibilitychange"));
	};
	seen(true);
	seen(false);
	return true;
})()`

// A candidate on a proctored link in Chromium: told what is recorded, time
// per question and a paste reported, minutes a recruiter adds reach the
// running countdown, a tab switch warns, the second submits; the report
// shows it all.
func TestBrowserIntegrityExtraTimeAndTheReport(t *testing.T) {
	t.Parallel()
	base, db := startHTTPServer(t)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Proctored Go", Kind: store.KindAssessment, DurationMinutes: 30}, []store.QuestionInput{
		{Text: "2+2?", Kind: store.QuestionSingle, Options: []string{"3", "4"}, Correct: []int{1}},
		{Text: "Explain a goroutine leak.", Kind: store.QuestionText, Points: 3},
	})
	link, err := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Proctored", TabSwitchLimit: 2})
	if err != nil {
		t.Fatal(err)
	}
	res, _ := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Kai", Email: "kai@example.com", Source: store.SourceNative})
	id := res.Invitation.ID
	b := startBrowser(t)
	// The countdown looks at the server's clock every 15 seconds; in this
	// tab every half second, so the test waits for the look, not the clock.
	if _, err := chromedp.Call(b, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `{ const every = window.setInterval; window.setInterval = (f, ms, ...a) => every(f, ms === 15000 ? 500 : ms, ...a); }`,
	}); err != nil {
		t.Fatal(err)
	}

	do(t, b, phone, chromedp.Navigate(base+"/t/"+res.Invitation.Token), chromedp.WaitVisible(css(`[data-testid="start"]`)))
	if got := text(t, b, `[data-testid="integrity-notice"]`); !strings.Contains(got, "Leaving the test page 2 times submits your test.") {
		t.Fatalf("the candidate is not told: %q", got)
	}
	do(t, b, chromedp.Click(css(`[data-testid="start"]`)), chromedp.WaitVisible(css(`textarea`)))
	before := text(t, b, `[data-testid="time-left"]`)

	// The recruiter adds ten minutes; the countdown learns it at its next look.
	if _, err := db.AddTime(ctx, id, 10, "user:rita@example.com"); err != nil {
		t.Fatal(err)
	}

	// Time on the written question, and a paste into it.
	do(t, b, chromedp.Click(css(`textarea`)))
	time.Sleep(1500 * time.Millisecond)
	do(t, b, chromedp.SendKeys(css(`textarea`), "It blocks forever."))
	if _, err := chromedp.Run(b, chromedp.Evaluate[bool](`(() => {
		const dt = new DataTransfer();
		dt.setData("text", "copied from elsewhere");
		document.querySelector("textarea").dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true }));
		return true;
	})()`)); err != nil {
		t.Fatal(err)
	}
	wait := func(what, js string, within time.Duration) {
		t.Helper()
		wctx, cancel := context.WithTimeout(b, within)
		defer cancel()
		if _, err := chromedp.Run(wctx, chromedp.Poll[bool](js)); err != nil {
			screenshot(t, b, "integrity")
			t.Fatalf("%s: %v", what, err)
		}
	}
	wait("autosave", `document.getElementById("save-status").textContent.includes("saved")`, 10*time.Second)

	// The countdown shows the added minutes at its next look.
	wait("added minutes on the countdown", `document.querySelector("[data-testid=timer-alert]").textContent.startsWith("You were given more time")`, 10*time.Second)
	after := text(t, b, `[data-testid="time-left"]`)
	if !strings.HasPrefix(after, "39:") || !strings.HasPrefix(before, "29:") && before != "30:00" {
		t.Fatalf("countdown %q before, %q after ten minutes were added", before, after)
	}

	// The first switch warns, the second submits.
	if _, err := chromedp.Run(b, chromedp.Evaluate[bool](leaveAndComeBack)); err != nil {
		t.Fatal(err)
	}
	wait("the warning", `document.querySelector("[data-testid=integrity-alert]").textContent.includes("(1/2)")`, 10*time.Second)
	if inv, _ := db.Invitation(ctx, id); inv.Status != store.StatusStarted {
		t.Fatalf("submitted after one switch: %s", inv.Status)
	}
	if _, err := chromedp.Run(b, chromedp.Evaluate[bool](leaveAndComeBack)); err != nil {
		t.Fatal(err)
	}
	do(t, b, chromedp.WaitVisible(css(`[data-testid="limit-reached"]`)))
	inv, _ := db.Invitation(ctx, id)
	answers, _ := db.Answers(ctx, id)
	qs, _ := db.AttemptQuestions(ctx, inv)
	if inv.Status != store.StatusCompleted || answers[qs[1].ID].Text != "It blocks forever." || answers[qs[1].ID].SecondsSpent < 1 {
		t.Fatalf("after the limit: %s, answer %q, %d s on it", inv.Status, answers[qs[1].ID].Text, answers[qs[1].ID].SecondsSpent)
	}

	// The recruiter's report shows the switches, the paste and the added time.
	do(t, b, chromedp.Navigate(base+"/setup"), chromedp.WaitVisible(css("#f-email")),
		chromedp.SendKeys(css("#f-email"), "admin@example.com"), chromedp.SendKeys(css("#f-password"), "admin password"),
		chromedp.Click(css(`form[action="/setup"] button`)), chromedp.WaitVisible(css("nav")),
		chromedp.Navigate(base+reportPath(id)), chromedp.WaitVisible(css(`[data-testid="signals"]`)))
	counts, signals := text(t, b, `[data-testid="integrity-counts"]`), text(t, b, `[data-testid="signals"]`)
	for _, want := range []string{"2 times left the test page", "1 paste into answers"} {
		if !strings.Contains(counts, want) {
			t.Errorf("counts %q lack %q", counts, want)
		}
	}
	for _, want := range []string{"Left the test page", "tab hidden", "Pasted into an answer", "question 2, 21 characters", "127.0.0.1", "Started"} {
		if !strings.Contains(signals, want) {
			t.Errorf("signals %q lack %q", signals, want)
		}
	}
	if tl := text(t, b, `[data-testid="timeline"]`); !strings.Contains(tl, "Time added") || !strings.Contains(tl, "tab switch limit reached") {
		t.Errorf("timeline %q", tl)
	}
	screenshot(t, b, "attempt-report")
	checkA11y(t, b, "attempt report")

	// The test's question statistics on the phone: the charts drawn, no
	// text under 12 px, nothing wider than the screen, axe clean.
	do(t, b, chromedp.Navigate(base+"/tests/"+idStr(tt.ID)+"/statistics"), chromedp.WaitVisible(css(`[data-testid="histogram-chart"]`)))
	small, err := chromedp.Run(b, chromedp.Evaluate[string](tinyText))
	if err != nil || small != "" {
		t.Errorf("statistics text under 12 px: %q %v", small, err)
	}
	width, err := chromedp.Run(b, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || width > 390 {
		t.Errorf("statistics %d px wide on a phone, %v", width, err)
	}
	if bars, _ := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="facility-chart"] rect').length`)); bars != 2 {
		t.Errorf("%d facility bars for 2 questions", bars)
	}
	screenshot(t, b, "question-statistics")
	checkA11y(t, b, "question statistics")
}
