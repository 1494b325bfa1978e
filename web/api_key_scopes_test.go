package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"testgate/store"
	"testgate/web/api/thinkexam"
)

// A read-only key is refused an invitation on every dialect, in that
// dialect's own error shape, and nothing is written; an invite key
// invites but may not create a test.
func TestScopedKeysInEveryDialect(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	link, _ := db.DefaultLink(ctx, tt.ID)
	reader, _ := db.CreateAPIKey(ctx, store.NewAPIKey{Name: "dashboard", Scope: store.ScopeRead})
	inviter, _ := db.CreateAPIKey(ctx, store.NewAPIKey{Name: "ats", Scope: store.ScopeInvite})
	id, lid := strconv.FormatInt(tt.ID, 10), strconv.FormatInt(link.ID, 10)

	call := func(k store.CreatedAPIKey, method, path, body string) (int, map[string]any) {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-API-Key", k.Key)
		req.Header.Set("apiKey", k.Key)
		ts := strconv.FormatInt(db.Now().Unix(), 10)
		req.Header.Set("ak", k.PublicID)
		req.Header.Set("ts", ts)
		req.Header.Set("sgn", thinkexam.Signature(k.SigningSecret, k.PublicID, ts))
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		var out map[string]any
		json.Unmarshal(rec.Body.Bytes(), &out)
		return rec.Code, out
	}
	for _, c := range []struct {
		dialect, path, body string
		message             func(map[string]any) string
	}{
		{"native", "/api/native/links/" + lid + "/invitations", `{"email":"a@scope.example","name":"A"}`,
			func(o map[string]any) string { return o["error"].(map[string]any)["message"].(string) }},
		{"iMocha", "/v3/tests/" + id + "/invite", `{"email":"a@scope.example","name":"A"}`,
			func(o map[string]any) string { return o["errors"].([]any)[0].(string) }},
		{"Testinvite", "/api/integration/rest/v1/tasks/" + id + "/candidates", `{"email":"a@scope.example","name":"A"}`,
			func(o map[string]any) string { return o["error"].(map[string]any)["message"].(string) }},
		{"Xobin", "/assessments/invite", `{"assessment_id":` + id + `,"candidates":[{"email":"a@scope.example","name":"A"}]}`,
			func(o map[string]any) string { return o["error"].(string) }},
		{"ThinkExam", "/api/v1/assignTest", `{"email":"a@scope.example","testId":"` + id + `"}`,
			func(o map[string]any) string { return o["error"].(map[string]any)["msg"].(string) }},
	} {
		code, out := call(reader, http.MethodPost, c.path, c.body)
		if code != http.StatusForbidden {
			t.Errorf("%s with a read key: %d %v", c.dialect, code, out)
			continue
		}
		if msg := c.message(out); !strings.Contains(msg, "may only read") {
			t.Errorf("%s refusal: %q", c.dialect, msg)
		}
	}
	if _, total, _ := db.Invitations(ctx, store.InvitationFilter{}); total != 0 {
		t.Fatalf("%d invitations written by refused calls", total)
	}
	if code, _ := call(reader, http.MethodGet, "/api/native/tests/"+id, ""); code != http.StatusOK {
		t.Fatalf("a read key reading: %d", code)
	}
	if code, out := call(inviter, http.MethodPost, "/api/native/links/"+lid+"/invitations", `{"email":"b@scope.example","name":"B"}`); code != http.StatusCreated {
		t.Fatalf("an invite key inviting: %d %v", code, out)
	}
	code, out := call(inviter, http.MethodPost, "/api/native/tests", `{"name":"New","kind":"assessment","durationMinutes":10}`)
	if code != http.StatusForbidden || !strings.Contains(out["error"].(map[string]any)["message"].(string), "full scope") {
		t.Fatalf("an invite key creating a test: %d %v", code, out)
	}
}

