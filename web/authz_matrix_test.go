package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"testgate/store"
	"testgate/web/api/thinkexam"
)

// surface says who may call a route; every route of the router must have
// one, so a new route cannot be left out of the matrix below.
type surface int

const (
	public       surface = iota // anyone: candidates, health, assets, sign-in
	console                     // signed-in recruiters and admins
	consoleAdmin                // admins only
	apiKeyed                    // X-API-Key or Bearer (native, iMocha, Testinvite)
	xobinKeyed                  // apiKey header
	thinkExam                   // ak, sgn, ts headers
)

func routeSurface(method, path string) (surface, bool) {
	switch {
	case path == "/healthz" || path == "/metrics" || path == "/static/:name" || path == "/brand/logo" || path == "/api/native/openapi.json" || path == "/api/v1/openapi.json" || path == "/api/v2/openapi.json" || path == "/api/integration/rest/v1/openapi.json" || path == "/v3/openapi.json" || path == "/api/greenhouse/openapi.json" || path == "/api/ashby/openapi.json",
		strings.HasPrefix(path, "/t/:token"), strings.HasPrefix(path, "/l/:slug"), path == "/reports/:file",
		path == "/setup" || path == "/login" || path == "/logout", path == "/password/:token", strings.HasPrefix(path, "/login/oidc"),
		path == "/login/forgot",
		path == "/api/v1/generateSignature":
		return public, true
	case strings.HasPrefix(path, "/api/native/"), strings.HasPrefix(path, "/v3/"), strings.HasPrefix(path, "/api/integration/rest/v1/"),
		strings.HasPrefix(path, "/api/greenhouse/"), strings.HasPrefix(path, "/api/ashby/"):
		return apiKeyed, true
	case strings.HasPrefix(path, "/assessments/"), strings.HasPrefix(path, "/assessment/"), strings.HasPrefix(path, "/automated-interviews/"),
		strings.HasPrefix(path, "/ai-interviews/"), strings.HasPrefix(path, "/candidate/"), strings.HasPrefix(path, "/api/v2/"):
		return xobinKeyed, true
	case strings.HasPrefix(path, "/api/v1/"):
		return thinkExam, true
	case strings.HasPrefix(path, "/settings/"), path == "/invitations/:id/erase", path == "/invitations/:id/candidate-data.json":
		return consoleAdmin, true
	case path == "/" || regexp.MustCompile(`^/(tests|links|invitations|imports|outbox|mailbox|deliveries|bank)(/|\.csv$|$)`).MatchString(path):
		return console, true
	}
	return 0, false
}

// concrete fills a route's parameters with an id nothing has: whoever gets
// in finds nothing to change (a 404 is "in"), so the matrix cannot revoke
// its own key or disable its own admin on the way.
func concrete(path string) string {
	return regexp.MustCompile(`:[a-zA-Z_]+`).ReplaceAllString(path, "987654")
}

func matrixRoutes(t *testing.T, srv *Server) []struct{ method, path string } {
	var out []struct{ method, path string }
	for _, r := range srv.Echo().Routes() {
		if r.Method == "echo_route_not_found" || r.Path == "/*" {
			continue
		}
		if _, ok := routeSurface(r.Method, r.Path); !ok {
			t.Errorf("%s %s has no place in the authorization matrix: add it to routeSurface", r.Method, r.Path)
			continue
		}
		out = append(out, struct{ method, path string }{r.Method, r.Path})
	}
	if len(out) < 60 {
		t.Fatalf("only %d routes listed", len(out))
	}
	return out
}

