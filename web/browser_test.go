package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"testgate/mail"
	"testgate/store"
	"testgate/web/browsertest"
)

// startBrowser opens a tab for the test in the shared headless Chromium
// (browsertest.Tab), closed when the test ends.
func startBrowser(t *testing.T) context.Context { return browsertest.Tab(t) }

// stopSharedBrowser ends the package's Chromium, if a test started it.
func stopSharedBrowser() { browsertest.Stop() }

// startHTTPServer serves a fresh Testgate over real HTTP on loopback, its
// import worker running.
func startHTTPServer(t *testing.T) (string, *store.DB) {
	t.Helper()
	base, db, srv := serveHTTP(t)
	startImportWorker(t, srv)
	return base, db
}

func startImportWorker(t *testing.T, srv *Server) {
	runWorker(t, srv.db, store.WorkImports, store.NewImportJob(srv.db, srv.log), store.ImportSchedule)
}

// serveHTTP serves a fresh Testgate over real HTTP on loopback, no workers.
// Every whole page it serves is checked by the Nu Html Checker when the
// test ends.
func serveHTTP(t *testing.T) (string, *store.DB, *Server) {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	srv, db := newTestServerAt(t, base)
	pages := &servedPages{next: srv, pages: map[string][]byte{}}
	ts.Config.Handler = pages
	ts.Start()
	t.Cleanup(func() {
		ts.Close()
		pages.check(t)
	})
	return base, db, srv
}

// screenshot keeps a picture of the page when TESTGATE_SCREENSHOTS names a
// directory, for a person to look at.
func screenshot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("TESTGATE_SCREENSHOTS")
	if dir == "" {
		return
	}
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644)
}

// css selects by CSS selector.
type css = chromedp.CSS

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, steps...); err != nil {
		screenshot(t, ctx, "failure")
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("at %s: %v", loc, err)
	}
}

// TestBrowserSetupToCopiedLink walks the first-run path a new admin takes:
// setup, sign out and in, a test with questions, a link, and its URL copied.
func TestBrowserSetupToCopiedLink(t *testing.T) {
	t.Parallel()
	base, db := startHTTPServer(t)
	ctx := startBrowser(t)

	do(t, ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(css("#f-email")))
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); loc != base+"/setup" {
		t.Fatalf("fresh install opened %s", loc)
	}
	do(t, ctx,
		chromedp.SendKeys(css("#f-name"), "Ada Admin"),
		chromedp.SendKeys(css("#f-email"), "ada@example.com"),
		chromedp.SendKeys(css("#f-password"), "a long password"),
		chromedp.Click(css(`button[type="submit"]`)),
		chromedp.WaitVisible(css(`[data-testid="empty-dashboard"]`)),
	)
	screenshot(t, ctx, "01-dashboard")

	// Sign out, then sign in again.
	do(t, ctx,
		chromedp.Click(css(".signout button")),
		chromedp.WaitVisible(css(`form[action="/login"]`)),
		chromedp.SendKeys(css("#f-email"), "ada@example.com"),
		chromedp.SendKeys(css("#f-password"), "a long password"),
		chromedp.Click(css(`form[action="/login"] button`)),
		chromedp.WaitVisible(css(`[data-testid="current-user"]`)),
	)
	if got := text(t, ctx, `[data-testid="current-user"]`); got != "ada@example.com" {
		t.Fatalf("signed in as %q", got)
	}

	// A test.
	do(t, ctx,
		chromedp.Navigate(base+"/tests/new"),
		chromedp.WaitVisible(css("#f-name")),
		chromedp.SendKeys(css("#f-name"), "Go backend"),
		chromedp.SendKeys(css("#f-instructions"), "Answer every question."),
		chromedp.SetValue(css("#f-durationMinutes"), "40"),
		chromedp.Click(css(`form[action="/tests"] button[type="submit"]`)),
		chromedp.WaitVisible(css(`[data-testid="test-name"]`)),
	)
	if got := text(t, ctx, `[data-testid="test-name"]`); got != "Go backend" {
		t.Fatalf("test page shows %q", got)
	}

	// Two questions through the htmx form; a mistake is shown inline first.
	do(t, ctx,
		chromedp.SendKeys(css(`#questions #f-text`), "What does 2+2 make?"),
		chromedp.SendKeys(css(`#questions input[name="option0"]`), "3"),
		chromedp.SendKeys(css(`#questions input[name="option1"]`), "4"),
		chromedp.Click(css(`#questions .question-form button[type="submit"]`)),
		chromedp.WaitVisible(css(`#questions [data-testid="error-correct"]`)),
	)
	if got := text(t, ctx, `#questions [data-testid="error-correct"]`); !strings.Contains(got, "at least one option") {
		t.Fatalf("inline error %q", got)
	}
	do(t, ctx,
		chromedp.Click(css(`#f-correct-1`)),
		chromedp.Click(css(`#questions .question-form button[type="submit"]`)),
		chromedp.WaitVisible(css(`#questions [data-testid="questions"] > li`)),
		chromedp.SendKeys(css(`#questions #f-text`), "Why Go?"),
		chromedp.SetValue(css(`#questions #f-kind`), "text"),
		// A short-text question has no options to fill in, so none are shown.
		chromedp.WaitNotVisible(css(`#questions .options-fieldset`)),
		chromedp.Click(css(`#questions .question-form button[type="submit"]`)),
		chromedp.WaitVisible(css(`#questions [data-testid="questions"] > li:nth-child(2)`)),
	)
	screenshot(t, ctx, "02-test")
	tests, _ := db.Tests(context.Background(), store.TestFilter{})
	if len(tests) != 1 || tests[0].QuestionCount != 2 {
		t.Fatalf("stored tests %+v", tests)
	}

	// A public link, then its URL copied with one click.
	do(t, ctx,
		chromedp.Click(css(`[data-testid="new-link"]`)),
		chromedp.WaitVisible(css("#f-name")),
		chromedp.SendKeys(css("#f-name"), "Campus 2027"),
		chromedp.SendKeys(css("#f-slug"), "campus-2027"),
		chromedp.Click(css("#f-public")),
		chromedp.Click(css(`main form button[type="submit"]`)),
		chromedp.WaitVisible(css(`[data-testid="link-name"]`)),
	)
	url, err := chromedp.Run(ctx, chromedp.Value(css("#link-url")))
	if err != nil || url != base+"/l/campus-2027" {
		t.Fatalf("link URL %q %v", url, err)
	}
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.CallBrowser(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
			Permission: &cdpbrowser.PermissionDescriptor{Name: "clipboard-read"}, Setting: cdpbrowser.PermissionSettingGranted, Origin: base,
			BrowserContextID: chromedp.FromContext(ctx).BrowserContextID, // the test's own
		})
		return err
	})); err != nil {
		t.Fatalf("grant clipboard: %v", err)
	}
	do(t, ctx, chromedp.Click(css(`[data-testid="copy-button"]`)))
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Run(pctx, chromedp.Poll[bool](`document.querySelector('[data-testid="copy-button"]').textContent === "Copied"`)); err != nil {
		t.Fatalf("copy button never said Copied: %v", err)
	}
	copied, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
	if err != nil || copied != url {
		t.Fatalf("clipboard holds %q (%v), want %q", copied, err, url)
	}
	screenshot(t, ctx, "03-link")
}

