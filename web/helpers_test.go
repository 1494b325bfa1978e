package web

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	netmail "net/mail"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/crypto/bcrypt"

	"testgate/mail"
	"testgate/store"
	"testgate/store/dbproxy"
	"testgate/store/jobs"
	"testgate/store/testkit"
	"testgate/web/api/callbacks"
)

const testBaseURL = "http://testgate.test"

// newTestServer is a server on a fresh, migrated database in a temp dir;
// options change its configuration.
func newTestServer(t testing.TB, options ...func(*Config)) (*Server, *store.DB) {
	t.Helper()
	return newTestServerAt(t, testBaseURL, options...)
}

// newTestServerAt is newTestServer with the public origin base.
func newTestServerAt(t testing.TB, base string, options ...func(*Config)) (*Server, *store.DB) {
	t.Helper()
	return newTestServerOn(t, migratedDatabase(t), base, options...)
}

// newTestServerOn is newTestServerAt on the migrated database at dsn.
func newTestServerOn(t testing.TB, dsn, base string, options ...func(*Config)) (*Server, *store.DB) {
	t.Helper()
	db, registry := openTestStore(t, dsn, base)
	cfg := Config{
		BaseURL:    base,
		SessionKey: []byte("0123456789abcdef0123456789abcdef"),
		Callbacks:  registry,
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	for _, o := range options {
		o(&cfg)
	}
	srv, err := New(db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv, db
}

// migratedDatabase is a migrated database of the test's own, copied from
// the package's template (testkit): a file in a temp dir, or a PostgreSQL
// database when the tests run there.
func migratedDatabase(t testing.TB) string {
	t.Helper()
	if onPostgres {
		return testkit.Postgres(t, migrateTemplate)
	}
	return testkit.SQLite(t, migrateTemplate)
}

// countedDatabase is migratedDatabase reached through a proxy that counts
// the round trips to it, for the tests that bound a request's; they run
// where round trips cross a network, on PostgreSQL.
func countedDatabase(t *testing.T) (*dbproxy.Proxy, string) {
	t.Helper()
	if !onPostgres {
		t.Skip("round trips to a database server: PostgreSQL's (SQLite's are calls in the process)")
	}
	return testkit.CountRoundTrips(t, migratedDatabase(t))
}

// migrateTemplate migrates testkit's template database.
func migrateTemplate(dsn string) error {
	db, err := store.Open(context.Background(), dsn, testWiring(testBaseURL, callbacks.NewRegistry()))
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Migrate(context.Background())
	return err
}

// testWiring wires a store as serve does — emails composed for base,
// callback bodies by the registry a server fills — with passwords hashed
// at bcrypt's lowest cost.
func testWiring(base string, registry *callbacks.Registry) store.Wiring {
	return store.Wiring{Composer: mail.NewComposer(base, &netmail.Address{Name: "Testgate", Address: "tests@testgate.test"}),
		Payloads: registry, PasswordCost: bcrypt.MinCost}
}

// openTestStore opens the database at path (migrating it if it is not
// yet), wired as serve wires it: emails composed for base, callback bodies
// by the registry a server fills.
func openTestStore(t testing.TB, path, base string) (*store.DB, *callbacks.Registry) {
	t.Helper()
	registry := callbacks.NewRegistry()
	db, err := store.Open(context.Background(), path, testWiring(base, registry))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	testDSNs.Store(db, path)
	return db, registry
}

// onPostgres says the tests run on PostgreSQL: make test runs the store's
// tests there too, and TESTGATE_TEST_STORE=postgres runs these.
var onPostgres = os.Getenv("TESTGATE_TEST_STORE") == "postgres"

// testDSNs remembers what each test database was opened on.
var testDSNs sync.Map // *store.DB → path or URL

// testDSN is the file or URL db was opened on.
func testDSN(db *store.DB) string {
	dsn, _ := testDSNs.Load(db)
	return dsn.(string)
}

// sqliteOnly marks a test of SQLite's own machinery (its file's bytes, its
// integrity check), which PostgreSQL has no counterpart of.
func sqliteOnly(t *testing.T, what string) {
	t.Helper()
	if onPostgres {
		t.Skip(what + ": SQLite's own")
	}
}

// behindTheBack is a handle on the test's database that writes without
// the store knowing; its statements take no parameters.
func behindTheBack(t *testing.T, db *store.DB) *sql.DB {
	t.Helper()
	driver, dsn := "sqlite", "file:"+testDSN(db)+"?_pragma=busy_timeout(5000)"
	if onPostgres {
		driver, dsn = "pgx", testDSN(db)
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// browser is a cookie-keeping client that drives the server through
// ServeHTTP, the way a browser with JavaScript off would.
type browser struct {
	t       *testing.T
	srv     *Server
	cookies map[string]*http.Cookie
	csrf    string // from the last page that had a form
	ip      string
}

func newBrowser(t *testing.T, srv *Server) *browser {
	return &browser{t: t, srv: srv, cookies: map[string]*http.Cookie{}, ip: "192.0.2.10:5555"}
}

// response is what came back, with the HTML parsed when there is some.
type response struct {
	*httptest.ResponseRecorder
	doc *goquery.Document
}

func (r response) text(selector string) string {
	return strings.TrimSpace(r.doc.Find(selector).Text())
}

func (b *browser) do(req *http.Request) response {
	b.t.Helper()
	req.RemoteAddr = b.ip
	for _, c := range b.cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	b.srv.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	resp := response{ResponseRecorder: rec}
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		doc, err := goquery.NewDocumentFromReader(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			b.t.Fatal(err)
		}
		resp.doc = doc
		if tok, ok := doc.Find(`input[name="_csrf"]`).First().Attr("value"); ok {
			b.csrf = tok
		}
	}
	return resp
}

func (b *browser) get(path string) response {
	b.t.Helper()
	return b.do(httptest.NewRequest(http.MethodGet, path, nil))
}

// post submits a form with the page's CSRF token.
func (b *browser) post(path string, form url.Values) response {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, set := form["_csrf"]; !set {
		form.Set("_csrf", b.csrf)
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// htmx sends a form the way htmx does: token in the header, HX-Request set.
func (b *browser) htmx(method, path string, form url.Values, target string) response {
	b.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
	if method == http.MethodGet {
		req = httptest.NewRequest(method, path+"?"+form.Encode(), nil)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Target", target)
	req.Header.Set("X-CSRF-Token", b.csrf)
	return b.do(req)
}

// signIn creates a user with the role (the first one through /setup) and
// signs the browser in.
func signIn(t *testing.T, srv *Server, db *store.DB, role store.Role) *browser {
	t.Helper()
	b := newBrowser(t, srv)
	email := string(role) + "@example.com"
	if n, _ := db.CountUsers(context.Background()); n == 0 {
		b.get("/setup")
		r := b.post("/setup", url.Values{"email": {"first-admin@example.com"}, "password": {"admin password"}})
		if r.Code != http.StatusSeeOther {
			t.Fatalf("setup: %d %s", r.Code, r.Body)
		}
		if role == store.RoleAdmin {
			return b
		}
		b = newBrowser(t, srv)
	}
	if _, err := db.CreateUser(context.Background(), store.NewUser{Email: email, Password: "password for " + string(role), Role: role}); err != nil {
		t.Fatal(err)
	}
	b.get("/login")
	r := b.post("/login", url.Values{"email": {email}, "password": {"password for " + string(role)}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("sign in: %d %s", r.Code, r.Body)
	}
	return b
}

// api calls the native API with a key.
func api(t *testing.T, srv *Server, method, path, key string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	switch v := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(v)
	default:
		buf, _ := json.Marshal(v)
		rd = bytes.NewReader(buf)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("X-API-Key", key)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	checkNativeAnswer(t, req, rec)
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s %s: content type %q, body %s", method, path, ct, rec.Body)
	}
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s %s: %v in %s", method, path, err, rec.Body)
	}
	return rec.Code, out
}

type goquerySelection = goquery.Selection

func newRequest(method, path, ifNoneMatch string) *http.Request {
	req := httptest.NewRequest(method, path, nil)
	if ifNoneMatch != "" {
		req.Header.Set("If-None-Match", ifNoneMatch)
	}
	return req
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

// markStarted starts an invitation as the candidate would.
func markStarted(t testing.TB, db *store.DB, id int64) {
	t.Helper()
	if _, err := db.StartInvitation(context.Background(), id); err != nil {
		t.Fatal(err)
	}
}

// postConfirmed submits a destructive form the way a person does: the
// first post answers the confirmation page, which must say what it
// touches; its button posts again with everything the form carried.
func (b *browser) postConfirmed(path string, form url.Values) (question, result response) {
	b.t.Helper()
	question = b.post(path, form)
	if question.Code != http.StatusOK || question.doc.Find(`[data-testid="confirmation"]`).Length() != 1 {
		b.t.Fatalf("POST %s did not ask first: %d", path, question.Code)
	}
	again := url.Values{}
	question.doc.Find(`[data-testid="confirmation"] form input[type="hidden"]`).Each(func(_ int, in *goquery.Selection) {
		name, _ := in.Attr("name")
		value, _ := in.Attr("value")
		if name != "_csrf" {
			again.Add(name, value)
		}
	})
	action, _ := question.doc.Find(`[data-testid="confirmation"] form`).Attr("action")
	return question, b.post(action, again)
}

// runWorker runs a background job as serve does, in the store's workers
// (woken by the commits that make its work due), until the test ends.
func runWorker(tb testing.TB, db *store.DB, name string, job jobs.Job, s jobs.Schedule) *jobs.Workers {
	ws := jobs.New(slog.New(slog.NewTextHandler(io.Discard, nil)))
	ws.Add(name, job, s)
	db.StartWorkers(context.Background(), ws)
	tb.Cleanup(func() { ws.Stop(context.Background()) })
	return ws
}
