package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"testgate/store"
)

func TestFirstRunGoesThroughSetup(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := newBrowser(t, srv)

	for _, path := range []string{"/", "/login", "/tests"} {
		if r := b.get(path); r.Code != http.StatusSeeOther || r.Header().Get("Location") != "/setup" {
			t.Fatalf("GET %s before setup: %d → %q", path, r.Code, r.Header().Get("Location"))
		}
	}
	r := b.get("/setup")
	if r.Code != http.StatusOK || r.text("h1") != "Welcome to Testgate" {
		t.Fatalf("setup page: %d %q", r.Code, r.text("h1"))
	}

	// Invalid input: errors beside the fields, input kept, nothing written.
	r = b.post("/setup", url.Values{"email": {"not-an-email"}, "name": {"Ada"}, "password": {"short"}})
	if r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("invalid setup: %d", r.Code)
	}
	if got := r.text(`[data-testid="error-email"]`); got != "Email is not a valid email address" {
		t.Errorf("email error %q", got)
	}
	if got := r.text(`[data-testid="error-password"]`); !strings.Contains(got, "at least 10") {
		t.Errorf("password error %q", got)
	}
	if v, _ := r.doc.Find(`#f-email`).Attr("value"); v != "not-an-email" {
		t.Errorf("email not kept: %q", v)
	}
	if v, _ := r.doc.Find(`#f-name`).Attr("value"); v != "Ada" {
		t.Errorf("name not kept: %q", v)
	}
	if n, _ := db.CountUsers(context.Background()); n != 0 {
		t.Fatalf("invalid setup wrote %d users", n)
	}

	r = b.post("/setup", url.Values{"email": {"ada@example.com"}, "name": {"Ada"}, "password": {"a long password"}})
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != "/" {
		t.Fatalf("setup: %d → %q", r.Code, r.Header().Get("Location"))
	}
	r = b.get("/")
	if r.Code != http.StatusOK || r.text(`[data-testid="current-user"]`) != "ada@example.com" {
		t.Fatalf("dashboard after setup: %d user %q", r.Code, r.text(`[data-testid="current-user"]`))
	}
	if !strings.Contains(r.text(`[data-testid="flash"]`), "administrator account is ready") {
		t.Errorf("welcome flash missing: %q", r.text(`[data-testid="flash"]`))
	}
	u, _ := db.Authenticate(context.Background(), "ada@example.com", "a long password")
	if u.Role != store.RoleAdmin {
		t.Fatalf("first user role %q", u.Role)
	}

	// Setup is closed once done.
	if r := b.get("/setup"); r.Code != http.StatusSeeOther || r.Header().Get("Location") != "/login" {
		t.Fatalf("GET /setup after setup: %d %q", r.Code, r.Header().Get("Location"))
	}
	other := newBrowser(t, srv)
	other.get("/login")
	r = other.post("/setup", url.Values{"email": {"eve@example.com"}, "password": {"a long password"}})
	if r.Code != http.StatusConflict {
		t.Fatalf("second setup: %d", r.Code)
	}
	if n, _ := db.CountUsers(context.Background()); n != 1 {
		t.Fatalf("second setup wrote a user: %d", n)
	}
}

