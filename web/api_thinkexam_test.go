package web

import (
	"context"
	"encoding/json"
	"fmt"
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

type thinkExamFixture struct {
	srv  *Server
	db   *store.DB
	key  store.CreatedAPIKey
	test store.Test
	now  time.Time
}

func newThinkExamFixture(t testing.TB) *thinkExamFixture {
	srv, db := newTestServer(t)
	now := time.Date(2027, 9, 1, 9, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return now })
	key, _ := db.CreateAPIKey(context.Background(), store.NewAPIKey{Name: "thinkexam"})
	tt, _ := db.CreateTest(context.Background(), store.TestInput{Name: "Aptitude", Kind: store.KindAssessment, DurationMinutes: 20}, nil)
	return &thinkExamFixture{srv: srv, db: db, key: key, test: tt, now: now}
}

// call posts in ThinkExam's style; headers nil means correctly signed now.
func (f *thinkExamFixture) call(t testing.TB, path, body string, headers map[string]string) (int, map[string]any) {
	req := f.request(path, body, headers)
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	checkAnswer(t, thinkExamSpec, req, rec) // as the dialect's OpenAPI document says
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s: not JSON: %s", path, rec.Body)
	}
	return rec.Code, out
}

// request is a ThinkExam call signed with the fixture's key, unless
// headers are given.
func (f *thinkExamFixture) request(path, body string, headers map[string]string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if headers == nil {
		ts := strconv.FormatInt(f.now.Unix(), 10)
		headers = map[string]string{"ak": f.key.PublicID, "ts": ts, "sgn": thinkexam.Signature(f.key.SigningSecret, f.key.PublicID, ts)}
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return req
}

func teCode(out map[string]any) (string, string) {
	for _, k := range []string{"error", "success"} {
		if b, ok := out[k].(map[string]any); ok {
			return b["code"].(string), b["msg"].(string)
		}
	}
	return "", ""
}

func TestThinkExamSignatures(t *testing.T) {
	t.Parallel()
	f := newThinkExamFixture(t)
	ok := `{"email":"a@example.com","testId":"` + idStr(f.test.ID) + `"}`
	ts := strconv.FormatInt(f.now.Unix(), 10)
	good := thinkexam.Signature(f.key.SigningSecret, f.key.PublicID, ts)
	stale := strconv.FormatInt(f.now.Add(-16*time.Minute).Unix(), 10)
	cases := []struct {
		name    string
		headers map[string]string
		code    string
		msg     string
	}{
		{"no ak", map[string]string{"sgn": good, "ts": ts}, "3095", "ak is required."},
		{"no sgn", map[string]string{"ak": f.key.PublicID, "ts": ts}, "3095", "sgn is required."},
		{"blank ts", map[string]string{"ak": f.key.PublicID, "sgn": good, "ts": " "}, "3023", "ts should not be blank"},
		{"stale", map[string]string{"ak": f.key.PublicID, "ts": stale, "sgn": thinkexam.Signature(f.key.SigningSecret, f.key.PublicID, stale)}, "4011", ""},
		{"future", map[string]string{"ak": f.key.PublicID, "ts": strconv.FormatInt(f.now.Add(16*time.Minute).Unix(), 10), "sgn": good}, "4011", ""},
		{"wrong sgn", map[string]string{"ak": f.key.PublicID, "ts": ts, "sgn": thinkexam.Signature("not-the-secret", f.key.PublicID, ts)}, "4010", ""},
		{"unknown ak", map[string]string{"ak": "nope", "ts": ts, "sgn": good}, "4012", ""},
	}
	for _, c := range cases {
		code, out := f.call(t, "/api/v1/assignTest", ok, c.headers)
		gotCode, gotMsg := teCode(out)
		if code != http.StatusUnauthorized || out["result"] != "error" || gotCode != c.code || (c.msg != "" && gotMsg != c.msg) {
			t.Errorf("%s: %d %v", c.name, code, out)
		}
	}
	// 14 minutes old is still inside the window.
	recent := strconv.FormatInt(f.now.Add(-14*time.Minute).Unix(), 10)
	if code, out := f.call(t, "/api/v1/assignTest", ok, map[string]string{"ak": f.key.PublicID, "ts": recent,
		"sgn": thinkexam.Signature(f.key.SigningSecret, f.key.PublicID, recent)}); code != http.StatusOK {
		t.Fatalf("14 minutes old: %d %v", code, out)
	}

	// The signature generation API hands a signature to a client proving its secret.
	code, out := f.call(t, "/api/v1/generateSignature", `{"ak":"`+f.key.PublicID+`","secret":"`+f.key.SigningSecret+`"}`, map[string]string{})
	data, _ := out["success"].(map[string]any)["data"].(map[string]any)
	if code != http.StatusOK || data["ts"] != ts || data["sgn"] != good || data["ak"] != f.key.PublicID {
		t.Fatalf("generateSignature: %d %v", code, out)
	}
	if code, out := f.call(t, "/api/v1/generateSignature", `{"ak":"`+f.key.PublicID+`","secret":"guess"}`, map[string]string{}); code != http.StatusUnauthorized || out["error"].(map[string]any)["code"] != "4013" {
		t.Fatalf("wrong secret: %d %v", code, out)
	}
	if code, out := f.call(t, "/api/v1/generateSignature", `{"secret":"x"}`, map[string]string{}); code != http.StatusBadRequest || out["error"].(map[string]any)["msg"] != "Ak is required." {
		t.Fatalf("no ak: %d %v", code, out)
	}
}

func TestThinkExamAssign(t *testing.T) {
	t.Parallel()
	f := newThinkExamFixture(t)
	ctx := context.Background()
	tid := idStr(f.test.ID)
	code, out := f.call(t, "/api/v1/assignTest", `{"email":"ravi@example.com","testId":"`+tid+`","isMailEnable":"1","isPasswordSkip":"0"}`, nil)
	gotCode, msg := teCode(out)
	if code != http.StatusOK || out["result"] != "success" || gotCode != "200" || msg != "Test is assigned and mail has been sent successfully" {
		t.Fatalf("assign: %d %v", code, out)
	}
	data := out["success"].(map[string]any)["data"].(map[string]any)
	inv, _ := f.db.Invitation(ctx, int64(data["invitationId"].(float64)))
	if inv.Source != store.SourceThinkExam || !inv.SendEmail || len(inv.AccessCode) != 6 || data["testUrl"] != testBaseURL+"/t/"+inv.Token {
		t.Fatalf("invitation %+v", inv)
	}
	msgs, _ := f.db.Outbox(ctx, store.OutboxFilter{InvitationID: inv.ID})
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "Your access code: "+inv.AccessCode) {
		t.Fatalf("email %+v", msgs)
	}
	// Numbers for strings, other casings; no mail, link alone.
	code, out = f.call(t, "/api/v1/assignTest", fmt.Sprintf(`{"EMAIL":"lin@example.com","TestId":%d,"isMailEnable":0,"isPasswordSkip":"1"}`, f.test.ID), nil)
	if _, msg := teCode(out); code != http.StatusOK || msg != "Test is assigned successfully" {
		t.Fatalf("variants: %d %v", code, out)
	}
	lin, _ := f.db.InvitationOnLink(ctx, inv.LinkID, "lin@example.com")
	if lin.AccessCode != "" || lin.SendEmail {
		t.Fatalf("link-only invitation %+v", lin)
	}
	for body, want := range map[string][2]string{
		`{"testId":"` + tid + `"}`:                                              {"3095", "Email is required."},
		`{"email":"","testId":"` + tid + `"}`:                                   {"3023", "email should not be blank"},
		`{"email":"a@example.com"}`:                                             {"3095", "TestId is required."},
		`{"email":"a@example.com","testId":" "}`:                                {"3023", "testId should not be blank"},
		`{"email":"not-mail","testId":"` + tid + `"}`:                           {"3024", ""},
		`{"email":"a@example.com","testId":"99999"}`:                            {"3404", "No test with this testId."},
		`{"email":"a@example.com","testId":"` + tid + `","isMailEnable":"yes"}`: {"3025", `isMailEnable must be "1" or "0".`},
		`{"email":`: {"3027", "The request body is not valid JSON."},
	} {
		_, out := f.call(t, "/api/v1/assignTest", body, nil)
		gotCode, msg := teCode(out)
		if out["result"] != "error" || gotCode != want[0] || (want[1] != "" && msg != want[1]) {
			t.Errorf("%s: %v", body, out)
		}
	}
}