// TestBrowserInviteFindCancel: a recruiter invites a candidate from a link
// page, finds them by searching the list, opens the detail and cancels.
func TestBrowserInviteFindCancel(t *testing.T) {
	t.Parallel()
	base, db := startHTTPServer(t)
	ctx := context.Background()
	if _, err := db.CreateFirstAdmin(ctx, store.NewUser{Email: "admin@example.com", Password: "admin password"}); err != nil {
		t.Fatal(err)
	}
	db.CreateUser(ctx, store.NewUser{Email: "rec@example.com", Password: "recruiter password", Role: store.RoleRecruiter})
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go backend", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	link, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Campus 2027"})
	for i := range 12 {
		db.Invite(ctx, store.NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: fmt.Sprintf("Other %d", i), Email: fmt.Sprintf("o%d@example.com", i), Source: store.SourceNative})
	}
	b := startBrowser(t)

	do(t, b,
		chromedp.Navigate(base+"/links/"+idStr(link.ID)),
		chromedp.WaitVisible(css(`form[action="/login"]`)),
		chromedp.SendKeys(css("#f-email"), "rec@example.com"),
		chromedp.SendKeys(css("#f-password"), "recruiter password"),
		chromedp.Click(css(`form[action="/login"] button`)),
		chromedp.WaitVisible(css(`[data-testid="link-name"]`)),
	)
	// Invite through the htmx form; the result replaces the panel in place.
	do(t, b,
		chromedp.SendKeys(css("#invite-panel #f-name"), "Priya Raman"),
		chromedp.SendKeys(css("#invite-panel #f-email"), "priya@example.com"),
		chromedp.Click(css(`[data-testid="invite-submit"]`)),
		chromedp.WaitVisible(css(`[data-testid="invite-result"]`)),
	)
	if got := text(t, b, `[data-testid="invite-result"]`); !strings.Contains(got, "Invited Priya Raman (priya@example.com)") {
		t.Fatalf("result %q", got)
	}
	testURL, _ := chromedp.Run(b, chromedp.Value(css("#invite-url")))
	if !strings.HasPrefix(testURL, base+"/t/") {
		t.Fatalf("test URL %q", testURL)
	}
	screenshot(t, b, "04-invited")

	// Find them by search in the list (htmx swaps the table as you type).
	do(t, b,
		chromedp.Navigate(base+"/invitations"),
		chromedp.WaitVisible(css(`[data-testid="invitation-search"]`)),
		chromedp.SendKeys(css(`[data-testid="invitation-search"]`), "priya"),
	)
	pctx, cancel := context.WithTimeout(b, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Run(pctx, chromedp.Poll[bool](`document.querySelectorAll('[data-testid="invitations"] tbody tr').length === 1`)); err != nil {
		t.Fatalf("search never narrowed the list: %v", err)
	}
	if loc, _ := chromedp.Run(b, chromedp.Location()); loc != base+"/invitations?q=priya" {
		t.Fatalf("the URL does not keep the search: %s", loc)
	}
	screenshot(t, b, "05-search")
	do(t, b,
		chromedp.Click(css(`[data-testid="invitation-link"]`)),
		chromedp.WaitVisible(css(`[data-testid="invitation-name"]`)),
	)
	if got := text(t, b, `[data-testid="invitation-email"]`); got != "priya@example.com" {
		t.Fatalf("detail email %q", got)
	}
	if got, _ := chromedp.Run(b, chromedp.Value(css("#invitation-url"))); got != testURL {
		t.Fatalf("detail URL %q", got)
	}
	do(t, b,
		chromedp.Click(css(`[data-testid="cancel-invitation"]`)),
		chromedp.WaitVisible(css(`[data-testid="confirmation"]`)),
	)
	if got := text(t, b, `[data-testid="confirm-touches"]`); got != "This touches 1 candidate." {
		t.Fatalf("confirmation says %q", got)
	}
	screenshot(t, b, "06-confirm-cancel")
	do(t, b,
		chromedp.Click(css(`[data-testid="confirm"]`)),
		chromedp.WaitVisible(css(`[data-testid="flash"]`)),
	)
	if got := text(t, b, `[data-testid="status"]`); got != "Cancelled" {
		t.Fatalf("status after cancel %q", got)
	}
	if !strings.Contains(text(t, b, `[data-testid="timeline"]`), "Cancelled") {
		t.Fatal("timeline lacks the cancellation")
	}
	screenshot(t, b, "07-cancelled")
	invs, _, _ := db.Invitations(ctx, store.InvitationFilter{Query: "priya"})
	if len(invs) != 1 || invs[0].Status != store.StatusCancelled {
		t.Fatalf("stored %+v", invs)
	}
}