func TestSignInAndOut(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	signIn(t, srv, db, store.RoleAdmin)
	db.CreateUser(context.Background(), store.NewUser{Email: "rec@example.com", Password: "recruiter password", Role: store.RoleRecruiter})

	b := newBrowser(t, srv)
	r := b.get("/tests?q=go")
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != "/login?next=%2Ftests%3Fq%3Dgo" {
		t.Fatalf("anonymous /tests: %d → %q", r.Code, r.Header().Get("Location"))
	}
	r = b.get("/login?next=%2Ftests%3Fq%3Dgo")
	if v, _ := r.doc.Find(`input[name="next"]`).Attr("value"); v != "/tests?q=go" {
		t.Fatalf("next kept as %q", v)
	}
	anonymousCookie := b.cookies[cookieName].Value
	anonymousCSRF := b.csrf

	r = b.post("/login", url.Values{"email": {"rec@example.com"}, "password": {"wrong password"}, "next": {"/tests"}})
	if r.Code != http.StatusUnauthorized || !strings.Contains(r.text(`[data-testid="login-problem"]`), "do not match") {
		t.Fatalf("wrong password: %d %q", r.Code, r.text(`[data-testid="login-problem"]`))
	}
	if v, _ := r.doc.Find(`#f-email`).Attr("value"); v != "rec@example.com" {
		t.Errorf("email not kept: %q", v)
	}

	r = b.post("/login", url.Values{"email": {"REC@example.com "}, "password": {"recruiter password"}, "next": {"/tests?q=go"}})
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != "/tests?q=go" {
		t.Fatalf("sign in: %d → %q", r.Code, r.Header().Get("Location"))
	}
	if r := b.get("/tests"); r.Code != http.StatusOK {
		t.Fatalf("signed-in /tests: %d", r.Code)
	}
	// Sign-in rotated the session: the cookie and token from before it are dead.
	if b.csrf == anonymousCSRF {
		t.Error("CSRF token not rotated at sign-in")
	}
	stale := newBrowser(t, srv)
	stale.cookies[cookieName] = &http.Cookie{Name: cookieName, Value: anonymousCookie}
	if r := stale.get("/tests"); r.Code != http.StatusSeeOther {
		t.Fatalf("pre-sign-in cookie reached /tests: %d", r.Code)
	}

	signedInCookie := b.cookies[cookieName].Value
	r = b.post("/logout", nil)
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != "/login" {
		t.Fatalf("logout: %d %q", r.Code, r.Header().Get("Location"))
	}
	if r := b.get("/tests"); r.Code != http.StatusSeeOther {
		t.Fatalf("/tests after logout: %d", r.Code)
	}
	// A copy of the signed-in cookie is useless after sign-out.
	replay := newBrowser(t, srv)
	replay.cookies[cookieName] = &http.Cookie{Name: cookieName, Value: signedInCookie}
	if r := replay.get("/tests"); r.Code != http.StatusSeeOther {
		t.Fatalf("replayed cookie after logout: %d", r.Code)
	}
}

func TestSessionCookieAttributes(t *testing.T) {
	t.Parallel()
	srv, _ := newTestServer(t)
	r := newBrowser(t, srv).get("/setup")
	c := r.Result().Cookies()[0]
	if c.Name != cookieName || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure {
		t.Fatalf("cookie %+v", c)
	}
	secure, err := New(srv.db, Config{BaseURL: "https://tests.example.com", SessionKey: srv.cfg.SessionKey, Callbacks: srv.cfg.Callbacks, Logger: srv.log})
	if err != nil {
		t.Fatal(err)
	}
	r = newBrowser(t, secure).get("/setup")
	if c := r.Result().Cookies()[0]; !c.Secure {
		t.Fatal("cookie not Secure behind an https base URL")
	}
}

func TestLoginNextStaysOnSite(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	signIn(t, srv, db, store.RoleAdmin)
	for next, want := range map[string]string{
		"/tests/1":               "/tests/1",
		"//evil.example.com/x":   "/",
		"https://evil.example":   "/",
		"/\\evil.example.com":    "/",
		"javascript:alert(1)":    "/",
		"":                       "/",
		"/tests?q=a&archived=1":  "/tests?q=a&archived=1",
		"/%0d%0aSet-Cookie:x=1":  "/%0d%0aSet-Cookie:x=1",
		"/ok\r\nLocation: /evil": "/",
	} {
		b := newBrowser(t, srv)
		b.get("/login")
		r := b.post("/login", url.Values{"email": {"first-admin@example.com"}, "password": {"admin password"}, "next": {next}})
		if got := r.Header().Get("Location"); got != want {
			t.Errorf("next=%q → %q, want %q", next, got, want)
		}
	}
}