func TestThinkExamBulkAssignIsAllOrNothing(t *testing.T) {
	t.Parallel()
	f := newThinkExamFixture(t)
	ctx := context.Background()
	tid := idStr(f.test.ID)
	code, out := f.call(t, "/api/v1/assignTestMultiCandidates", `{"email":["a@example.com","b@example.com","not an email","c@example.com"],"testId":"`+tid+`","isMailEnable":"1","isPasswordSkip":"1"}`, nil)
	if gotCode, msg := teCode(out); code != http.StatusBadRequest || gotCode != "3024" || !strings.Contains(msg, "email[2]") {
		t.Fatalf("one bad email: %d %v", code, out)
	}
	if _, total, _ := f.db.Invitations(ctx, store.InvitationFilter{}); total != 0 {
		t.Fatalf("a rejected bulk assigned %d", total)
	}
	emails := make([]string, bulkRows)
	for i := range emails {
		emails[i] = fmt.Sprintf("cand%05d@example.com", i)
	}
	list, _ := json.Marshal(emails)
	code, out = f.call(t, "/api/v1/assignTestMultiCandidates", `{"email":`+string(list)+`,"testId":"`+tid+`","isMailEnable":"1","isPasswordSkip":"1"}`, nil)
	if code != http.StatusOK || out["success"].(map[string]any)["data"].(map[string]any)["assigned"] != float64(bulkRows) {
		t.Fatalf("%d at once: %d", bulkRows, code)
	}
	if _, total, _ := f.db.Invitations(ctx, store.InvitationFilter{}); total != bulkRows {
		t.Fatalf("%d invitations", total)
	}
	if msgs, _ := f.db.Outbox(ctx, store.OutboxFilter{Limit: 500}); len(msgs) != 500 {
		t.Fatalf("emails queued: %d", len(msgs))
	}
	too := make([]string, store.MaxBulkInvitations+1)
	for i := range too {
		too[i] = fmt.Sprintf("more%05d@example.com", i)
	}
	list, _ = json.Marshal(too)
	if _, out := f.call(t, "/api/v1/assignTestMultiCandidates", `{"email":`+string(list)+`,"testId":"`+tid+`"}`, nil); teCodeOf(out) != "3026" {
		t.Fatalf("%d at once: %v", len(too), out)
	}
	for body, want := range map[string]string{
		`{"testId":"` + tid + `"}`:                  "3095",
		`{"email":[],"testId":"` + tid + `"}`:       "3023",
		`{"email":"x@y.co","testId":"` + tid + `"}`: "3024",
	} {
		if _, out := f.call(t, "/api/v1/assignTestMultiCandidates", body, nil); out["error"].(map[string]any)["code"] != want {
			t.Errorf("%s: %v", body, out)
		}
	}
}