// TestAuthorizationMatrix calls every route of the router as an anonymous
// visitor, a recruiter, an admin, with no API key and a wrong one, and
// with a valid key, and checks who gets in.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	admin := signIn(t, srv, db, store.RoleAdmin)
	recruiter := signIn(t, srv, db, store.RoleRecruiter)
	admin.get("/") // tokens as of after the sign-in
	recruiter.get("/")
	anon := newBrowser(t, srv)
	anon.get("/login") // an anonymous CSRF token, so the check reached is the sign-in one
	key, _ := db.CreateAPIKey(context.Background(), store.NewAPIKey{Name: "matrix"})
	enableATSs(t, db)
	scoped := map[store.KeyScope]store.CreatedAPIKey{}
	for _, s := range store.KeyScopes {
		scoped[s], _ = db.CreateAPIKey(context.Background(), store.NewAPIKey{Name: "matrix " + string(s), Scope: s})
	}
	soon := db.Now().Add(time.Hour)
	expired, _ := db.CreateAPIKey(context.Background(), store.NewAPIKey{Name: "matrix expired", ExpiresAt: &soon})
	later := db.Now().Add(2 * time.Hour)
	db.SetClock(func() time.Time { return later })

	for _, r := range matrixRoutes(t, srv) {
		where, _ := routeSurface(r.method, r.path)
		path := concrete(r.path)
		send := func(b *browser, header map[string]string) int {
			req := httptest.NewRequest(r.method, path, strings.NewReader(url.Values{"_csrf": {b.csrf}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if r.method != http.MethodGet {
				req.Header.Set("X-CSRF-Token", b.csrf)
			}
			for k, v := range header {
				req.Header.Set(k, v)
			}
			return b.do(req).Code
		}
		switch where {
		case console, consoleAdmin:
			if code := send(anon, nil); code != http.StatusSeeOther && code != http.StatusUnauthorized {
				t.Errorf("%s %s anonymous: %d, want the sign-in", r.method, r.path, code)
			}
			code := send(recruiter, nil)
			if where == consoleAdmin && code != http.StatusForbidden {
				t.Errorf("%s %s recruiter: %d, want 403", r.method, r.path, code)
			}
			if where == console && (code == http.StatusForbidden || code == http.StatusUnauthorized) {
				t.Errorf("%s %s recruiter: %d, want in", r.method, r.path, code)
			}
			if code := send(admin, nil); code == http.StatusForbidden || code == http.StatusUnauthorized {
				t.Errorf("%s %s admin: %d, want in", r.method, r.path, code)
			}
		case apiKeyed, xobinKeyed, thinkExam:
			if strings.HasPrefix(r.path, "/api/greenhouse/") || strings.HasPrefix(r.path, "/api/ashby/") {
				enableATSs(t, db) // the admin's pass over Settings → Integrations may have switched it off
			}
			header := map[string]string{"X-API-Key": "tgk_wrong", "Authorization": "Bearer tgk_wrong", "apiKey": "tgk_wrong",
				"ak": key.PublicID, "ts": strconv.FormatInt(time.Now().Unix(), 10), "sgn": "wrong"}
			if code := send(anon, nil); code != http.StatusUnauthorized {
				t.Errorf("%s %s without a key: %d, want 401", r.method, r.path, code)
			}
			if code := send(anon, header); code != http.StatusUnauthorized {
				t.Errorf("%s %s with a wrong key: %d, want 401", r.method, r.path, code)
			}
			// Signed in to the console is no API credential.
			if code := send(admin, nil); code != http.StatusUnauthorized {
				t.Errorf("%s %s with a console session: %d, want 401", r.method, r.path, code)
			}
			ts := strconv.FormatInt(db.Now().Unix(), 10)
			credentials := func(k store.CreatedAPIKey) map[string]string {
				return map[string]string{"X-API-Key": k.Key, "apiKey": k.Key, "ak": k.PublicID, "ts": ts,
					"sgn": thinkexam.Signature(k.SigningSecret, k.PublicID, ts)}
			}
			if code := send(anon, credentials(key)); code == http.StatusUnauthorized || code == http.StatusForbidden {
				t.Errorf("%s %s with a valid key: %d, want in", r.method, r.path, code)
			}
			if code := send(anon, credentials(expired)); code != http.StatusUnauthorized {
				t.Errorf("%s %s with an expired key: %d, want 401", r.method, r.path, code)
			}
			need := keyScopeNeeded(r.method, r.path)
			for s, k := range scoped {
				code := send(anon, credentials(k))
				if s.Reaches(need) && (code == http.StatusUnauthorized || code == http.StatusForbidden) {
					t.Errorf("%s %s with a %s key: %d, want in", r.method, r.path, s, code)
				}
				if !s.Reaches(need) && code != http.StatusForbidden {
					t.Errorf("%s %s with a %s key: %d, want 403 (it needs %s)", r.method, r.path, s, code, need)
				}
			}
		}
	}
}

// enableATSs switches on every ATS integration, whose routes refuse
// every key while it is off.
func enableATSs(t testing.TB, db *store.DB) {
	t.Helper()
	for _, ats := range []string{store.ATSGreenhouse, store.ATSAshby} {
		if err := db.SaveATSIntegration(context.Background(), store.ATSIntegration{ATS: ats, Enabled: true}); err != nil {
			t.Fatal(err)
		}
	}
}

// keyScopeNeeded is what an API route needs of a key, written from the
// scopes' definitions rather than read from the router: reading needs
// read; creating, cancelling and re-attempting invitations needs invite
// (each dialect's invite, bulk invite, cancel, revoke, deassign,
// registration and reattempt calls); anything else needs full.
func keyScopeNeeded(method, path string) store.KeyScope {
	invitationCall := regexp.MustCompile(`(/invitations|/invitations/bulk|/invite|/cancel|/reattempt|/revoke|/assignTest|/assignTestMultiCandidates|/deassignTest|/unifiedAuth|/candidates(/:candidateId)?|/send_test|/assessment\.start|/assessment\.cancel)$`)
	switch {
	case method == http.MethodGet, path == "/v3/candidates/testattempts", path == "/api/v1/candidateList", // searches, posted
		path == "/api/greenhouse/response_error", // a report of an answer Greenhouse could not read
		path == "/api/ashby/assessment.list":

		return store.ScopeRead
	case strings.Contains(path, "/candidate/delete"): // erasing a candidate, or calling it off
		return store.ScopeFull
	case invitationCall.MatchString(path) && !strings.HasPrefix(path, "/api/native/candidates/"):
		return store.ScopeInvite
	}
	return store.ScopeFull
}

// TestCSRFOnEveryStateChangingConsoleRoute posts to every console route
// that changes state, signed in as an admin, without the CSRF token and
// with a wrong one: each is refused before it does anything.
func TestCSRFOnEveryStateChangingConsoleRoute(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	admin := signIn(t, srv, db, store.RoleAdmin)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "CSRF", Kind: store.KindAssessment, DurationMinutes: 10}, nil)
	checked := 0
	for _, r := range matrixRoutes(t, srv) {
		where, _ := routeSurface(r.method, r.path)
		if r.method == http.MethodGet || (where != console && where != consoleAdmin && r.path != "/logout") {
			continue
		}
		for name, token := range map[string]string{"no token": "", "wrong token": "not-the-token"} {
			req := httptest.NewRequest(r.method, concrete(r.path), strings.NewReader(url.Values{"_csrf": {token}, "name": {"Changed"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if code := admin.do(req).Code; code != http.StatusForbidden {
				t.Errorf("%s %s with %s: %d, want 403", r.method, r.path, name, code)
			}
		}
		checked++
	}
	if got, _ := db.Test(ctx, tt.ID); got.Name != "CSRF" {
		t.Errorf("a forged post changed the test: %q", got.Name)
	}
	if checked < 25 {
		t.Fatalf("only %d state-changing routes", checked)
	}
}