func TestSignInThrottling(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	signIn(t, srv, db, store.RoleAdmin)
	db.CreateUser(context.Background(), store.NewUser{Email: "rec@example.com", Password: "recruiter password", Role: store.RoleRecruiter})

	b := newBrowser(t, srv)
	b.get("/login")
	for i := range maxAccountFailure {
		if r := b.post("/login", url.Values{"email": {"rec@example.com"}, "password": {"guess"}}); r.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, r.Code)
		}
	}
	// Locked: even the right password is refused, from any address.
	b.ip = "198.51.100.7:1234"
	r := b.post("/login", url.Values{"email": {"rec@example.com"}, "password": {"recruiter password"}})
	if r.Code != http.StatusTooManyRequests || r.Header().Get("Retry-After") == "" {
		t.Fatalf("throttled account: %d Retry-After %q", r.Code, r.Header().Get("Retry-After"))
	}
	if !strings.Contains(r.text(`[data-testid="login-problem"]`), "Too many failed sign-in attempts") {
		t.Fatalf("message %q", r.text(`[data-testid="login-problem"]`))
	}
	// Another account is unaffected.
	r = b.post("/login", url.Values{"email": {"first-admin@example.com"}, "password": {"admin password"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("other account: %d", r.Code)
	}

	// One address guessing across many accounts is stopped too.
	attacker := newBrowser(t, srv)
	attacker.ip = "203.0.113.9:999"
	attacker.get("/login")
	for i := range maxIPFailures {
		attacker.post("/login", url.Values{"email": {"user" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + "@example.com"}, "password": {"guess"}})
	}
	r = attacker.post("/login", url.Values{"email": {"first-admin@example.com"}, "password": {"admin password"}})
	if r.Code != http.StatusTooManyRequests {
		t.Fatalf("throttled address: %d", r.Code)
	}
}

// The review's reproduction: 40 wrong passwords for one account, 20 at a
// time from 20 addresses. Only the limit's worth may reach a password check.
func TestSignInThrottlingHoldsUnderConcurrency(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	signIn(t, srv, db, store.RoleAdmin)
	db.CreateUser(context.Background(), store.NewUser{Email: "rec@example.com", Password: "recruiter password", Role: store.RoleRecruiter})
	browsers := make([]*browser, 20)
	for i := range browsers {
		browsers[i] = newBrowser(t, srv)
		browsers[i].ip = fmt.Sprintf("192.0.2.%d:4000", 100+i)
		browsers[i].get("/login")
	}
	codes := make(chan int, 40)
	for round := range 2 {
		var wg sync.WaitGroup
		for i, b := range browsers {
			wg.Go(func() {
				r := b.post("/login", url.Values{"email": {"rec@example.com"}, "password": {fmt.Sprintf("guess %d-%d", round, i)}})
				codes <- r.Code
			})
		}
		wg.Wait()
	}
	close(codes)
	checked := 0
	for code := range codes {
		switch code {
		case http.StatusUnauthorized:
			checked++
		case http.StatusTooManyRequests:
		default:
			t.Fatalf("answer %d", code)
		}
	}
	if checked != maxAccountFailure {
		t.Fatalf("%d passwords checked, want %d", checked, maxAccountFailure)
	}
}

// A right password does not count against the address: an office behind
// one address can sign in all day.
func TestSuccessfulSignInsAreNotThrottled(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	signIn(t, srv, db, store.RoleAdmin)
	for range maxIPFailures + 5 {
		b := newBrowser(t, srv)
		b.get("/login")
		if r := b.post("/login", url.Values{"email": {"first-admin@example.com"}, "password": {"admin password"}}); r.Code != http.StatusSeeOther {
			t.Fatalf("sign-in: %d", r.Code)
		}
	}
}

func TestCSRFIsRequired(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleAdmin)
	b.get("/tests/new")
	form := url.Values{"name": {"Sneaky"}, "kind": {"assessment"}, "durationMinutes": {"10"}}
	for name, token := range map[string][]string{"missing": nil, "wrong": {"forged-token"}, "empty": {""}} {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		if token != nil {
			f["_csrf"] = token
		} else {
			f["_csrf"] = nil
			delete(f, "_csrf")
			f.Set("_csrf", "")
		}
		r := b.post("/tests", f)
		if r.Code != http.StatusForbidden || !strings.Contains(r.text("main"), "expired or was sent from another site") {
			t.Errorf("%s token: %d", name, r.Code)
		}
	}
	for _, path := range []string{"/logout", "/settings/api-keys", "/settings/users"} {
		if r := b.post(path, url.Values{"_csrf": {"nope"}, "name": {"k"}}); r.Code != http.StatusForbidden {
			t.Errorf("POST %s without token: %d", path, r.Code)
		}
	}
	if tests, _ := db.Tests(context.Background(), store.TestFilter{}); len(tests) != 0 {
		t.Fatalf("forged posts wrote %d tests", len(tests))
	}
	if keys, _ := db.APIKeys(context.Background()); len(keys) != 0 {
		t.Fatal("forged post made an API key")
	}
	// The header form (htmx) is accepted.
	r := b.htmx(http.MethodPost, "/tests", form, "")
	if r.Code != http.StatusNoContent || r.Header().Get("HX-Redirect") == "" {
		t.Fatalf("htmx post with header token: %d", r.Code)
	}
}