func TestThinkExamDeassign(t *testing.T) {
	t.Parallel()
	f := newThinkExamFixture(t)
	tid := idStr(f.test.ID)
	f.call(t, "/api/v1/assignTest", `{"email":"d@example.com","testId":"`+tid+`","isPasswordSkip":"1"}`, nil)
	code, out := f.call(t, "/api/v1/deassignTest", `{"email":"D@example.com","testId":"`+tid+`"}`, nil)
	if _, msg := teCode(out); code != http.StatusOK || msg != "Test successfully deassigned from the candidate" {
		t.Fatalf("deassign: %d %v", code, out)
	}
	link, _ := f.db.DefaultLink(context.Background(), f.test.ID)
	if inv, _ := f.db.InvitationOnLink(context.Background(), link.ID, "d@example.com"); inv.Status != store.StatusCancelled {
		t.Fatalf("status %s", inv.Status)
	}
	if _, out := f.call(t, "/api/v1/deassignTest", `{"email":"nobody@example.com","testId":"`+tid+`"}`, nil); out["error"].(map[string]any)["code"] != "3405" {
		t.Fatalf("unknown: %v", out)
	}
	f.call(t, "/api/v1/assignTest", `{"email":"s@example.com","testId":"`+tid+`","isPasswordSkip":"1"}`, nil)
	inv, _ := f.db.InvitationOnLink(context.Background(), link.ID, "s@example.com")
	markStarted(t, f.db, inv.ID)
	if code, out := f.call(t, "/api/v1/deassignTest", `{"email":"s@example.com","testId":"`+tid+`"}`, nil); code != http.StatusConflict || out["error"].(map[string]any)["code"] != "3409" {
		t.Fatalf("started: %d %v", code, out)
	}
}

