package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"testgate/store"
)

// "Forgot your password?" emails an account a one-hour link to choose a new
// password, answers every address alike, is throttled per mailbox and is in
// the audit log.
func TestForgotPasswordEmailsALinkAndRevealsNoAccount(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	ctx := context.Background()
	admin := signIn(t, srv, db, store.RoleAdmin)
	u, err := db.CreateUser(ctx, store.NewUser{Email: "Nia@Reset.example", Name: "Nia", Password: "the forgotten one", Role: store.RoleRecruiter})
	if err != nil {
		t.Fatal(err)
	}

	// Someone signed in with the old password (a shared laptop).
	intruder := newBrowser(t, srv)
	intruder.get("/login")
	if r := intruder.post("/login", url.Values{"email": {"nia@reset.example"}, "password": {"the forgotten one"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("sign in with the old password: %d", r.Code)
	}
	b := newBrowser(t, srv)
	if href, _ := b.get("/login").doc.Find(`[data-testid="forgot-password"]`).Attr("href"); href != "/login/forgot" {
		t.Fatalf("no link from the sign-in page: %q", href)
	}
	b.get("/login/forgot")
	r := b.post("/login/forgot", url.Values{"email": {"nia@reset.example"}})
	sent := r.text(`[data-testid="reset-sent"]`)
	if r.Code != http.StatusOK || !strings.Contains(sent, "If an account has that address") {
		t.Fatalf("reset for a user: %d %q", r.Code, sent)
	}
	msgs, _ := db.Outbox(ctx, store.OutboxFilter{Recipient: "Nia@Reset.example"})
	if len(msgs) != 1 || msgs[0].Subject != "Reset your Testgate password" || !strings.Contains(msgs[0].Text, "your password stays as it is") {
		t.Fatalf("reset email: %+v", msgs)
	}
	link := regexp.MustCompile(`/password/[A-Za-z0-9_-]+`).FindString(msgs[0].Text)
	if link == "" || !strings.Contains(msgs[0].HTML, link) {
		t.Fatalf("no link in %q", msgs[0].Text)
	}

	// An address without an account: the same page, and no email.
	stranger := newBrowser(t, srv)
	stranger.get("/login/forgot")
	if r := stranger.post("/login/forgot", url.Values{"email": {"nobody@reset.example"}}); r.Code != http.StatusOK ||
		r.text(`[data-testid="reset-sent"]`) != sent {
		t.Fatalf("unknown address answered otherwise: %d %q", r.Code, r.text(`[data-testid="reset-sent"]`))
	}
	if msgs, _ := db.Outbox(ctx, store.OutboxFilter{Recipient: "nobody@reset.example"}); len(msgs) != 0 {
		t.Fatalf("emailed an address without an account: %+v", msgs)
	}
	if r := stranger.post("/login/forgot", url.Values{"email": {"not an address"}}); r.Code != http.StatusUnprocessableEntity ||
		r.text(`[data-testid="error-email"]`) == "" {
		t.Fatalf("a malformed address: %d", r.Code)
	}

	// The old password works until the new one is chosen; then only the new.
	nia := newBrowser(t, srv)
	nia.get(link)
	if r := nia.post(link, url.Values{"password": {"a brand new password"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("choose a new password: %d %s", r.Code, r.text(".error-summary"))
	}
	if r := intruder.get("/tests"); r.Code != http.StatusSeeOther || !strings.HasPrefix(r.Header().Get("Location"), "/login") {
		t.Fatalf("a session of the old password outlives the new one: %d", r.Code)
	}
	nia.get("/login")
	if r := nia.post("/login", url.Values{"email": {"nia@reset.example"}, "password": {"the forgotten one"}}); r.Code == http.StatusSeeOther {
		t.Fatal("the old password still signs in")
	}
	if r := nia.post("/login", url.Values{"email": {"nia@reset.example"}, "password": {"a brand new password"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("the new password: %d", r.Code)
	}

	// One mailbox gets at most three links an hour, whoever asks.
	for i := 0; i < 2; i++ {
		other := newBrowser(t, srv)
		other.get("/login/forgot")
		if r := other.post("/login/forgot", url.Values{"email": {"nia@reset.example"}}); r.Code != http.StatusOK {
			t.Fatalf("request %d: %d", i+2, r.Code)
		}
	}
	fourth := newBrowser(t, srv)
	fourth.get("/login/forgot")
	r = fourth.post("/login/forgot", url.Values{"email": {"NIA@reset.example"}})
	if r.Code != http.StatusTooManyRequests || r.Header().Get("Retry-After") == "" || !strings.Contains(r.text(`[data-testid="reset-problem"]`), "Too many requests") {
		t.Fatalf("fourth request: %d", r.Code)
	}
	if msgs, _ := db.Outbox(ctx, store.OutboxFilter{Recipient: "Nia@Reset.example"}); len(msgs) != 3 {
		t.Fatalf("%d reset emails, want 3", len(msgs))
	}

	// A reset link lasts an hour.
	msgs, _ = db.Outbox(ctx, store.OutboxFilter{Recipient: "Nia@Reset.example"})
	late := regexp.MustCompile(`/password/[A-Za-z0-9_-]+`).FindString(msgs[0].Text)
	future := time.Now().Add(store.PasswordResetTTL + time.Minute)
	db.SetClock(func() time.Time { return future })
	if r := newBrowser(t, srv).get(late); r.Code != http.StatusGone {
		t.Fatalf("an expired reset link: %d", r.Code)
	}
	db.SetClock(time.Now)

	// The requests are audited under the address asked for, the user's
	// record when there is one; never with the link's secret.
	entries, _, _ := db.AuditPage(ctx, store.AuditFilter{Actor: "password-reset"})
	var forUser, forStranger int
	for _, e := range entries {
		if strings.Contains(e.Record, strings.TrimPrefix(link, "/password/")) {
			t.Fatalf("the audit log holds the link's secret: %+v", e)
		}
		switch e.Actor {
		case "password-reset:Nia@Reset.example":
			if e.Record == "users "+idStr(u.ID) {
				forUser++
			}
		case "password-reset:nobody@reset.example":
			forStranger++
		}
	}
	if forUser != 3 || forStranger != 1 {
		t.Fatalf("audit: %d for the user, %d for the stranger: %+v", forUser, forStranger, entries)
	}
	if r := admin.get("/settings/audit?actor=password-reset"); r.doc.Find(`[data-testid="audit-row"]`).Length() < 4 {
		t.Fatal("the reset requests are not found by their actor")
	}
}
