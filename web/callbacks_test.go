package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"testgate/store"
	"testgate/views/pdftext"
	"testgate/web/api/callbacks"
)

// receiver is a real HTTP endpoint that records callbacks and answers
// with the status the test sets.
type receiver struct {
	mu       sync.Mutex
	requests []receivedCallback
	status   int
	ts       *httptest.Server
}

type receivedCallback struct {
	Header http.Header
	Body   []byte
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{status: http.StatusOK}
	r.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.requests = append(r.requests, receivedCallback{req.Header.Clone(), body})
		status := r.status
		r.mu.Unlock()
		if status == http.StatusFound {
			http.Redirect(w, req, r.ts.URL+"/elsewhere", status)
			return
		}
		w.WriteHeader(status)
		io.WriteString(w, `{"ok": true}`)
	}))
	t.Cleanup(r.ts.Close)
	return r
}

func (r *receiver) got() []receivedCallback {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]receivedCallback(nil), r.requests...)
}

func (r *receiver) answer(status int) {
	r.mu.Lock()
	r.status = status
	r.mu.Unlock()
}

// verifyStandardWebhook checks a request the way a receiver would, with
// the Standard Webhooks scheme, written here independently of the server.
func verifyStandardWebhook(t *testing.T, secret string, h http.Header, body []byte) bool {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		t.Fatal(err)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(h.Get("webhook-id") + "." + h.Get("webhook-timestamp") + "." + string(body)))
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	for _, sig := range strings.Fields(h.Get("webhook-signature")) {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return true
		}
	}
	return false
}

type callbackFixture struct {
	srv    *Server
	db     *store.DB
	clock  *lockedClock
	test   store.Test
	link   store.TestLink
	worker *callbacks.Deliverer
}

type lockedClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *lockedClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *lockedClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func newCallbackFixture(t *testing.T, allowPrivate bool) *callbackFixture {
	t.Helper()
	base, db := newTestServer(t)
	clock := &lockedClock{now: time.Date(2027, 8, 2, 9, 0, 0, 0, time.UTC)}
	db.SetClock(clock.Now)
	srv, err := New(db, Config{BaseURL: testBaseURL, SessionKey: base.cfg.SessionKey, AllowPrivateCallbacks: allowPrivate, Callbacks: base.cfg.Callbacks,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 30, PassingScore: 50},
		[]store.QuestionInput{{Text: "2+2?", Kind: store.QuestionSingle, Options: []string{"3", "4"}, Correct: []int{1}}})
	link, _ := db.DefaultLink(ctx, tt.ID)
	f := &callbackFixture{srv: srv, db: db, clock: clock, test: tt, link: link}
	f.worker = newDeliverer(srv)
	f.worker.Lease = 100000 * time.Hour // the test clock jumps; a lease is real time
	return f
}

// newDeliverer makes the callbacks' job as serve does, for srv's store
// and configuration.
func newDeliverer(srv *Server) *callbacks.Deliverer {
	d := callbacks.NewDeliverer(srv.db, srv.secrets, srv.cfg.AllowPrivateCallbacks, srv.log)
	d.Protocols = srv.cfg.Callbacks
	return d
}