func TestCandidateAccessCode(t *testing.T) {
	t.Parallel()
	f := newThinkExamFixture(t)
	_, out := f.call(t, "/api/v1/assignTest", `{"email":"k@example.com","testId":"`+idStr(f.test.ID)+`","isPasswordSkip":"0"}`, nil)
	id := int64(out["success"].(map[string]any)["data"].(map[string]any)["invitationId"].(float64))
	inv, _ := f.db.Invitation(context.Background(), id)
	path := "/t/" + inv.Token
	b := newBrowser(t, f.srv)
	r := b.get(path)
	if r.Code != http.StatusOK || r.text("h1") != "Enter your access code" {
		t.Fatalf("landing: %d %q", r.Code, r.text("h1"))
	}
	if r := b.post(path+"/start", nil); r.Code != http.StatusSeeOther || mustInv(t, f.db, id).Status == store.StatusStarted {
		t.Fatal("started without the code")
	}
	r = b.post(path+"/access", url.Values{"code": {"000000"}})
	if inv.AccessCode == "000000" {
		t.Skip("the random code happened to be 000000")
	}
	if r.Code != http.StatusUnprocessableEntity || r.text(`[data-testid="error-code"]`) == "" {
		t.Fatalf("wrong code: %d", r.Code)
	}
	r = b.post(path+"/access", url.Values{"code": {inv.AccessCode}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("right code: %d", r.Code)
	}
	if r := b.get(path); r.doc.Find(`[data-testid="start"]`).Length() != 1 {
		t.Fatal("no way in after the right code")
	}
	// Another browser with only the link is asked again.
	if r := newBrowser(t, f.srv).get(path); r.text("h1") != "Enter your access code" {
		t.Fatal("the link alone let a second browser in")
	}
	// Guessing locks the invitation.
	guesser := newBrowser(t, f.srv)
	for range store.MaxAccessFailures {
		guesser.post(path+"/access", url.Values{"code": {"999999x"}})
	}
	if r := guesser.post(path+"/access", url.Values{"code": {inv.AccessCode}}); r.Code != http.StatusForbidden {
		t.Fatalf("after %d wrong codes: %d", store.MaxAccessFailures, r.Code)
	}
}

func mustInv(t testing.TB, db *store.DB, id int64) store.Invitation {
	inv, err := db.Invitation(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// teCodeOf is the code of ThinkExam's error answer, or "".
func teCodeOf(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

// The dialect's OpenAPI document is served without a key, with this
// installation as its server; every answer the ThinkExam tests get is
// checked against it (call).
func TestThinkExamOpenAPIDocumentIsServed(t *testing.T) {
	t.Parallel()
	f := newThinkExamFixture(t)
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || rec.Code != http.StatusOK || doc["openapi"] != "3.1.0" {
		t.Fatalf("%d %v", rec.Code, err)
	}
	servers, _ := doc["servers"].([]any)
	paths, _ := doc["paths"].(map[string]any)
	if len(servers) != 1 || servers[0].(map[string]any)["url"] != testBaseURL || len(paths) == 0 {
		t.Fatalf("servers %v, %d paths", servers, len(paths))
	}
	assertRoutesDocumented(t, f.srv, "/api/v1/", doc)
}