// An admin makes a key with a scope and an expiry; the list shows them and
// the key's last use; once expired the key is refused.
func TestAPIKeyScopeAndExpiryFromTheConsole(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	admin := signIn(t, srv, db, store.RoleAdmin)
	admin.get("/settings/api-keys")
	r := admin.post("/settings/api-keys", url.Values{"name": {"Reporting"}, "scope": {"read"}, "expiresAt": {"2020-01-01T10:00"}})
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.text(`[data-testid="error-expiresAt"]`), "future") {
		t.Fatalf("an expiry in the past: %d %q", r.Code, r.text(`[data-testid="error-expiresAt"]`))
	}
	if r := admin.post("/settings/api-keys", url.Values{"name": {"Reporting"}, "scope": {"admin"}}); r.Code != http.StatusUnprocessableEntity ||
		r.text(`[data-testid="error-scope"]`) == "" {
		t.Fatalf("an unknown scope: %d", r.Code)
	}
	expires := db.Now().Add(48 * time.Hour).UTC().Format("2006-01-02T15:04")
	r = admin.post("/settings/api-keys", url.Values{"name": {"Reporting"}, "scope": {"read"}, "expiresAt": {expires}, "team": {"1"}})
	if r.Code != http.StatusCreated {
		t.Fatalf("create: %d", r.Code)
	}
	key := r.text(`[data-testid="new-key"] [data-testid="new-key-value"] input`)
	if key == "" {
		key, _ = r.doc.Find(`[data-testid="new-key"] input`).First().Attr("value")
	}
	row := r.doc.Find(`[data-testid="keys-table"] tbody tr`).First()
	if row.Find(`[data-testid="key-scope"]`).Text() != "read only" || row.Find(`[data-testid="key-expires"]`).Text() == "—" ||
		row.Find(`[data-testid="key-team"]`).Text() != "Everyone" {
		t.Fatalf("list: scope %q, expires %q", row.Find(`[data-testid="key-scope"]`).Text(), row.Find(`[data-testid="key-expires"]`).Text())
	}
	if code, _ := api(t, srv, http.MethodGet, "/api/native/tests", key, nil); code != http.StatusOK {
		t.Fatalf("the new key reading: %d", code)
	}
	if got := admin.get("/settings/api-keys").doc.Find(`[data-testid="key-last-used"]`).First().Text(); got == "—" || got == "" {
		t.Fatalf("last use not shown: %q", got)
	}
	later := db.Now().Add(49 * time.Hour)
	db.SetClock(func() time.Time { return later })
	code, out := api(t, srv, http.MethodGet, "/api/native/tests", key, nil)
	if c, msg, _ := errorOf(out); code != http.StatusUnauthorized || c != "unauthorized" || !strings.Contains(msg, "expired") {
		t.Fatalf("an expired key: %d %v", code, out)
	}
}

// A key's "last used" is noted whichever dialect it was used through,
// Xobin's apiKey header and ThinkExam's signature included.
func TestLastUsedIsNotedInEveryDialect(t *testing.T) {
	t.Parallel()
	f := newThinkExamFixture(t)
	ctx := context.Background()
	xobinKey, _ := f.db.CreateAPIKey(ctx, store.NewAPIKey{Name: "xobin"})
	lastUsed := func(name string) *time.Time {
		keys, _ := f.db.APIKeys(ctx)
		for _, k := range keys {
			if k.Name == name {
				return k.LastUsedAt
			}
		}
		t.Fatalf("no key %q", name)
		return nil
	}
	if lastUsed("thinkexam") != nil || lastUsed("xobin") != nil {
		t.Fatal("new keys were used already")
	}
	f.call(t, "/api/v1/assignTest", `{}`, nil)
	req := httptest.NewRequest(http.MethodGet, "/assessments/report/999999", nil)
	req.Header.Set("apiKey", xobinKey.Key)
	f.srv.ServeHTTP(httptest.NewRecorder(), req)
	for _, name := range []string{"thinkexam", "xobin"} {
		if at := lastUsed(name); at == nil || !at.Equal(f.now) {
			t.Errorf("%s: last used %v", name, at)
		}
	}
	page := signIn(t, f.srv, f.db, store.RoleAdmin).get("/settings/api-keys")
	if n := page.doc.Find(`[data-testid="keys-table"] tbody tr`).Length(); n != 2 {
		t.Fatalf("the API keys page lists %d keys", n)
	}
	page.doc.Find(`[data-testid="keys-table"] tbody tr`).Each(func(_ int, row *goquerySelection) {
		if got := strings.TrimSpace(row.Find(`[data-testid="key-last-used"]`).Text()); got == "" || got == "—" {
			t.Errorf("the API keys page says a used key was not used: %q", row.Text())
		}
	})
}
