package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"testgate/store"
	"testgate/web/browsertest"
)

// phone is the 390×844 viewport of the candidate tests.
var phone = browsertest.Phone

// atsThanks is the integrator's page candidates are sent to afterwards.
func atsThanks(t *testing.T) string {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="en"><title>Thanks</title><h1 id="ats">Back at Acme careers</h1></html>`))
	}))
	t.Cleanup(ts.Close)
	return ts.URL + "/thanks?candidate=42"
}

func candidateSetup(t *testing.T, hide bool, redirect string) (string, *store.DB, string) {
	t.Helper()
	base, db := startHTTPServer(t)
	ctx := context.Background()
	tt, err := db.CreateTest(ctx, store.TestInput{Name: "Go backend", Kind: store.KindAssessment, DurationMinutes: 20,
		Instructions: "Work alone.\nYou have 20 minutes."}, []store.QuestionInput{
		{Text: "What does 2+2 make?", Kind: store.QuestionSingle, Options: []string{"3", "4", "5"}, Correct: []int{1}},
		{Text: "Which of these are prime?", Kind: store.QuestionMultiple, Options: []string{"2", "4", "5"}, Correct: []int{0, 2}},
		{Text: "Why do you like Go?", Kind: store.QuestionText},
	})
	if err != nil {
		t.Fatal(err)
	}
	link, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Remote", HideInstruction: hide, RedirectURL: redirect})
	res, err := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Priya Raman", Email: "priya@example.com", Source: store.SourceIMocha})
	if err != nil {
		t.Fatal(err)
	}
	return base, db, base + "/t/" + res.Invitation.Token
}

// takeTest answers the three questions on a phone and submits.
func takeTest(t *testing.T, ctx context.Context, db *store.DB, testURL string, a11y bool) {
	t.Helper()
	do(t, ctx, chromedp.WaitVisible(css(`[data-testid="question"]`)))
	if a11y {
		checkA11y(t, ctx, "attempt page")
	}
	screenshot(t, ctx, "11-attempt")
	do(t, ctx,
		chromedp.Click(css(`[data-testid="question"]:nth-of-type(1) label.choice:nth-of-type(2)`)),
		chromedp.Click(css(`[data-testid="question"]:nth-of-type(2) label.choice:nth-of-type(1)`)),
		chromedp.Click(css(`[data-testid="question"]:nth-of-type(2) label.choice:nth-of-type(3)`)),
		chromedp.SendKeys(css(`textarea`), "It compiles fast."),
	)
	// Autosave keeps the answers before any button is pressed.
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Run(pctx, chromedp.Poll[bool](`document.getElementById("save-status").textContent.includes("saved")`)); err != nil {
		t.Fatalf("autosave never confirmed: %v", err)
	}
	token := testURL[strings.LastIndex(testURL, "/")+1:]
	inv, _, _ := db.InvitationAndTestByToken(context.Background(), token)
	if saved, _ := db.Answers(context.Background(), inv.ID); len(saved) < 2 {
		t.Fatalf("autosave stored %d answers", len(saved))
	}
	do(t, ctx, chromedp.Click(css(`[data-testid="submit"]`)))
}

func TestBrowserCandidateOnPhoneLandsOnRedirect(t *testing.T) {
	t.Parallel()
	thanks := atsThanks(t)
	_, db, testURL := candidateSetup(t, false, thanks)
	ctx := startBrowser(t)
	do(t, ctx, phone, chromedp.Navigate(testURL), chromedp.WaitVisible(css(`[data-testid="start"]`)))
	if got := text(t, ctx, `[data-testid="instructions"]`); !strings.Contains(got, "Work alone.") {
		t.Fatalf("instructions %q", got)
	}
	checkA11y(t, ctx, "instructions page")
	screenshot(t, ctx, "10-instructions")
	do(t, ctx, chromedp.Click(css(`[data-testid="start"]`)))
	takeTest(t, ctx, db, testURL, true)
	do(t, ctx, chromedp.WaitVisible(css("#ats")))
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); loc != thanks {
		t.Fatalf("landed on %s, want %s", loc, thanks)
	}
	inv, _, _ := db.Invitations(context.Background(), store.InvitationFilter{})
	if inv[0].Status != store.StatusCompleted || *inv[0].Score != 2 {
		t.Fatalf("stored %s score %v", inv[0].Status, inv[0].Score)
	}
	// Back to the test URL: the completion page, no way in.
	do(t, ctx, chromedp.Navigate(testURL), chromedp.WaitVisible(css(`[data-testid="completed"]`)))
	checkA11y(t, ctx, "completion page")
}

func TestBrowserCandidateWithHiddenInstructions(t *testing.T) {
	t.Parallel()
	_, db, testURL := candidateSetup(t, true, "")
	ctx := startBrowser(t)
	do(t, ctx, phone, chromedp.Navigate(testURL), chromedp.WaitVisible(css(`[data-testid="start"]`)))
	body, _ := chromedp.Run(ctx, chromedp.Text(css("main")))
	if strings.Contains(body, "Work alone.") {
		t.Fatal("instructions shown though hidden")
	}
	// Even without instructions, the start step says the time and the number of questions.
	if got := text(t, ctx, `[data-testid="test-facts"]`); !strings.Contains(got, "20 minutes") || !strings.Contains(got, "3") {
		t.Fatalf("start step facts %q", got)
	}
	checkA11y(t, ctx, "start step")
	do(t, ctx, chromedp.Click(css(`[data-testid="start"]`)))
	takeTest(t, ctx, db, testURL, false)
	do(t, ctx, chromedp.WaitVisible(css(`[data-testid="completed"]`)))
	screenshot(t, ctx, "12-done")
	if got := text(t, ctx, "h1"); got != "Thank you, Priya Raman" {
		t.Fatalf("completion heading %q", got)
	}
}

func TestBrowserConsoleAccessibility(t *testing.T) {
	t.Parallel()
	base, db := startHTTPServer(t)
	ctx := context.Background()
	db.CreateFirstAdmin(ctx, store.NewUser{Email: "admin@example.com", Password: "admin password"})
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go backend", Kind: store.KindAssessment, DurationMinutes: 30}, []store.QuestionInput{
		{Text: "2+2?", Kind: store.QuestionSingle, Options: []string{"3", "4"}, Correct: []int{1}},
	})
	link, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Campus", Public: true, Slug: "campus"})
	res, _ := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Ann", Email: "ann@example.com", Source: store.SourceNative})
	placeholder, _ := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, LinkID: link.ID, GeneratePlaceholders: true, Source: store.SourceIMocha})
	// Candidate pages are checked with the organisation's logo and contact on them.
	if _, err := db.SetBranding(ctx, store.Branding{Organisation: "Acme", ContactEmail: "talent@acme.test",
		Logo: testLogo(t, 120, 40), LogoType: "image/png"}, false); err != nil {
		t.Fatal(err)
	}
	b := startBrowser(t)

	do(t, b, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(css("#f-email")))
	checkA11y(t, b, "sign-in page")
	do(t, b,
		chromedp.SendKeys(css("#f-email"), "admin@example.com"),
		chromedp.SendKeys(css("#f-password"), "admin password"),
		chromedp.Click(css(`form[action="/login"] button`)),
		chromedp.WaitVisible(css(`[data-testid="current-user"]`)),
	)
	for _, page := range []string{"/", "/tests", "/tests/new", "/tests/" + idStr(tt.ID), "/links/" + idStr(link.ID),
		"/links/" + idStr(link.ID) + "/edit", "/invitations", "/invitations/" + idStr(res.Invitation.ID),
		"/settings/users", "/settings/api-keys", "/outbox", "/links/" + idStr(link.ID) + "/emails",
		"/deliveries", "/settings/webhooks", "/settings/branding", "/settings/privacy", "/settings/audit", "/settings/teams",
		"/settings/integrations", "/settings/integrations/greenhouse", "/settings/integrations/ashby"} {
		do(t, b, chromedp.Navigate(base+page), chromedp.WaitVisible(css("main")))
		checkA11y(t, b, page)
	}
	for _, page := range []string{"/l/campus", "/t/" + placeholder.Invitation.Token, "/t/unknown-token"} {
		do(t, b, chromedp.Navigate(base+page), chromedp.WaitVisible(css("main")))
		checkA11y(t, b, page)
	}
}

// The countdown warns at 5 minutes (aloud, for screen readers too), shows
// the deadline itself, and when it ends lands on a page that says time ran
// out and how much was submitted. The server's clock is set back so that
// the deadlines fall a few seconds ahead of the browser's.
func TestBrowserCountdownWarnsAndTimesOut(t *testing.T) {
	t.Parallel()
	base, db := startHTTPServer(t)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Timed", Kind: store.KindAssessment, DurationMinutes: 6}, []store.QuestionInput{
		{Text: "2+2?", Kind: store.QuestionSingle, Options: []string{"3", "4"}, Correct: []int{1}},
		{Text: "3+3?", Kind: store.QuestionSingle, Options: []string{"6", "7"}, Correct: []int{0}},
	})
	link, _ := db.DefaultLink(ctx, tt.ID)
	invite := func(email string) string {
		res, err := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Kai", Email: email, Source: store.SourceNative})
		if err != nil {
			t.Fatal(err)
		}
		return base + "/t/" + res.Invitation.Token
	}
	b := startBrowser(t)

	// 5 minutes and 3 seconds left at the start: the warning comes within seconds.
	db.SetClock(func() time.Time { return time.Now().Add(-57 * time.Second) })
	do(t, b, phone, chromedp.Navigate(invite("kai@example.com")), chromedp.WaitVisible(css(`[data-testid="start"]`)),
		chromedp.Click(css(`[data-testid="start"]`)), chromedp.WaitVisible(css(`[data-testid="question"]`)))
	if got := text(t, b, `[data-testid="deadline"]`); !strings.HasPrefix(got, "ends at ") {
		t.Fatalf("deadline shown as %q", got)
	}
	wctx, cancel := context.WithTimeout(b, 15*time.Second)
	defer cancel()
	if _, err := chromedp.Run(wctx, chromedp.Poll[bool](`document.querySelector("[data-testid=timer-alert]").textContent === "5 minutes left."`)); err != nil {
		t.Fatalf("no 5-minute warning: %v", err)
	}
	if role, _ := chromedp.Run(b, chromedp.Evaluate[string](`document.querySelector("[data-testid=timer-alert]").getAttribute("aria-live")`)); role != "assertive" {
		t.Fatalf("the warning is not announced: aria-live %q", role)
	}

	// 4 seconds left: answer one question and let the time run out.
	db.SetClock(func() time.Time { return time.Now().Add(-6*time.Minute + 4*time.Second) })
	do(t, b, chromedp.Navigate(invite("kai2@example.com")), chromedp.WaitVisible(css(`[data-testid="start"]`)),
		chromedp.Click(css(`[data-testid="start"]`)), chromedp.WaitVisible(css(`[data-testid="question"]`)),
		chromedp.Click(css(`[data-testid="question"]:nth-of-type(1) label.choice:nth-of-type(2)`)))
	tctx, cancel2 := context.WithTimeout(b, 15*time.Second)
	defer cancel2()
	if err := chromedp.Do(tctx, chromedp.WaitVisible(css(`[data-testid="timed-out"]`))); err != nil {
		t.Fatalf("the countdown did not end on the time-ran-out page: %v", err)
	}
	if got := text(t, b, `[data-testid="timed-out"]`); !strings.Contains(got, "1 of 2 questions") {
		t.Fatalf("time-ran-out page says %q", got)
	}
	checkA11y(t, b, "time ran out")
}

// A recruiter previews a test in the browser as a candidate takes it, and
// the preview counts nowhere.
func TestBrowserPreviewAsCandidate(t *testing.T) {
	t.Parallel()
	base, db := startHTTPServer(t)
	ctx := context.Background()
	db.CreateFirstAdmin(ctx, store.NewUser{Email: "admin@example.com", Password: "admin password"})
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go backend", Kind: store.KindAssessment, DurationMinutes: 20}, []store.QuestionInput{
		{Text: "2+2?", Kind: store.QuestionSingle, Options: []string{"3", "4"}, Correct: []int{1}},
		{Text: "3+3?", Kind: store.QuestionSingle, Options: []string{"6", "7"}, Correct: []int{0}},
	})
	b := startBrowser(t)
	do(t, b,
		chromedp.Navigate(base+"/tests/"+idStr(tt.ID)),
		chromedp.WaitVisible(css("#f-email")),
		chromedp.SendKeys(css("#f-email"), "admin@example.com"),
		chromedp.SendKeys(css("#f-password"), "admin password"),
		chromedp.Click(css(`form[action="/login"] button`)),
		chromedp.WaitVisible(css(`[data-testid="preview-test"]`)),
		chromedp.Click(css(`[data-testid="preview-test"]`)),
		chromedp.WaitVisible(css(`[data-testid="preview-banner"]`)),
		chromedp.Click(css(`[data-testid="start"]`)),
		chromedp.WaitVisible(css(`[data-testid="question"]`)),
		chromedp.Click(css(`[data-testid="question"]:nth-of-type(1) label.choice:nth-of-type(2)`)),
		chromedp.WaitVisible(css(`#save-status`)),
		chromedp.Click(css(`[data-testid="submit"]`)),
		chromedp.WaitVisible(css(`[data-testid="submit-anyway"]`)),
	)
	if got := text(t, b, `[data-testid="unanswered"]`); !strings.Contains(got, "1 question is unanswered") {
		t.Fatalf("unanswered check: %q", got)
	}
	do(t, b, chromedp.Click(css(`[data-testid="submit-anyway"]`)), chromedp.WaitVisible(css(`[data-testid="preview-score"]`)))
	if got := text(t, b, `[data-testid="preview-score"]`); !strings.Contains(got, "1 / 2 (50 %)") {
		t.Fatalf("preview score: %q", got)
	}
	checkA11y(t, b, "preview result")
	if n := countRows(t, db, `SELECT (SELECT COUNT(*) FROM invitations) + (SELECT COUNT(*) FROM answers)`); n != 0 {
		t.Fatalf("the preview wrote %d rows", n)
	}
}