func TestRecruiterCannotReachAdminPages(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	signIn(t, srv, db, store.RoleAdmin)
	rec := signIn(t, srv, db, store.RoleRecruiter)
	for _, path := range []string{"/settings/users", "/settings/api-keys"} {
		r := rec.get(path)
		if r.Code != http.StatusForbidden || !strings.Contains(r.text("main"), "Only administrators") {
			t.Errorf("recruiter GET %s: %d", path, r.Code)
		}
	}
	rec.get("/tests")
	for _, path := range []string{"/settings/users", "/settings/api-keys", "/settings/users/1", "/settings/api-keys/1/revoke"} {
		if r := rec.post(path, url.Values{"name": {"x"}, "email": {"x@example.com"}, "password": {"long password!"}, "role": {"admin"}}); r.Code != http.StatusForbidden {
			t.Errorf("recruiter POST %s: %d", path, r.Code)
		}
	}
	if keys, _ := db.APIKeys(context.Background()); len(keys) != 0 {
		t.Fatal("recruiter made an API key")
	}
	if users, _ := db.Users(context.Background()); len(users) != 2 {
		t.Fatalf("recruiter changed users: %d", len(users))
	}
	// Recruiters do not see the admin navigation.
	if r := rec.get("/"); r.doc.Find(`a[href="/settings/users"]`).Length() != 0 {
		t.Error("recruiter sees the Users link")
	}
}

func TestErrorPagesCarryTheirStatus(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleAdmin)
	for path, status := range map[string]int{
		"/no-such-page":     http.StatusNotFound,
		"/tests/999":        http.StatusNotFound,
		"/tests/abc":        http.StatusNotFound,
		"/tests/-1/edit":    http.StatusNotFound,
		"/links/999":        http.StatusNotFound,
		"/static/nope.js":   http.StatusNotFound,
		"/tests/1/links/99": http.StatusNotFound,
	} {
		r := b.get(path)
		if r.Code != status {
			t.Errorf("GET %s: %d, want %d", path, r.Code, status)
			continue
		}
		if r.doc == nil || r.doc.Find(`[data-testid="error-page"]`).Length() != 1 || r.text("h1") != "Page not found" {
			t.Errorf("GET %s: no error page in %s", path, r.Body)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	srv, _ := newTestServer(t)
	r := newBrowser(t, srv).get("/setup")
	h := r.Header()
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline: %q", csp)
	}
	for k, v := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"} {
		if h.Get(k) != v {
			t.Errorf("%s = %q", k, h.Get(k))
		}
	}
	// No inline script anywhere in the page.
	r.doc.Find("script").Each(func(_ int, s *goquerySelection) {
		if src, _ := s.Attr("src"); src == "" {
			t.Error("inline <script> in the page")
		}
	})
}

