package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"testgate/store"
)

// The product pass, walked in Chromium as a recruiter and a candidate meet
// it: an invite-only link offers no dead URL; a link that makes name and
// email optional invites without them; mass and destructive actions ask
// first, saying how many they touch; the emails page pages and has one
// name; the dashboard's total agrees with its counts; the email editor
// lists placeholders as words; a registered candidate gets their link
// again by email; candidate pages carry the organisation's branding.
func TestBrowserProductPass(t *testing.T) {
	t.Parallel()
	base, db := startHTTPServer(t)
	ctx := context.Background()
	db.CreateFirstAdmin(ctx, store.NewUser{Email: "admin@example.com", Password: "admin password"})
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go backend", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	closed, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Referrals", DisableMandatoryFields: true})
	public, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Campus", Public: true, Slug: "campus"})
	send := true
	// Invited a day ago, so that "remind everyone" has someone to remind.
	db.SetClock(func() time.Time { return time.Now().Add(-24 * time.Hour) })
	for i := range 55 {
		if _, err := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, LinkID: public.ID, Name: fmt.Sprint("Cand ", i),
			Email: fmt.Sprintf("c%d@example.com", i), SendEmail: &send, Source: store.SourceNative}); err != nil {
			t.Fatal(err)
		}
	}
	db.SetClock(time.Now)
	db.SetBranding(ctx, store.Branding{Organisation: "Acme", ContactEmail: "talent@acme.test"}, true)
	b := startBrowser(t)
	do(t, b,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(css("#f-email")),
		chromedp.SendKeys(css("#f-email"), "admin@example.com"),
		chromedp.SendKeys(css("#f-password"), "admin password"),
		chromedp.Click(css(`form[action="/login"] button`)),
		chromedp.WaitVisible(css(`[data-testid="counts-total"]`)),
	)
	if got := text(t, b, `[data-testid="counts-total"]`); !strings.HasPrefix(got, "55 invitations in all") {
		t.Errorf("dashboard total: %q", got)
	}

	// The invite-only link: no URL to copy, a plain word on what it is for,
	// and an invitation without name or email.
	do(t, b, chromedp.Navigate(base+"/links/"+idStr(closed.ID)), chromedp.WaitVisible(css(`[data-testid="invite-only"]`)))
	if n, _ := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll("#link-url, [data-copy]").length`)); n != 0 {
		t.Errorf("an invite-only link offers %d things to copy", n)
	}
	do(t, b, chromedp.Click(css(`[data-testid="invite-submit"]`)), chromedp.WaitVisible(css(`[data-testid="invite-result"]`)))

	// Remind everyone asks first, with the number it touches; keeping it changes nothing.
	do(t, b,
		chromedp.Navigate(base+"/links/"+idStr(public.ID)),
		chromedp.WaitVisible(css(`[data-testid="remind-all"]`)),
		chromedp.Click(css(`[data-testid="remind-all"]`)),
		chromedp.WaitVisible(css(`[data-testid="confirmation"]`)),
	)
	if got := text(t, b, `[data-testid="confirm-touches"]`); got != "This touches 55 candidates." {
		t.Errorf("confirmation: %q", got)
	}
	do(t, b, chromedp.Click(css(`[data-testid="confirm-back"]`)), chromedp.WaitVisible(css(`[data-testid="remind-all"]`)))
	if n := countRows(t, db, `SELECT COUNT(*) FROM outbox WHERE kind = 'reminder'`); n != 0 {
		t.Errorf("keeping it queued %d reminders", n)
	}

	// Emails: one name, 50 a page.
	do(t, b, chromedp.Navigate(base+"/outbox"), chromedp.WaitVisible(css(`[data-testid="next-page"]`)))
	if got := text(t, b, "h1") + " | " + text(t, b, `[data-testid="messages-count"]`); got != "Emails | 55 emails" {
		t.Errorf("emails page: %q", got)
	}
	do(t, b, chromedp.Click(css(`[data-testid="next-page"]`)), chromedp.WaitVisible(css(`a[rel="prev"]`)))
	if n, _ := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll("[data-testid=messages] tbody tr").length`)); n != 5 {
		t.Errorf("page 2 lists %d emails", n)
	}

	// The email editor: placeholders as words, no template code.
	do(t, b, chromedp.Navigate(base+"/links/"+idStr(public.ID)+"/emails"), chromedp.WaitVisible(css(`#f-inviteBody`)))
	if got, _ := chromedp.Run(b, chromedp.Evaluate[string](`document.querySelector("#f-inviteBody").placeholder`)); strings.Contains(got, "{{if") ||
		!strings.Contains(got, "{{candidate name}}") {
		t.Errorf("built-in wording shown as %q", got)
	}

	// A registered candidate asks for their link again: the same answer for
	// any address, under the organisation's name.
	do(t, b,
		chromedp.Navigate(base+"/l/campus"),
		chromedp.WaitVisible(css(`[data-testid="brand-name"]`)),
		chromedp.SendKeys(css("#resend-email"), "c7@example.com"),
		chromedp.Click(css(`[data-testid="email-my-link-submit"]`)),
		chromedp.WaitVisible(css(`[data-testid="link-sent"]`)),
	)
	if got := text(t, b, `[data-testid="brand-contact"]`); !strings.Contains(got, "talent@acme.test") {
		t.Errorf("candidate page contact: %q", got)
	}
	checkA11y(t, b, "public link after email-my-link")
}
