package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"testgate/store"
	"testgate/store/pgtest"
)

// server is one `serve` on the shared database.
type server struct {
	base string
	stop func()
}

// startServer runs serve until the test ends (or stop), on db.
func startServer(t *testing.T, db string, env ...string) server {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var logs bytes.Buffer
	go func() {
		done <- run(ctx, append([]string{"serve", "--db", db, "--addr", addr, "--base-url", "http://" + addr, "--log-level", "warn"}, env...),
			io.Discard, &logs)
	}()
	waitHealthy(t, "http://"+addr)
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v\n%s", err, logs.String())
		}
	}
	t.Cleanup(stop)
	return server{base: "http://" + addr, stop: stop}
}

// TestTwoServersShareOnePostgres runs two serve processes on one
// PostgreSQL database, as behind a reverse proxy: a recruiter signed in on
// one is signed in on the other; failed sign-ins count across both; a
// candidate's page on one shows what they did on the other; and the two
// outbox workers send every email once.
func TestTwoServersShareOnePostgres(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDatabase(t)
	for _, args := range [][]string{{"migrate", "--db", db},
		{"user", "create", "--db", db, "--email", "rita@example.com", "--password", "rita's password", "--role", "admin"}} {
		if _, stderr, err := runCmd(t, args...); err != nil {
			t.Fatalf("%v: %v %s", args, err, stderr)
		}
	}
	out, _, err := runCmd(t, "apikey", "create", "--db", db, "--name", "ats")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	key := lines[len(lines)-1]
	a, b := startServer(t, db), startServer(t, db)

	// Signed in on a, the recruiter is signed in on b (the jar sends the
	// cookie to both: cookies are per host, not per port).
	jar, _ := cookiejar.New(nil)
	console := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	signIn := func(base, password string) int {
		t.Helper()
		resp, err := console.PostForm(base+"/login", url.Values{"_csrf": {csrfOf(t, console, base+"/login")},
			"email": {"rita@example.com"}, "password": {password}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := signIn(a.base, "rita's password"); code != http.StatusSeeOther {
		t.Fatalf("sign in on a: %d", code)
	}
	if page := get(t, console, b.base+"/tests"); !strings.Contains(page, `data-testid="current-user">rita@example.com`) {
		t.Fatalf("b does not know the session a made:\n%.400s", page)
	}

	// Failed sign-ins count across both: the fifth locks the account on
	// either, the right password included.
	other, _ := cookiejar.New(nil)
	console.Jar = other
	for i := range 5 {
		if code := signIn([]string{a.base, b.base}[i%2], "wrong password"); code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, code)
		}
	}
	for _, s := range []server{a, b} {
		if code := signIn(s.base, "rita's password"); code != http.StatusTooManyRequests {
			t.Fatalf("after five failures across both, %s answered %d", s.base, code)
		}
	}

	// A candidate invited through a opens their page on a, starts on b,
	// and a shows the test started.
	api := func(s server, method, path string, body any) map[string]any {
		t.Helper()
		raw, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, s.base+"/api/native"+path, bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-API-Key", key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		if resp.StatusCode >= 300 {
			t.Fatalf("%s %s: %d %v", method, path, resp.StatusCode, out)
		}
		return out
	}
	test := api(a, http.MethodPost, "/tests", map[string]any{"name": "Go", "kind": "assessment", "durationMinutes": 30,
		"questions": []map[string]any{{"text": "2 + 2?", "kind": "single", "options": []string{"3", "4"}, "correct": []int{1}}}})
	link := api(b, http.MethodPost, fmt.Sprintf("/tests/%v/links", test["id"]), map[string]any{"name": "Drive", "sendEmail": true})
	var tokens []string
	total := func(s server) float64 {
		return api(s, http.MethodGet, fmt.Sprintf("/invitations?linkId=%v&pageSize=1", link["id"]), nil)["total"].(float64)
	}
	for i := range 40 {
		inv := api([]server{a, b}[i%2], http.MethodPost, fmt.Sprintf("/links/%v/invitations", link["id"]),
			map[string]any{"name": fmt.Sprintf("Cand %d", i), "email": fmt.Sprintf("cand%d@example.com", i)})
		tokens = append(tokens, strings.TrimPrefix(inv["testUrl"].(string), a.base))
	}
	// Each counts what the other wrote: a count read before the other's
	// write is dropped by the other's notice, a moment after its commit
	// (caches across processes follow PostgreSQL's LISTEN/NOTIFY).
	soon := func(what string, check func() bool) {
		t.Helper()
		for deadline := time.Now().Add(2 * time.Second); !check(); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal(what)
			}
		}
	}
	for i, pair := range [][2]server{{a, b}, {b, a}} {
		counted := total(pair[0])
		api(pair[1], http.MethodPost, fmt.Sprintf("/links/%v/invitations", link["id"]),
			map[string]any{"name": fmt.Sprintf("Late %d", i), "email": fmt.Sprintf("late%d@example.com", i)})
		soon(fmt.Sprintf("%s never counts the other's invitation (counted %v)", pair[0].base, counted), func() bool { return total(pair[0]) == counted+1 })
	}
	tokens = append(tokens, "", "") // their emails too

	candidate := &http.Client{CheckRedirect: console.CheckRedirect}
	token := strings.TrimPrefix(tokens[0], b.base)
	if page := get(t, candidate, a.base+token); !strings.Contains(page, "/start") {
		t.Fatalf("the candidate's page on a:\n%.400s", page)
	}
	resp, err := candidate.PostForm(b.base+token+"/start", url.Values{})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("start on b: %v %v", err, resp)
	}
	resp.Body.Close()
	// An answer posted to a right after the start on b is saved: a write
	// decides on what the database holds, not on a's cached page.
	question := fmt.Sprintf("q%v", test["questions"].([]any)[0].(map[string]any)["id"])
	resp, err = candidate.PostForm(a.base+token+"/answers", url.Values{"action": {"autosave"}, question: {"1"}})
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("an answer on a right after the start on b: %v %v", err, resp)
	}
	resp.Body.Close()
	soon("a still offers the start after b started the test", func() bool {
		return !strings.Contains(get(t, candidate, a.base+token), `action="`+token+`/start"`)
	})

	// Both outbox workers drain the one outbox: each email once.
	store, err := store.Open(context.Background(), db, store.Offline)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var sent, attempts int
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		store.ReadOnly().QueryRow(`SELECT COUNT(*), COALESCE(SUM(attempts), 0) FROM outbox WHERE status = 'sent'`).Scan(&sent, &attempts)
		if sent == len(tokens) {
			break
		}
	}
	if sent != len(tokens) || attempts != len(tokens) {
		t.Fatalf("%d of %d emails sent, in %d attempts", sent, len(tokens), attempts)
	}
}

func get(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

func csrfOf(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	m := csrfRe.FindStringSubmatch(get(t, c, u))
	if m == nil {
		t.Fatalf("no form at %s", u)
	}
	return strings.ReplaceAll(m[1], "&#43;", "+")
}