func TestStaticAssetsAreCached(t *testing.T) {
	t.Parallel()
	srv, _ := newTestServer(t)
	b := newBrowser(t, srv)
	page := b.get("/setup")
	href, _ := page.doc.Find(`link[rel="stylesheet"]`).Attr("href")
	r := b.get(href)
	if r.Code != http.StatusOK || !strings.HasPrefix(r.Header().Get("Content-Type"), "text/css") {
		t.Fatalf("GET %s: %d %q", href, r.Code, r.Header().Get("Content-Type"))
	}
	if cc := r.Header().Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("versioned asset Cache-Control %q", cc)
	}
	r = b.get("/static/app.css")
	if cc := r.Header().Get("Cache-Control"); cc != "public, no-cache" {
		t.Errorf("unversioned asset Cache-Control %q", cc)
	}
	req := newRequest(http.MethodGet, "/static/app.css", r.Header().Get("ETag"))
	if r := b.do(req); r.Code != http.StatusNotModified {
		t.Errorf("conditional GET: %d", r.Code)
	}
	js, _ := page.doc.Find(`script[src*="htmx"]`).Attr("src")
	if r := b.get(js); r.Code != http.StatusOK || !strings.Contains(r.Body.String(), "htmx") {
		t.Errorf("htmx: %d", r.Code)
	}
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	r := newBrowser(t, srv).get("/healthz")
	if r.Code != http.StatusOK || !strings.Contains(r.Body.String(), `"ok"`) {
		t.Fatalf("healthz: %d %s", r.Code, r.Body)
	}
	db.Close()
	if r := newBrowser(t, srv).get("/healthz"); r.Code != http.StatusServiceUnavailable {
		t.Fatalf("healthz on a closed database: %d", r.Code)
	}
}

func TestUnknownPathsAre404ForAnonymousVisitors(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	signIn(t, srv, db, store.RoleAdmin)
	b := newBrowser(t, srv)
	for _, path := range []string{"/x/no-such-page", "/nope", "/t/abc/def"} {
		r := b.get(path)
		if r.Code != http.StatusNotFound || r.text("h1") != "Page not found" {
			t.Errorf("anonymous GET %s: %d", path, r.Code)
		}
		if r.doc.Find(`a[href="/tests"]`).Length() != 0 {
			t.Errorf("anonymous 404 at %s shows the console navigation", path)
		}
	}
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleAdmin)
	tt, _ := db.CreateTest(context.Background(), store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	send := true
	db.Invite(context.Background(), store.NewInvitation{TestID: tt.ID, Name: "A", Email: "a@example.com", SendEmail: &send, Source: store.SourceNative})
	b.get("/tests")
	b.get("/nope")
	r := b.get("/metrics")
	body := r.Body.String()
	if r.Code != http.StatusOK || !strings.HasPrefix(r.Header().Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("%d %q", r.Code, r.Header().Get("Content-Type"))
	}
	for _, want := range []string{
		`testgate_http_requests_total{method="GET",route="/tests",status="200"} 1`,
		`testgate_http_requests_total{method="GET",route="/*",status="404"} 1`,
		`testgate_invitations{status="invited"} 1`,
		`testgate_outbox_messages{status="queued"} 1`,
		`testgate_callback_deliveries{status="pending"} 0`,
		"# TYPE testgate_http_requests_total counter",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q in:\n%s", want, body)
		}
	}
}
