package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"testgate/store"
)

func TestLinksThroughTheConsole(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleRecruiter)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	newPath := testPath(tt.ID) + "/links"
	b.get(newPath + "/new")

	future := time.Now().UTC().Add(48 * time.Hour).Format(datetimeLocal)
	valid := url.Values{"name": {"Campus"}, "slug": {"campus-2027"}, "callbackUrl": {"https://ats.example.com/hook"},
		"redirectUrl": {"https://careers.example.com/done"}, "hideInstruction": {"1"}, "sendEmail": {"1"}, "public": {"1"},
		"validFrom": {"2027-01-01T09:00"}, "validUntil": {"2027-01-31T18:00"}, "expiresAt": {future}, "maxUses": {"250"}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for key, vals := range valid {
			f[key] = vals
		}
		f.Set(k, v)
		return f
	}
	invalid := []struct {
		form  url.Values
		field string
		msg   string
	}{
		{with("name", " "), "name", "Name is required"},
		{with("slug", "Not A Slug"), "slug", "URL slug must be 3 to 64 lower-case letters, digits or dashes, starting with a letter or digit"},
		{with("callbackUrl", "ats.example.com/hook"), "callbackUrl", "Callback URL must be an absolute http(s) URL"},
		{with("redirectUrl", "javascript:alert(1)"), "redirectUrl", "Redirect URL must be an absolute http(s) URL"},
		{with("validUntil", "2026-12-31T00:00"), "validUntil", "Closes must be later than the opening time (validFrom)"},
		{with("validFrom", "tomorrow"), "validFrom", "Opens must be a date and time like 2027-01-31T18:00"},
		{with("expiresAt", "2020-01-01T00:00"), "expiresAt", "Invitations expire must be in the future"},
		{with("maxUses", "-3"), "maxUses", "Maximum uses must be between 0 (unlimited) and 1000000"},
		{with("maxUses", "many"), "maxUses", "Maximum uses must be a whole number"},
	}
	for _, c := range invalid {
		r := b.post(newPath, c.form)
		if r.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d", c.field, r.Code)
			continue
		}
		if got := r.text(`[data-testid="error-` + c.field + `"]`); got != c.msg {
			t.Errorf("%s: %q, want %q", c.field, got, c.msg)
		}
		if v, _ := r.doc.Find("#f-callbackUrl").Attr("value"); v != c.form.Get("callbackUrl") {
			t.Errorf("%s: callback not kept: %q", c.field, v)
		}
		if _, ok := r.doc.Find("#f-public").Attr("checked"); !ok {
			t.Errorf("%s: checkbox not kept", c.field)
		}
	}
	if links, _ := db.Links(ctx, tt.ID); len(links) != 1 {
		t.Fatalf("invalid forms wrote links: %d", len(links))
	}

	r := b.post(newPath, valid)
	if r.Code != http.StatusSeeOther || !strings.HasPrefix(r.Header().Get("Location"), "/links/") {
		t.Fatalf("create: %d %q", r.Code, r.Header().Get("Location"))
	}
	linkURL := r.Header().Get("Location")
	r = b.get(linkURL)
	if got, _ := r.doc.Find(`#link-url`).Attr("value"); got != testBaseURL+"/l/campus-2027" {
		t.Fatalf("shareable URL %q", got)
	}
	if target, _ := r.doc.Find(`[data-testid="copy-button"]`).Attr("data-copy"); target != "#link-url" {
		t.Fatalf("copy button targets %q", target)
	}
	facts := r.text(".facts")
	for _, want := range []string{"https://ats.example.com/hook", "Skipped", "1 Jan 2027 09:00 UTC", "31 Jan 2027 18:00 UTC", "250"} {
		if !strings.Contains(facts, want) {
			t.Errorf("link page lacks %q in %q", want, facts)
		}
	}

	// The slug is unique across links.
	if r := b.post(newPath, with("name", "Other")); r.text(`[data-testid="error-slug"]`) != "URL slug is already used by another link" {
		t.Fatalf("duplicate slug: %q", r.text(`[data-testid="error-slug"]`))
	}

	// Edit keeps values in the form and saves changes.
	r = b.get(linkURL + "/edit")
	if v, _ := r.doc.Find("#f-validFrom").Attr("value"); v != "2027-01-01T09:00" {
		t.Fatalf("edit form validFrom %q", v)
	}
	r = b.post(linkURL, url.Values{"name": {"Campus (late)"}, "slug": {"campus-2027"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("update: %d %s", r.Code, r.Body)
	}
	l, _ := db.LinkBySlug(ctx, "campus-2027")
	if l.Name != "Campus (late)" || l.Public || l.MaxUses != 0 || l.ValidFrom != nil {
		t.Fatalf("updated %+v", l)
	}
	if r := b.post(linkURL, url.Values{"name": {""}}); r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("invalid update: %d", r.Code)
	}

	// Disable and enable.
	b.postConfirmed(linkURL+"/state", url.Values{"disabled": {"1"}})
	if r := b.get(linkURL); !strings.Contains(r.text(".badge.off"), "disabled") {
		t.Fatal("disabled badge missing")
	}
	b.post(linkURL+"/state", url.Values{"disabled": {"0"}})
	if l, _ := db.Link(ctx, l.ID); l.Disabled() {
		t.Fatal("still disabled")
	}

	// The test page lists every link; only links whose URL works (public
	// ones) offer a copy button — the default link and this one, now
	// invite-only, say so instead.
	r = b.get(testPath(tt.ID))
	if n := r.doc.Find(`[data-testid="links-table"] [data-testid="copy-button"]`).Length(); n != 0 {
		t.Fatalf("copy buttons for invite-only links: %d", n)
	}
	if !strings.Contains(r.text(`[data-testid="invite-only-`+idStr(l.ID)+`"]`), "Invite-only") {
		t.Fatal("the invite-only link does not say so")
	}
	r = b.get(linkURL)
	if r.doc.Find(`#link-url`).Length() != 0 || !strings.Contains(r.text(`[data-testid="invite-only"]`), "no shareable URL") {
		t.Fatalf("invite-only link page: %q", r.text("main"))
	}
	// What a public link offers to copy works for a visitor.
	b.post(linkURL, url.Values{"name": {"Campus (late)"}, "slug": {"campus-2027"}, "public": {"1"}})
	r = b.get(testPath(tt.ID))
	copyTarget, _ := r.doc.Find(`[data-testid="links-table"] [data-testid="copy-button"]`).Attr("data-copy")
	copied, _ := r.doc.Find(copyTarget).Attr("value")
	if visit := newBrowser(t, srv).get(strings.TrimPrefix(copied, testBaseURL)); copied == "" || visit.Code != http.StatusOK {
		t.Fatalf("the copied URL %q answers %d", copied, visit.Code)
	}
}

