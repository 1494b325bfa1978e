package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"testgate/store"
)

// The review's reproduction: POST /tests?_csrf=<the session's token> with
// no token in the body. A token in a URL leaks through logs and Referer
// headers, so only the form body and the header count.
func TestCSRFTokenIsNotTakenFromTheQueryString(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleAdmin)
	b.get("/tests/new")
	form := url.Values{"name": {"Sneaky"}, "kind": {"assessment"}, "durationMinutes": {"10"}, "_csrf": {""}}
	r := b.post("/tests?_csrf="+url.QueryEscape(b.csrf), form)
	if r.Code != http.StatusForbidden {
		t.Fatalf("token in the query string: %d", r.Code)
	}
	if tests, _ := db.Tests(context.Background(), store.TestFilter{}); len(tests) != 0 {
		t.Fatal("the post was carried out")
	}
	form.Del("_csrf")
	if r := b.post("/tests", form); r.Code != http.StatusSeeOther {
		t.Fatalf("token in the body: %d", r.Code)
	}
}

// Text that is not UTF-8 is refused on every surface that takes forms and
// query strings, and nothing is written.
func TestInvalidUTF8IsRefusedInFormsAndQueries(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{Public: true, Slug: "campus-2027"})
	f.invite(t, store.NewInvitation{GeneratePlaceholders: true})
	b := signIn(t, f.srv, f.db, store.RoleAdmin)
	b.get("/tests/new")
	before := countRows(t, f.db, `SELECT COUNT(*) FROM invitations`)

	bad := "utf\xff"
	for _, c := range []struct {
		who  *browser
		path string
		form url.Values
	}{
		{b, "/tests", url.Values{"name": {bad}, "kind": {"assessment"}, "durationMinutes": {"10"}}},
		{b, "/links/" + idStr(f.link.ID) + "/invitations", url.Values{"name": {"Ann"}, "email": {bad + "@example.com"}}},
		{f.b, "/l/campus-2027", url.Values{"name": {"Ann"}, "email": {bad + "@example.com"}}},
		{f.b, f.token + "/details", url.Values{"name": {bad}, "email": {"ann@example.com"}}},
	} {
		r := c.who.post(c.path, c.form)
		if r.Code != http.StatusBadRequest || !strings.Contains(r.text("main"), "not valid UTF-8") {
			t.Errorf("POST %s: %d %q", c.path, r.Code, r.text("main"))
		}
	}
	for _, path := range []string{"/invitations?q=utf%FF", "/invitations?status=%C3"} {
		if r := b.get(path); r.Code != http.StatusBadRequest {
			t.Errorf("GET %s: %d", path, r.Code)
		}
	}
	if tests, _ := f.db.Tests(context.Background(), store.TestFilter{}); len(tests) != 1 {
		t.Errorf("%d tests", len(tests))
	}
	if n := countRows(t, f.db, `SELECT COUNT(*) FROM invitations`); n != before {
		t.Errorf("%d invitations, want %d", n, before)
	}
	if inv := f.reload(t); !strings.HasSuffix(inv.Email, "@placeholder.invalid") {
		t.Errorf("details saved: %q", inv.Email)
	}
}

// A form over the limit is a 413, with or without a declared length.
func TestOversizedFormsAre413(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{Public: true, Slug: "campus-2027"})
	b := signIn(t, f.srv, f.db, store.RoleAdmin)
	b.get("/tests/new")
	big := url.Values{"name": {strings.Repeat("a", 3<<20)}, "_csrf": {b.csrf}}.Encode()
	for _, path := range []string{"/tests", "/l/campus-2027"} {
		for _, withLength := range []bool{true, false} {
			req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(big))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if !withLength {
				chunked(req)
			}
			r := b.do(req)
			if r.Code != http.StatusRequestEntityTooLarge {
				t.Errorf("POST %s (length declared: %v): %d", path, withLength, r.Code)
			}
		}
	}
}
