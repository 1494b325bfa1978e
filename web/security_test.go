package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"testgate/store"
)

// TestSQLInjectionThroughSearchAndFilters feeds SQL through every filter
// the console list and the native API take: none is run, none is a 5xx.
func TestSQLInjectionThroughSearchAndFilters(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleRecruiter)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "SQL", Kind: store.KindAssessment, DurationMinutes: 10}, nil)
	for i := range 3 {
		db.Invite(ctx, store.NewInvitation{TestID: tt.ID, Name: "Person " + idStr(int64(i)), Email: "p" + idStr(int64(i)) + "@example.com", Source: store.SourceNative})
	}
	key, _ := db.CreateAPIKey(ctx, store.NewAPIKey{Name: "sqli"})
	payloads := []string{`' OR 1=1 --`, `x" OR "1"="1`, `%' UNION SELECT token, token FROM invitations --`, `1; DROP TABLE invitations`,
		`\' OR 1=1 #`, `" OR invitations_search MATCH '*`, `NEAR(a b)`, `*`, `AND OR NOT`, `"unterminated`}
	for _, p := range payloads {
		for _, param := range []string{"q", "status", "sort", "dir", "link", "test", "page"} {
			r := b.get("/invitations?" + url.Values{param: {p}}.Encode())
			if r.Code != http.StatusOK {
				t.Errorf("console %s=%q: %d", param, p, r.Code)
			}
			if param == "q" && r.doc.Find("#invitations-table tbody tr").Length() != 0 {
				t.Errorf("console q=%q matched rows: the text was run", p)
			}
		}
		for _, param := range []string{"q", "status", "page", "pageSize", "testId", "linkId"} {
			code, out := api(t, srv, http.MethodGet, "/api/native/invitations?"+url.Values{param: {p}}.Encode(), key.Key, nil)
			items, _ := out["invitations"].([]any)
			switch {
			case param == "q" && (code != http.StatusOK || len(items) != 0):
				t.Errorf("api q=%q: %d, %d rows", p, code, len(items))
			case param != "q" && code != http.StatusBadRequest && code != http.StatusUnprocessableEntity:
				t.Errorf("api %s=%q: %d, want it refused", param, p, code)
			}
		}
	}
	if n := countRows(t, db, `SELECT COUNT(*) FROM invitations`); n != 3 {
		t.Fatalf("invitations: %d", n)
	}
}

const xss = `<script>alert("x")</script><img src=x onerror=alert(1)>`

// TestStoredXSSIsEscapedEverywhere types markup into every field a
// recruiter or candidate can fill and reads every page and email that
// shows it back.
func TestStoredXSSIsEscapedEverywhere(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleAdmin)
	ctx := context.Background()
	tt, err := db.CreateTest(ctx, store.TestInput{Name: "Test " + xss, Kind: store.KindAssessment, Instructions: "Read " + xss, DurationMinutes: 10},
		[]store.QuestionInput{{Text: "Q " + xss, Kind: store.QuestionSingle, Options: []string{"A " + xss, "B"}, Correct: []int{0}}})
	if err != nil {
		t.Fatal(err)
	}
	link, err := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Link " + xss, SendEmail: true, Public: true, Slug: "xss-link"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Cand " + xss, Email: "c@example.com", Source: store.SourceNative})
	if err != nil {
		t.Fatal(err)
	}
	db.CreateAPIKey(ctx, store.NewAPIKey{Name: "Key " + xss})
	db.CreateUser(ctx, store.NewUser{Email: "u@example.com", Password: "long password", Role: store.RoleRecruiter, Name: "User " + xss})
	msgs, _ := db.Outbox(ctx, store.OutboxFilter{Limit: 10})
	if len(msgs) == 0 {
		t.Fatal("no email")
	}
	pages := []string{"/", "/tests", "/tests/" + idStr(tt.ID), "/links/" + idStr(link.ID), "/links/" + idStr(link.ID) + "/import",
		"/invitations", "/invitations/" + idStr(res.Invitation.ID), "/outbox", "/outbox/" + idStr(msgs[0].ID),
		"/settings/api-keys", "/settings/users", "/tests/" + idStr(tt.ID) + "/edit", "/links/" + idStr(link.ID) + "/edit"}
	check := func(where, body string) {
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
			t.Errorf("%s shows the markup unescaped", where)
		}
	}
	for _, p := range pages {
		r := b.get(p)
		if r.Code != http.StatusOK {
			t.Errorf("%s: %d", p, r.Code)
		}
		check(p, r.Body.String())
	}
	candidate := newBrowser(t, srv)
	for _, p := range []string{"/t/" + res.Invitation.Token, "/l/xss-link"} {
		check(p, candidate.get(p).Body.String())
	}
	if !strings.Contains(b.get("/tests/"+idStr(tt.ID)).Body.String(), "Test &lt;script&gt;") {
		t.Error("the escaped name is not shown")
	}
	html := b.get("/outbox/" + idStr(msgs[0].ID) + "/html")
	check("email HTML", html.Body.String())
	check("email HTML in the store", msgs[0].HTML)
}