// A link's deadline as days after each invitation, set in the console
// and the native API, shown on the link's page and kept by its edit form.
func TestLinkDeadlineInDays(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	ctx := context.Background()
	b := signIn(t, srv, db, store.RoleRecruiter)
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	b.get(testPath(tt.ID) + "/links/new")
	if r := b.post(testPath(tt.ID)+"/links", url.Values{"name": {"Too long"}, "expireAfterDays": {"400"}}); r.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(r.text(`[data-testid="error-expireAfterDays"]`), "365") {
		t.Fatalf("400 days: %d %q", r.Code, r.text(`[data-testid="error-expireAfterDays"]`))
	}
	r := b.post(testPath(tt.ID)+"/links", url.Values{"name": {"A week each"}, "expireAfterDays": {"7"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.Code, r.text(".error-summary"))
	}
	page := b.get(r.Header().Get("Location"))
	if got := page.text(`[data-testid="link-deadline"]`); got != "7 days after each invitation" {
		t.Fatalf("link page says %q", got)
	}
	linkID := strings.TrimPrefix(r.Header().Get("Location"), "/links/")
	if v, _ := b.get("/links/" + linkID + "/edit").doc.Find(`input[name="expireAfterDays"]`).Attr("value"); v != "7" {
		t.Fatalf("the edit form holds %q", v)
	}
	key, _ := db.CreateAPIKey(ctx, store.NewAPIKey{Name: "ats"})
	code, out := api(t, srv, http.MethodPost, "/api/native/links/"+linkID+"/invitations", key.Key, map[string]any{"name": "Kim", "email": "kim@example.com"})
	if code != http.StatusCreated {
		t.Fatalf("invite: %d %v", code, out)
	}
	expires, _ := time.Parse(time.RFC3339, out["expiresAt"].(string))
	if d := time.Until(expires); d < 7*24*time.Hour-time.Minute || d > 7*24*time.Hour {
		t.Fatalf("the invitation expires in %v, want a week", d)
	}
	code, out = api(t, srv, http.MethodPost, "/api/native/tests/"+idStr(tt.ID)+"/links", key.Key, map[string]any{"name": "Three days", "expireAfterDays": 3})
	if code != http.StatusCreated || out["expireAfterDays"] != 3.0 {
		t.Fatalf("native link: %d %v", code, out)
	}
	if _, out := api(t, srv, http.MethodGet, "/api/native/tests/"+idStr(tt.ID)+"/links", key.Key, nil); out["links"].([]any)[0].(map[string]any)["expireAfterDays"] != nil {
		t.Fatalf("the default link has no such deadline: %v", out["links"].([]any)[0])
	}
}