// step runs one pass of the fixture's worker, waits for the turns it
// handed out, and returns how many deliveries it handled.
func (f *callbackFixture) step(t *testing.T) int {
	t.Helper()
	n, err := f.worker.Pass(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	f.worker.Wait()
	return n
}

// delivery is an invitation's latest callback delivery.
func (f *callbackFixture) delivery(t *testing.T, invitationID int64) store.Delivery {
	t.Helper()
	ds, err := f.db.Deliveries(context.Background(), store.DeliveryFilter{InvitationID: invitationID})
	if err != nil || len(ds) == 0 {
		t.Fatalf("no delivery for invitation %d: %v", invitationID, err)
	}
	return ds[0]
}

// complete takes an iMocha invitation through to completion, right answer.
func (f *callbackFixture) complete(t *testing.T, callbackURL string) store.Invitation {
	t.Helper()
	ctx := context.Background()
	res, err := f.db.Invite(ctx, store.NewInvitation{TestID: f.test.ID, LinkID: f.link.ID, Name: "Ann", Email: "ann@example.com",
		Source: store.SourceIMocha, CallbackURL: &callbackURL})
	if err != nil {
		t.Fatal(err)
	}
	id := res.Invitation.ID
	f.db.StartInvitation(ctx, id)
	qs, _ := f.db.Questions(ctx, f.test.ID)
	f.db.SaveAnswers(ctx, id, []store.AnswerInput{{QuestionID: qs[0].ID, Choices: []int{1}}}, nil)
	inv, err := f.db.CompleteInvitation(ctx, id, "submitted")
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func TestCompletionCallbackIsSignedAndInIMochaShape(t *testing.T) {
	t.Parallel()
	f := newCallbackFixture(t, true)
	r := newReceiver(t)
	inv := f.complete(t, r.ts.URL+"/hook")
	// Written with the status changes, before any worker runs.
	ds, _ := f.db.Deliveries(context.Background(), store.DeliveryFilter{InvitationID: inv.ID})
	if len(ds) != 2 || ds[0].Event != store.EventCompleted || ds[1].Event != store.EventStarted || ds[0].Status != store.DeliveryPending {
		t.Fatalf("deliveries %+v", ds)
	}
	if n := f.step(t); n != 2 {
		t.Fatalf("a pass handled %d deliveries", n)
	}
	if n := f.step(t); n != 0 {
		t.Fatalf("a second pass handled %d deliveries", n)
	}
	got := r.got()
	if len(got) != 2 {
		t.Fatalf("%d callbacks received", len(got))
	}
	secret, _ := f.db.Setting(context.Background(), store.SettingWebhookSecret)
	var completed map[string]any
	official, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range got {
		if !verifyStandardWebhook(t, secret, c.Header, c.Body) {
			t.Fatalf("bad signature on %s", c.Body)
		}
		// The reference library agrees (the test clock is not the wall clock,
		// so its timestamp tolerance is left out).
		if err := official.VerifyIgnoringTimestamp(c.Body, c.Header); err != nil {
			t.Fatalf("standard-webhooks library: %v", err)
		}
		if ts, _ := strconv.ParseInt(c.Header.Get("webhook-timestamp"), 10, 64); ts != f.clock.Now().Unix() {
			t.Errorf("timestamp %d", ts)
		}
		if c.Header.Get("Content-Type") != "application/json" || !strings.HasPrefix(c.Header.Get("webhook-id"), "msg_") {
			t.Errorf("headers %v", c.Header)
		}
		var body map[string]any
		json.Unmarshal(c.Body, &body)
		if body["Status"] == "Complete" {
			completed = body
		}
	}
	if completed == nil {
		t.Fatal("no completion callback")
	}
	// As developer.imocha.io's "Callback notification" shows it.
	for k, want := range map[string]any{"TestInvitationId": float64(inv.ID), "CandidateEmailId": "ann@example.com", "Status": "Complete",
		"TotalScore": 1.0, "CandidateScore": 1.0, "ScorePercentage": 100.0, "PerformanceCategory": "Pass", "TestName": "Go",
		"AttemptedOn": "02-Aug-2027 09:00 AM", "AttemptedOnUtc": "2027-08-02T09:00:00"} {
		if completed[k] != want {
			t.Errorf("%s = %v, want %v", k, completed[k], want)
		}
	}
	// ReportPDFUrl is a real PDF, fetched without a key.
	pdfURL, _ := completed["ReportPDFUrl"].(string)
	req := httptest.NewRequest(http.MethodGet, strings.TrimPrefix(pdfURL, testBaseURL), nil)
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" ||
		!strings.Contains(pdftext.Of(t, rec.Body.Bytes()), "ann@example.com") {
		t.Errorf("ReportPDFUrl %q: %d %s", pdfURL, rec.Code, rec.Header().Get("Content-Type"))
	}
	// The delivery page shows what was sent and what came back.
	b := signIn(t, f.srv, f.db, store.RoleRecruiter)
	ds, _ = f.db.Deliveries(context.Background(), store.DeliveryFilter{})
	page := b.get("/deliveries/" + idStr(ds[0].ID))
	if page.text(`[data-testid="response-code"]`) != "200" || !strings.Contains(page.text(`[data-testid="delivery-payload"]`), `"TestInvitationId"`) {
		t.Fatalf("delivery page %q", page.text("main"))
	}
	if b.get(invitationPath(inv.ID)).doc.Find(`[data-testid="deliveries"] tbody tr`).Length() != 2 {
		t.Fatal("invitation page lacks its callbacks")
	}
	// A delivered callback is not retried; a failed one is, from the console.
	if r := b.post("/deliveries/"+idStr(ds[0].ID)+"/retry", nil); r.Code != http.StatusConflict {
		t.Fatalf("retry a delivered callback: %d", r.Code)
	}
	// An outcome only lands on a delivery being delivered: a late one
	// cannot turn a delivered callback back into a failed one.
	f.db.RecordDelivery(context.Background(), ds[0].ID, store.DeliveryOutcome{}, false, nil)
	if delivered, _ := f.db.Deliveries(context.Background(), store.DeliveryFilter{Status: store.DeliveryDelivered}); len(delivered) != 2 {
		t.Fatalf("deliveries %+v", delivered)
	}
}

func TestCallbacksAreRetriedThenGivenUp(t *testing.T) {
	t.Parallel()
	f := newCallbackFixture(t, true)
	r := newReceiver(t)
	r.answer(http.StatusInternalServerError)
	ctx := context.Background()
	url := r.ts.URL + "/hook"
	res, _ := f.db.Invite(ctx, store.NewInvitation{TestID: f.test.ID, LinkID: f.link.ID, Name: "B", Email: "b@example.com",
		Source: store.SourceNative, CallbackURL: &url})
	f.db.CancelInvitation(ctx, res.Invitation.ID, "user:x")
	f.step(t)
	d := f.delivery(t, res.Invitation.ID)
	if d.Status != store.DeliveryPending || d.ResponseCode != 500 || !d.NextAttemptAt.After(f.clock.Now()) || !strings.Contains(d.LastError, "500") {
		t.Fatalf("after a 500: %+v", d)
	}
	r.answer(http.StatusNoContent)
	if f.step(t); len(r.got()) != 1 {
		t.Fatal("retried before its time")
	}
	f.clock.Add(time.Hour)
	f.step(t)
	if d = f.delivery(t, res.Invitation.ID); d.Status != store.DeliveryDelivered || d.Attempts != 2 || d.ResponseCode != 204 {
		t.Fatalf("delivered: %+v", d)
	}
	// The native shape, for an invitation made through the native API.
	var body map[string]any
	json.Unmarshal(r.got()[1].Body, &body)
	data, _ := body["data"].(map[string]any)
	invitation, _ := data["invitation"].(map[string]any)
	if body["type"] != store.EventCancelled || body["id"] != r.got()[1].Header.Get("webhook-id") || invitation["status"] != "cancelled" {
		t.Fatalf("native payload %v", body)
	}

	// A receiver that keeps failing is given up on after a day.
	r.answer(http.StatusServiceUnavailable)
	other, _ := f.db.Invite(ctx, store.NewInvitation{TestID: f.test.ID, LinkID: f.link.ID, Name: "C", Email: "c@example.com",
		Source: store.SourceNative, CallbackURL: &url})
	f.db.CancelInvitation(ctx, other.Invitation.ID, "user:x")
	for range 40 {
		f.step(t)
		ds, _ := f.db.Deliveries(ctx, store.DeliveryFilter{InvitationID: other.Invitation.ID})
		if ds[0].Status == store.DeliveryFailed {
			if age := f.clock.Now().Sub(ds[0].CreatedAt); age < 24*time.Hour {
				t.Fatalf("failed after only %v", age)
			}
			// A person can send it again from the console.
			b := signIn(t, f.srv, f.db, store.RoleRecruiter)
			b.get("/deliveries/" + idStr(ds[0].ID))
			if r := b.post("/deliveries/"+idStr(ds[0].ID)+"/retry", nil); r.Code != http.StatusSeeOther {
				t.Fatalf("retry: %d", r.Code)
			}
			if d, _ := f.db.Delivery(ctx, ds[0].ID); d.Status != store.DeliveryPending && d.Status != store.DeliveryDelivering {
				t.Fatalf("after retry: %s", d.Status)
			}
			return
		}
		f.clock.Add(2 * time.Hour)
	}
	t.Fatal("never given up")
}

func TestCallbacksNeverReachPrivateAddressesUnlessAllowed(t *testing.T) {
	t.Parallel()
	f := newCallbackFixture(t, false)
	r := newReceiver(t) // on 127.0.0.1
	inv := f.complete(t, r.ts.URL+"/hook")
	f.step(t)
	if d := f.delivery(t, inv.ID); d.Attempts != 1 || d.Status != store.DeliveryPending || !strings.Contains(d.LastError, "private, local or special-purpose address") || d.ResponseCode != 0 {
		t.Fatalf("delivery to loopback: %+v", d)
	}
	if n := len(r.got()); n != 0 {
		t.Fatalf("the receiver on loopback got %d requests", n)
	}
}

func TestCallbackRedirectsAreNotFollowed(t *testing.T) {
	t.Parallel()
	f := newCallbackFixture(t, true)
	r := newReceiver(t)
	r.answer(http.StatusFound)
	inv := f.complete(t, r.ts.URL+"/hook")
	f.step(t)
	if d := f.delivery(t, inv.ID); d.ResponseCode != http.StatusFound || d.Status != store.DeliveryPending {
		t.Fatalf("redirect: %+v", d)
	}
	for _, c := range r.got() {
		if strings.Contains(string(c.Body), "elsewhere") {
			t.Fatal("redirect followed")
		}
	}
	if n := len(r.got()); n != 2 {
		t.Fatalf("%d requests: the redirect was followed", n)
	}
}

func TestWebhookSecretRotation(t *testing.T) {
	t.Parallel()
	f := newCallbackFixture(t, true)
	ctx := context.Background()
	old, _ := f.srv.secrets.Current(ctx)
	b := signIn(t, f.srv, f.db, store.RoleAdmin)
	r := b.get("/settings/webhooks")
	if v, _ := r.doc.Find("#webhook-secret").Attr("value"); v != old[0] || !strings.HasPrefix(v, "whsec_") {
		t.Fatalf("secret shown %q", v)
	}
	if r := b.post("/settings/webhooks/rotate", nil); r.Code != http.StatusSeeOther {
		t.Fatalf("rotate: %d", r.Code)
	}
	now, _ := f.srv.secrets.Current(ctx)
	if len(now) != 2 || now[1] != old[0] || now[0] == old[0] {
		t.Fatalf("after rotation %v", now)
	}
	sig, _ := callbacks.Sign(now, "msg_1", 1700000000, []byte(`{}`))
	h := http.Header{"Webhook-Id": {"msg_1"}, "Webhook-Timestamp": {"1700000000"}, "Webhook-Signature": {sig}}
	if !verifyStandardWebhook(t, old[0], h, []byte(`{}`)) || !verifyStandardWebhook(t, now[0], h, []byte(`{}`)) {
		t.Fatal("both secrets must verify during the overlap")
	}
	f.clock.Add(25 * time.Hour)
	if later, _ := f.srv.secrets.Current(ctx); len(later) != 1 || later[0] != now[0] {
		t.Fatalf("a day later %v", later)
	}
	// A recruiter cannot see or rotate it.
	rec := signIn(t, f.srv, f.db, store.RoleRecruiter)
	if r := rec.get("/settings/webhooks"); r.Code != http.StatusForbidden {
		t.Fatalf("recruiter: %d", r.Code)
	}
}

func TestIMochaCallbackReplay(t *testing.T) {
	t.Parallel()
	f := newIMochaFixture(t)
	url := "https://ats.example.com/hook"
	ctx := context.Background()
	res, _ := f.db.Invite(ctx, store.NewInvitation{TestID: f.test.ID, LinkID: f.campus.ID, Name: "R", Email: "r@example.com",
		Source: store.SourceIMocha, CallbackURL: &url})
	markStarted(t, f.db, res.Invitation.ID)
	f.db.CompleteInvitation(ctx, res.Invitation.ID, "submitted")
	// iMocha announces no cancellation: a cancelled invitation has nothing to send again.
	cancelled, _ := f.db.Invite(ctx, store.NewInvitation{TestID: f.test.ID, LinkID: f.campus.ID, Name: "C", Email: "c@example.com",
		Source: store.SourceIMocha, CallbackURL: &url})
	f.db.CancelInvitation(ctx, cancelled.Invitation.ID, "x")
	noCallback, _ := f.db.Invite(ctx, store.NewInvitation{TestID: f.test.ID, LinkID: f.campus.ID, Name: "S", Email: "s@example.com", Source: store.SourceIMocha})
	// An id not in the account refuses the request, as the page's failed
	// response shows, and nothing is sent again.
	body := `{"testinvitationIds": [` + idStr(res.Invitation.ID) + `, 999999, 999998]}`
	code, out := f.call(t, http.MethodPost, "/v3/callbacks/process", body, nil)
	if code != http.StatusUnauthorized || out["result"] != nil || strings.Join(errorsOf(out), "|") !=
		"testinvitationIds does not belong to account or not found|999999|999998" {
		t.Fatalf("replay with unknown ids: %d %v", code, out)
	}
	if ds, _ := f.db.Deliveries(ctx, store.DeliveryFilter{InvitationID: res.Invitation.ID}); len(ds) != 2 {
		t.Fatalf("%d deliveries after a refused replay, want started and completed", len(ds))
	}
	body = `{"testinvitationIds": [` + idStr(res.Invitation.ID) + `, ` + idStr(cancelled.Invitation.ID) + `, ` + idStr(noCallback.Invitation.ID) + `]}`
	code, out = f.call(t, http.MethodPost, "/v3/callbacks/process", body, nil)
	result, _ := out["result"].(map[string]any)
	ids, _ := result["testinvitationIds"].(map[string]any)
	if code != http.StatusOK || out["errors"] != nil || len(ids["successful"].([]any)) != 1 || len(ids["failed"].([]any)) != 2 {
		t.Fatalf("replay: %d %v", code, out)
	}
	if ds, _ := f.db.Deliveries(ctx, store.DeliveryFilter{InvitationID: res.Invitation.ID}); len(ds) != 3 {
		t.Fatalf("%d deliveries after replay, want started, completed and the replay", len(ds))
	}
	if ds, _ := f.db.Deliveries(ctx, store.DeliveryFilter{InvitationID: cancelled.Invitation.ID}); len(ds) != 0 {
		t.Fatalf("a cancellation was called back to an iMocha client: %d", len(ds))
	}
	many := make([]string, 101)
	for i := range many {
		many[i] = "1"
	}
	for b, want := range map[string]string{
		`{}`:                        "testinvitationIds must not be empty.",
		`{"testinvitationIds":"x"}`: "testinvitationIds must be a list of numbers.",
		`{"testinvitationIds":[` + strings.Join(many, ",") + `]}`: "At a time only 100 records can be processed.",
		`nope`: "The request body is not valid JSON.",
	} {
		code, out := f.call(t, http.MethodPost, "/v3/callbacks/process", b, nil)
		if code != http.StatusBadRequest || errorsOf(out)[0] != want {
			t.Errorf("%s: %d %v", b, code, out)
		}
	}
}

func TestCallbackReceiverDownThenUpAndAcrossRestarts(t *testing.T) {
	t.Parallel()
	f := newCallbackFixture(t, true)
	// Reserve an address, leave it closed: the receiver is down.
	r := newReceiver(t)
	addr := r.ts.Listener.Addr().String()
	r.ts.Close()
	ctx := context.Background()
	url := "http://" + addr + "/hook"
	res, _ := f.db.Invite(ctx, store.NewInvitation{TestID: f.test.ID, LinkID: f.link.ID, Name: "D", Email: "d@example.com",
		Source: store.SourceNative, CallbackURL: &url})
	f.db.CancelInvitation(ctx, res.Invitation.ID, "user:x")

	// A first worker tries once and fails; then the process "restarts".
	f.step(t)
	d := f.delivery(t, res.Invitation.ID)
	if d.Attempts != 1 || d.Status != store.DeliveryPending || d.LastError == "" {
		t.Fatalf("after the receiver was down: %+v", d)
	}

	// The receiver comes back on the same address; a new server and worker
	// on the same database finish the job.
	up := newReceiverOn(t, addr)
	restarted, err := New(f.db, Config{BaseURL: testBaseURL, SessionKey: f.srv.cfg.SessionKey, AllowPrivateCallbacks: true, Callbacks: f.srv.cfg.Callbacks,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	f.worker = newDeliverer(restarted)
	f.worker.Lease = 100000 * time.Hour
	f.clock.Add(time.Hour)
	f.step(t)
	delivered := f.delivery(t, res.Invitation.ID)
	if delivered.Attempts != 2 || len(up.got()) != 1 || up.got()[0].Header.Get("webhook-id") != d.WebhookID {
		t.Fatalf("after restart: %+v, %d requests", delivered, len(up.got()))
	}
}

// newReceiverOn starts a receiver on a given address.
func newReceiverOn(t *testing.T, addr string) *receiver {
	t.Helper()
	r := &receiver{status: http.StatusOK}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	r.ts = &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.requests = append(r.requests, receivedCallback{req.Header.Clone(), body})
		r.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	})}}
	r.ts.Start()
	t.Cleanup(r.ts.Close)
	return r
}