// lockedBuffer collects log lines from concurrent requests.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestSecretsNeverInLogs logs at debug level while keys, passwords,
// signing secrets, session cookies and candidate tokens cross the server,
// rightly and wrongly, and finds none of them in the log.
func TestSecretsNeverInLogs(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	var logs lockedBuffer
	srv.log = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	b := newBrowser(t, srv)
	b.get("/setup")
	b.post("/setup", url.Values{"email": {"admin@example.com"}, "password": {"first admin password"}})
	b.get("/")
	b.post("/logout", nil)
	b.get("/login")
	b.post("/login", url.Values{"email": {"admin@example.com"}, "password": {"a wrong password here"}})
	b.post("/login", url.Values{"email": {"admin@example.com"}, "password": {"first admin password"}})
	b.get("/settings/api-keys")
	created := b.post("/settings/api-keys", url.Values{"name": {"ats"}})
	ctx := context.Background()
	keys, _ := db.APIKeys(ctx)
	key, _ := db.CreateAPIKey(ctx, store.NewAPIKey{Name: "direct"})
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Logs", Kind: store.KindAssessment, DurationMinutes: 10}, nil)
	link, _ := db.DefaultLink(ctx, tt.ID)
	code, out := api(t, srv, http.MethodPost, "/api/native/links/"+idStr(link.ID)+"/invitations", key.Key, map[string]any{"name": "A", "email": "a@example.com"})
	if code != http.StatusCreated {
		t.Fatalf("invite: %d %v", code, out)
	}
	api(t, srv, http.MethodGet, "/api/native/tests", "tgk_wrong_"+key.Key[10:], nil)
	for _, secret := range []string{key.SigningSecret, "wrong-" + key.SigningSecret} {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/generateSignature", strings.NewReader(`{"ak":"`+key.PublicID+`","secret":"`+secret+`"}`))
		req.Header.Set("Content-Type", "application/json")
		srv.ServeHTTP(httptest.NewRecorder(), req)
	}
	b.get("/settings/webhooks")
	b.post("/settings/webhooks/rotate", nil)
	secrets, _ := srv.secrets.Current(ctx)
	inv, _, _ := db.Invitations(ctx, store.InvitationFilter{})
	candidate := newBrowser(t, srv)
	var tokens []string
	for _, i := range inv {
		tokens = append(tokens, i.Token)
		candidate.get("/t/" + i.Token)
	}

	text := logs.String()
	if !strings.Contains(text, `"route":"/api/native/tests"`) || !strings.Contains(text, "/t/:token") {
		t.Fatalf("the log did not record the requests:\n%s", text)
	}
	forbidden := map[string]string{"first password": "first admin password", "wrong password": "a wrong password here",
		"API key": key.Key, "signing secret": key.SigningSecret}
	for i, k := range keys {
		forbidden["console key's signing secret "+idStr(int64(i))] = k.SigningSecret
	}
	shown := regexp.MustCompile(`tgk_[A-Za-z0-9_-]{20,}`).FindString(created.Body.String())
	if shown == "" {
		t.Fatal("the console did not show the new key")
	}
	forbidden["key shown once"] = shown
	for i, s := range secrets {
		forbidden["webhook secret "+idStr(int64(i))] = s
	}
	for i, tok := range tokens {
		forbidden["candidate token "+idStr(int64(i))] = tok
	}
	for name, c := range b.cookies {
		forbidden["cookie "+name] = c.Value
	}
	if u, ok := out["testUrl"].(string); ok {
		forbidden["test URL"] = u
	}
	for what, secret := range forbidden {
		if len(secret) >= 8 && strings.Contains(text, secret) {
			t.Errorf("the log holds the %s", what)
		}
	}
}
