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

func TestAdminManagesUsers(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleAdmin)
	ctx := context.Background()
	b.get("/settings/users")

	for _, c := range []struct {
		form  url.Values
		field string
	}{
		{url.Values{"email": {"bad"}, "password": {"long enough pw"}, "role": {"recruiter"}}, "email"},
		{url.Values{"email": {"first-admin@example.com"}, "password": {"long enough pw"}, "role": {"recruiter"}}, "email"},
		{url.Values{"email": {"r@example.com"}, "password": {"short"}, "role": {"recruiter"}}, "password"},
		{url.Values{"email": {"r@example.com"}, "password": {"long enough pw"}, "role": {"owner"}}, "role"},
	} {
		r := b.post("/settings/users", c.form)
		if r.Code != http.StatusUnprocessableEntity || r.text(`[data-testid="error-`+c.field+`"]`) == "" {
			t.Errorf("%s: %d %q", c.field, r.Code, r.text(`[data-testid="error-`+c.field+`"]`))
		}
	}
	if users, _ := db.Users(ctx); len(users) != 1 {
		t.Fatalf("invalid forms wrote users: %d", len(users))
	}

	r := b.post("/settings/users", url.Values{"email": {"rec@example.com"}, "name": {"Rec"}, "password": {"long enough pw"}, "role": {"recruiter"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("create: %d", r.Code)
	}
	r = b.get("/settings/users")
	if !strings.Contains(r.text(`[data-testid="users-table"]`), "rec@example.com") {
		t.Fatal("new user not listed")
	}
	rec := newBrowser(t, srv)
	rec.get("/login")
	if r := rec.post("/login", url.Values{"email": {"rec@example.com"}, "password": {"long enough pw"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("new user cannot sign in: %d", r.Code)
	}

	users, _ := db.Users(ctx)
	var admin, recruiter store.User
	for _, u := range users {
		if u.IsAdmin() {
			admin = u
		} else {
			recruiter = u
		}
	}
	// The last admin cannot demote themselves.
	r = b.post("/settings/users/"+idStr(admin.ID), url.Values{"role": {"recruiter"}})
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.text(`[data-testid="users-problem"]`), "last active admin") {
		t.Fatalf("demote last admin: %d %q", r.Code, r.text(`[data-testid="users-problem"]`))
	}
	// Disabling a user signs them out at once.
	q, r := b.postConfirmed("/settings/users/"+idStr(recruiter.ID), url.Values{"role": {"recruiter"}, "disabled": {"1"}})
	if !strings.Contains(q.text(`[data-testid="confirm-question"]`), "signed out at once") || r.Code != http.StatusSeeOther {
		t.Fatalf("disable: %q %d", q.text(`[data-testid="confirm-question"]`), r.Code)
	}
	if r := rec.get("/tests"); r.Code != http.StatusSeeOther {
		t.Fatalf("disabled user still signed in: %d", r.Code)
	}
	if r := b.post("/settings/users/99999", url.Values{"role": {"recruiter"}}); r.Code != http.StatusNotFound {
		t.Fatalf("missing user: %d", r.Code)
	}
}

func TestAdminManagesAPIKeys(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleAdmin)
	b.get("/settings/api-keys")
	if r := b.post("/settings/api-keys", url.Values{"name": {" "}}); r.Code != http.StatusUnprocessableEntity || r.text(`[data-testid="error-name"]`) != "Name is required" {
		t.Fatalf("blank name: %d %q", r.Code, r.text(`[data-testid="error-name"]`))
	}
	r := b.post("/settings/api-keys", url.Values{"name": {"ATS production"}})
	if r.Code != http.StatusCreated || r.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("create: %d %q", r.Code, r.Header().Get("Cache-Control"))
	}
	key, _ := r.doc.Find("#new-key-value").Attr("value")
	if !strings.HasPrefix(key, "tgk_") {
		t.Fatalf("shown key %q", key)
	}
	if code, _ := api(t, srv, http.MethodGet, "/api/native/tests", key, nil); code != http.StatusOK {
		t.Fatalf("new key refused: %d", code)
	}
	// Shown once only.
	r = b.get("/settings/api-keys")
	if strings.Contains(r.Body.String(), key) {
		t.Fatal("key shown again")
	}
	if r.doc.Find(`[data-testid="keys-table"] tbody tr`).Length() != 1 {
		t.Fatal("key not listed")
	}
	keysNow, _ := db.APIKeys(context.Background())
	if got := r.text(`[data-testid="signing-secret"] code`); got != keysNow[0].SigningSecret || !strings.Contains(r.text(`[data-testid="keys-table"]`), keysNow[0].PublicID) {
		t.Fatalf("ThinkExam credentials not shown: %q", got)
	}
	keys, _ := db.APIKeys(context.Background())
	if q, r := b.postConfirmed("/settings/api-keys/"+idStr(keys[0].ID)+"/revoke", nil); r.Code != http.StatusSeeOther ||
		!strings.Contains(q.text(`[data-testid="confirm-question"]`), "refused from now on") {
		t.Fatalf("revoke: %d", r.Code)
	}
	if code, _ := api(t, srv, http.MethodGet, "/api/native/tests", key, nil); code != http.StatusUnauthorized {
		t.Fatalf("revoked key accepted: %d", code)
	}
}