// TestBrowserDevMailboxToCandidate: a recruiter invites with email, finds
// the message in the dev mailbox and follows its link to the candidate page.
func TestBrowserDevMailboxToCandidate(t *testing.T) {
	t.Parallel()
	base, db := startHTTPServer(t)
	ctx := context.Background()
	db.CreateFirstAdmin(ctx, store.NewUser{Email: "admin@example.com", Password: "admin password"})
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go backend", Kind: store.KindAssessment, DurationMinutes: 30,
		Instructions: "Work alone."}, []store.QuestionInput{{Text: "Why Go?", Kind: store.QuestionText}})
	link, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Campus", SendEmail: true})
	worker := &mail.Worker{DB: db, NewSender: func() (mail.Sender, error) { return mail.DevMailbox{}, nil }, Poll: 20 * time.Millisecond,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	runWorker(t, db, store.WorkMail, worker, worker.Schedule())

	b := startBrowser(t)
	do(t, b,
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(css("#f-email"), "admin@example.com"),
		chromedp.SendKeys(css("#f-password"), "admin password"),
		chromedp.Click(css(`form[action="/login"] button`)),
		chromedp.WaitVisible(css(`[data-testid="current-user"]`)),
		chromedp.Navigate(base+"/links/"+idStr(link.ID)),
		chromedp.SendKeys(css("#invite-panel #f-name"), "Mina Park"),
		chromedp.SendKeys(css("#invite-panel #f-email"), "mina@example.com"),
		chromedp.Click(css(`[data-testid="invite-submit"]`)),
		chromedp.WaitVisible(css(`[data-testid="invite-result"]`)),
	)
	// The worker delivers to the dev mailbox within moments.
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if msgs, _ := db.Outbox(ctx, store.OutboxFilter{DevMailbox: true}); len(msgs) == 1 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	do(t, b,
		chromedp.Navigate(base+"/mailbox"),
		chromedp.WaitVisible(css(`[data-testid="message-link"]`)),
	)
	checkA11y(t, b, "/mailbox")
	do(t, b, chromedp.Click(css(`[data-testid="message-link"]`)), chromedp.WaitVisible(css(`[data-testid="message-subject"]`)))
	if got := text(t, b, `[data-testid="message-subject"]`); got != "Your invitation to Go backend" {
		t.Fatalf("subject %q", got)
	}
	checkA11y(t, b, "message page")
	screenshot(t, b, "07-mailbox-message")
	// Follow the link in the email's HTML part, as the candidate would.
	frameURL, _ := chromedp.Run(b, chromedp.Evaluate[string](`document.querySelector("iframe.email-preview").src`))
	do(t, b, chromedp.Navigate(frameURL), chromedp.WaitVisible(css("a")))
	href, err := chromedp.Run(b, chromedp.Evaluate[string](`[...document.querySelectorAll("a")].pop().href`))
	if err != nil || !strings.HasPrefix(href, base+"/t/") {
		t.Fatalf("link in the email %q %v", href, err)
	}
	do(t, b, chromedp.Navigate(href), chromedp.WaitVisible(css(`[data-testid="start"]`)))
	if got := text(t, b, `[data-testid="instructions"]`); got != "Work alone." {
		t.Fatalf("candidate page instructions %q", got)
	}
}