// The store is opened with the callback registry and the server fills it:
// a server without it does not start, and a store whose registry nobody
// filled refuses the change that needs a callback instead of dropping it.
func TestCallbacksAreNeverDroppedForWantOfABuilder(t *testing.T) {
	t.Parallel()
	db, registry := openTestStore(t, migratedDatabase(t), testBaseURL)
	key := []byte("0123456789abcdef0123456789abcdef")
	if _, err := New(db, Config{BaseURL: testBaseURL, SessionKey: key}); err == nil || !strings.Contains(err.Error(), "callback registry") {
		t.Fatalf("a server without the registry: %v", err)
	}
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	link, _ := db.DefaultLink(ctx, tt.ID)
	hook := "http://127.0.0.1:9/hook"
	res, err := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Ann", Email: "ann@example.com",
		Source: store.SourceIMocha, CallbackURL: &hook})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.StartInvitation(ctx, res.Invitation.ID); err == nil || !strings.Contains(err.Error(), "no callback builders") {
		t.Fatalf("a start with nobody to write its callback: %v", err)
	}
	if inv, _ := db.Invitation(ctx, res.Invitation.ID); inv.Status != store.StatusInvited {
		t.Fatalf("the refused start was written: %s", inv.Status)
	}
	if _, err := New(db, Config{BaseURL: testBaseURL, SessionKey: key, Callbacks: registry}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.StartInvitation(ctx, res.Invitation.ID); err != nil {
		t.Fatal(err)
	}
	if ds, _ := db.Deliveries(ctx, store.DeliveryFilter{InvitationID: res.Invitation.ID}); len(ds) != 1 || !strings.Contains(ds[0].Payload, "Ann") {
		t.Fatalf("deliveries after the start: %+v", ds)
	}
}