// A new console user chooses their own password from an emailed link,
// which works once and expires; the admin never types or shares one.
func TestNewUsersSetTheirOwnPassword(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleAdmin)
	ctx := context.Background()
	b.get("/settings/users")
	r := b.post("/settings/users", url.Values{"email": {"new.recruiter@example.com"}, "name": {"Nia"}, "role": {"recruiter"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("add user: %d %s", r.Code, r.text(".error-summary"))
	}
	if flash := b.get("/settings/users").text(`[data-testid="flash"]`); !strings.Contains(flash, "emailed a link to set their password") {
		t.Fatalf("flash %q", flash)
	}
	msgs, _ := db.Outbox(ctx, store.OutboxFilter{})
	if len(msgs) != 1 || msgs[0].Kind != store.EmailAccount || msgs[0].Recipient != "new.recruiter@example.com" {
		t.Fatalf("outbox %+v", msgs)
	}
	link := regexp.MustCompile(`/password/[A-Za-z0-9_-]+`).FindString(msgs[0].Text)
	if link == "" || !strings.Contains(msgs[0].HTML, link) {
		t.Fatalf("no link in %q", msgs[0].Text)
	}
	nia := newBrowser(t, srv)
	if r := nia.get(link); r.Code != http.StatusOK || r.text(`[data-testid="account-email"]`) != "new.recruiter@example.com" {
		t.Fatalf("link page: %d", r.Code)
	}
	if r := nia.post(link, url.Values{"password": {"short"}}); r.Code != http.StatusUnprocessableEntity || r.text(`[data-testid="error-password"]`) == "" {
		t.Fatalf("short password: %d", r.Code)
	}
	if r := nia.post(link, url.Values{"password": {"nia's own password"}}); r.Code != http.StatusSeeOther || r.Header().Get("Location") != "/login" {
		t.Fatalf("set password: %d", r.Code)
	}
	nia.get("/login")
	if r := nia.post("/login", url.Values{"email": {"new.recruiter@example.com"}, "password": {"nia's own password"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("sign in with the new password: %d", r.Code)
	}
	// The link works once.
	other := newBrowser(t, srv)
	if r := other.get(link); r.Code != http.StatusGone {
		t.Fatalf("link reused: %d", r.Code)
	}
	other.get("/login")
	if r := other.post(link, url.Values{"password": {"someone else's"}}); r.Code != http.StatusGone {
		t.Fatalf("link reused by post: %d", r.Code)
	}
	// And expires.
	b.post("/settings/users", url.Values{"email": {"late@example.com"}, "role": {"recruiter"}})
	msgs, _ = db.Outbox(ctx, store.OutboxFilter{Recipient: "late@example.com"})
	late := regexp.MustCompile(`/password/[A-Za-z0-9_-]+`).FindString(msgs[0].Text)
	future := time.Now().Add(store.PasswordLinkTTL + time.Minute)
	db.SetClock(func() time.Time { return future })
	if r := newBrowser(t, srv).get(late); r.Code != http.StatusGone {
		t.Fatalf("expired link: %d", r.Code)
	}
}
