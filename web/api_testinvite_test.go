package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"testgate/store"
)

type testinviteFixture struct {
	srv  *Server
	db   *store.DB
	key  string
	task store.Test
	base string
}

func newTestinviteFixture(t *testing.T) testinviteFixture {
	srv, db := newTestServer(t)
	tt, _ := db.CreateTest(context.Background(), store.TestInput{Name: "Sales", Kind: store.KindAssessment, DurationMinutes: 25}, nil)
	return testinviteFixture{srv: srv, db: db, key: newAPIKey(t, db), task: tt,
		base: "/api/integration/rest/v1/tasks/" + idStr(tt.ID) + "/candidates"}
}

func (f testinviteFixture) call(t *testing.T, method, path, body string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+f.key)
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	checkAnswer(t, testinviteSpec, req, rec) // as the dialect's OpenAPI document says
	if rec.Code == http.StatusNoContent {
		return rec.Code, nil
	}
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s %s: not JSON: %s", method, path, rec.Body)
	}
	return rec.Code, out
}

func tiMessage(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	m, _ := e["message"].(string)
	return m
}

func TestTestinviteTemporaryCandidate(t *testing.T) {
	t.Parallel()
	f := newTestinviteFixture(t)
	ctx := context.Background()
	dateToSend := time.Now().Add(48 * time.Hour).Unix()
	body := `{"kind":"temporary-candidate","fullname":"Eda Kaya","email":"eda@example.com","tracking":{"uniqId":"EMP-1"},
		"group":"istanbul","labels":["b","a"],"tags":{"level":"senior"},"externalId":"ats-77","externalData":{"req":42},"lang":"tr",
		"programIds":["p1"],"extraEmails":["hr@example.com"],"dates":{"after":1800000000,"before":1900000000},
		"price":{"amount":10,"currency":"EUR"},"customizedSteps":[{"stepId":"s1","customization":{"activeAfter":60}}],
		"inviteByEmail":{"emailTemplateName":"default","dateToSend":` + idStr(dateToSend) + `},
		"callback":{"url":"https://ats.example.com/ti","params":{"job":"sales"},"resource":"detailed"}}`
	code, out := f.call(t, http.MethodPost, f.base, body)
	if code != http.StatusCreated || out["kind"] != "temp" || out["taskId"] != idStr(f.task.ID) || out["loggedIn"] != false ||
		out["fullname"] != "Eda Kaya" || out["email"] != "eda@example.com" || out["invitationCode"] == "" ||
		out["directAccessUrl"] != testBaseURL+"/t/"+out["invitationCode"].(string) || len(out) != 8 {
		t.Fatalf("create: %d %v", code, out)
	}
	inv, _, _ := f.db.InvitationAndTestByToken(ctx, out["invitationCode"].(string))
	if inv.Group != "istanbul" || inv.ExternalID != "ats-77" || inv.Lang != "tr" || inv.TrackingUniqID != "EMP-1" ||
		inv.ValidFrom.Unix() != 1800000000 || inv.ValidUntil.Unix() != 1900000000 || inv.CallbackResource != "detailed" ||
		string(inv.CallbackParams) != `{"job":"sales"}` || !inv.SendEmail {
		t.Fatalf("stored %+v", inv)
	}
	msgs, _ := f.db.Outbox(ctx, store.OutboxFilter{InvitationID: inv.ID})
	if len(msgs) != 1 || msgs[0].ScheduledAt.Unix() != dateToSend {
		t.Fatalf("scheduled email %+v", msgs)
	}
	// The same uniqId in the task is refused, whatever the address.
	code, out = f.call(t, http.MethodPost, f.base, `{"kind":"temporary-candidate","fullname":"X","email":"x@example.com","tracking":{"uniqId":"EMP-1"}}`)
	if code != http.StatusConflict || !strings.Contains(tiMessage(out), "uniqId") {
		t.Fatalf("duplicate uniqId: %d %v", code, out)
	}
	// In another scope it is free.
	if code, out := f.call(t, http.MethodPost, f.base, `{"kind":"temporary-candidate","fullname":"Y","email":"y@example.com","group":"ankara","tracking":{"uniqId":"EMP-1","scope":"group"}}`); code != http.StatusCreated {
		t.Fatalf("other scope: %d %v", code, out)
	}
	// Without name or email: generated stand-ins, not shown back.
	code, out = f.call(t, http.MethodPost, f.base, `{"kind":"temporary-candidate"}`)
	if code != http.StatusCreated || out["email"] != nil || out["fullname"] != nil {
		t.Fatalf("anonymous: %d %v", code, out)
	}
}

func TestTestinviteRetestsAFinishedCandidateAsANewOne(t *testing.T) {
	t.Parallel()
	f := newTestinviteFixture(t)
	ctx := context.Background()
	body := `{"kind":"temporary-candidate","fullname":"Eda","email":"eda@example.com"}`
	_, first := f.call(t, http.MethodPost, f.base, body)
	// Before the test is over, creating again answers the same candidate.
	code, again := f.call(t, http.MethodPost, f.base, body)
	if code != http.StatusOK || again["candidateId"] != first["candidateId"] {
		t.Fatalf("while pending: %d %v", code, again)
	}
	id, _ := strconv.ParseInt(first["candidateId"].(string), 10, 64)
	markStarted(t, f.db, id)
	if _, err := f.db.CompleteInvitation(ctx, id, store.ReasonSubmitted); err != nil {
		t.Fatal(err)
	}
	// Completed: a new candidate with a new code; the finished one keeps
	// its result.
	closes := time.Now().Add(time.Hour).Unix()
	code, retest := f.call(t, http.MethodPost, f.base, `{"kind":"temporary-candidate","fullname":"Eda","email":"eda@example.com",
		"dates":{"before":`+idStr(closes)+`}}`)
	if code != http.StatusCreated || retest["candidateId"] == first["candidateId"] || retest["invitationCode"] == first["invitationCode"] {
		t.Fatalf("after completion: %d %v", code, retest)
	}
	if old, _ := f.db.Invitation(ctx, id); old.Status != store.StatusCompleted {
		t.Fatalf("the finished candidate became %s", old.Status)
	}
	if _, out := f.call(t, http.MethodGet, f.base, ""); out["pagination"].(map[string]any)["totalItems"] != 2.0 {
		t.Fatalf("both candidates listed: %v", out)
	}
	// Expired: likewise.
	f.db.SetClock(func() time.Time { return time.Unix(closes, 0).Add(time.Minute) })
	if n, err := f.db.ExpireDue(ctx); err != nil || n != 1 {
		t.Fatalf("expired %d: %v", n, err)
	}
	if code, third := f.call(t, http.MethodPost, f.base, body); code != http.StatusCreated || third["candidateId"] == retest["candidateId"] {
		t.Fatalf("after expiry: %d %v", code, third)
	}
}

func TestTestinviteInternalCandidate(t *testing.T) {
	t.Parallel()
	f := newTestinviteFixture(t)
	u, _ := f.db.CreateUser(context.Background(), store.NewUser{Email: "emre@example.com", Name: "Emre", Password: "long password", Role: store.RoleRecruiter})
	code, out := f.call(t, http.MethodPost, f.base, `{"kind":"internal-candidate","id":"`+idStr(u.ID)+`","tags":{"team":"x"}}`)
	if code != http.StatusCreated || out["kind"] != "user" || out["fullname"] != "Emre" || out["email"] != "emre@example.com" {
		t.Fatalf("internal: %d %v", code, out)
	}
	if code, out := f.call(t, http.MethodPost, f.base, `{"kind":"internal-candidate","id":"`+idStr(u.ID)+`"}`); code != http.StatusConflict {
		t.Fatalf("the user twice: %d %v", code, out)
	}
	if code, _ := f.call(t, http.MethodPost, f.base, `{"kind":"internal-candidate","id":"9999"}`); code != http.StatusNotFound {
		t.Fatalf("unknown user: %d", code)
	}
}

func TestTestinviteErrors(t *testing.T) {
	t.Parallel()
	f := newTestinviteFixture(t)
	for body, want := range map[string]string{
		`{}`:                            "kind is required",
		`{"kind":"robot"}`:              "kind must be temporary-candidate or internal-candidate",
		`{"kind":"internal-candidate"}`: "id is required for internal-candidate",
		`{"kind":"temporary-candidate","email":"nope"}`:                                 "email is not a valid email address",
		`{"kind":"temporary-candidate","lang":"xx"}`:                                    "lang must be one of",
		`{"kind":"temporary-candidate","extraEmails":["x"]}`:                            "extraEmails[0] is not a valid email address",
		`{"kind":"temporary-candidate","tracking":{"uniqId":""}}`:                       "tracking.uniqId is required",
		`{"kind":"temporary-candidate","tracking":{"uniqId":"a","scope":"group"}}`:      "tracking.scope group needs a group",
		`{"kind":"temporary-candidate","tracking":{"uniqId":"a","scope":"galaxy"}}`:     "tracking.scope must be task, group, labels or programs",
		`{"kind":"temporary-candidate","dates":{"after":20,"before":10}}`:               "dates.before must be later than dates.after",
		`{"kind":"temporary-candidate","price":{"amount":-1,"currency":"GBP"}}`:         "price.amount is required and must not be negative; price.currency must be USD, EUR or TRY",
		`{"kind":"temporary-candidate","inviteByEmail":{}}`:                             "inviteByEmail.emailTemplateName is required",
		`{"kind":"temporary-candidate","callback":{"url":"ftp://x","resource":"full"}}`: "callback.resource must be basic or detailed; callback.url must be an absolute http(s) URL",
		`{"kind":"temporary-candidate","labels":"a"}`:                                   "labels must be an array",
		`nope`: "The request body must be a JSON object.",
	} {
		code, out := f.call(t, http.MethodPost, f.base, body)
		if code != http.StatusBadRequest || !strings.HasPrefix(tiMessage(out), want) {
			t.Errorf("%s: %d %q", body, code, tiMessage(out))
		}
	}
	if _, total, _ := f.db.Invitations(context.Background(), store.InvitationFilter{}); total != 0 {
		t.Fatalf("bad requests wrote %d", total)
	}
	if code, out := f.call(t, http.MethodPost, "/api/integration/rest/v1/tasks/999/candidates", `{"kind":"temporary-candidate"}`); code != http.StatusNotFound || tiMessage(out) != "No task with this id." {
		t.Fatalf("unknown task: %d %v", code, out)
	}
	req := httptest.NewRequest(http.MethodGet, f.base, nil)
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), `"message"`) {
		t.Fatalf("no key: %d %s", rec.Code, rec.Body)
	}
}

func TestTestinviteListFetchDelete(t *testing.T) {
	t.Parallel()
	f := newTestinviteFixture(t)
	var ids []string
	for _, e := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		_, out := f.call(t, http.MethodPost, f.base, `{"kind":"temporary-candidate","fullname":"N","email":"`+e+`","group":"g1","externalId":"x-`+e[:1]+`"}`)
		ids = append(ids, out["candidateId"].(string))
	}
	// The guide's {candidates, pagination}, with next and previous pages.
	code, out := f.call(t, http.MethodGet, f.base+"?limit=2&page=2", "")
	p, _ := out["pagination"].(map[string]any)
	if code != http.StatusOK || len(out["candidates"].([]any)) != 1 || p["totalItems"] != 3.0 || p["totalPages"] != 2.0 ||
		p["currentPage"] != 2.0 || p["limit"] != 2.0 || p["next"] != nil || p["previous"] != "?limit=2&page=1&mode=basic" {
		t.Fatalf("page 2: %d %v", code, out)
	}
	// The guide's form, "?limit=5&page=3&mode=basic", with the filters
	// kept; mode=default is the guide's basic.
	_, out = f.call(t, http.MethodGet, f.base+"?limit=1&mode=detailed&group=g1", "")
	if p := out["pagination"].(map[string]any); p["next"] != "?limit=1&page=2&mode=detailed&group=g1" || p["previous"] != nil {
		t.Fatalf("page 1 of the group: %v", p)
	}
	if code, out := f.call(t, http.MethodGet, f.base+"?mode=default&limit=2", ""); code != http.StatusOK ||
		out["pagination"].(map[string]any)["next"] != "?limit=2&page=2&mode=basic" || out["candidates"].([]any)[0].(map[string]any)["testUrl"] != nil {
		t.Fatalf("mode=default: %d %v", code, out)
	}
	if _, out := f.call(t, http.MethodGet, f.base, ""); out["pagination"].(map[string]any)["limit"] != 10.0 {
		t.Fatalf("default limit: %v", out["pagination"])
	}
	total := func(out map[string]any) float64 { return out["pagination"].(map[string]any)["totalItems"].(float64) }
	if _, out := f.call(t, http.MethodGet, f.base+"?email=B@example.com", ""); total(out) != 1 {
		t.Fatalf("email filter: %v", out)
	}
	// fullname and code filter by exact match (fullname was once ignored).
	f.call(t, http.MethodPost, f.base, `{"kind":"temporary-candidate","fullname":"Zed Zulu","email":"z@example.com"}`)
	if _, out := f.call(t, http.MethodGet, f.base+"?fullname=Zed+Zulu", ""); total(out) != 1 {
		t.Fatalf("fullname filter: %v", out)
	}
	if _, out := f.call(t, http.MethodGet, f.base+"?fullname=Zed", ""); total(out) != 0 {
		t.Fatalf("fullname is an exact match: %v", out)
	}
	if _, out := f.call(t, http.MethodGet, f.base+"?code="+mustToken(t, f, ids[2]), ""); total(out) != 1 ||
		out["candidates"].([]any)[0].(map[string]any)["candidateId"] != ids[2] {
		t.Fatalf("code filter: %v", out)
	}
	if _, out := f.call(t, http.MethodGet, f.base+"?externalId=x-c&mode=detailed", ""); total(out) != 1 {
		t.Fatalf("detailed: %v", out)
	} else {
		d := out["candidates"].([]any)[0].(map[string]any)
		if d["testUrl"] == nil || d["source"] != "pre-registration" || d["active"] != true || d["group"] != "g1" || d["organizationId"] == nil {
			t.Fatalf("detailed candidate %v", d)
		}
	}
	// The detailed candidate names externalId and lang even when empty.
	_, plain := f.call(t, http.MethodGet, f.base+"/"+ids[0]+"?mode=detailed", "")
	if v, ok := plain["lang"]; !ok || v != "" {
		t.Fatalf("detailed without lang: %v", plain)
	}
	if _, ok := plain["externalId"]; !ok {
		t.Fatalf("detailed without externalId: %v", plain)
	}
	for q, want := range map[string]int{"?mode=full": 400, "?limit=0": 400, "?page=x": 400} {
		if code, _ := f.call(t, http.MethodGet, f.base+q, ""); code != want {
			t.Errorf("%s: %d", q, code)
		}
	}
	code, one := f.call(t, http.MethodGet, f.base+"/"+ids[0], "")
	if code != http.StatusOK || one["email"] != "a@example.com" {
		t.Fatalf("fetch: %d %v", code, one)
	}
	if code, _ := f.call(t, http.MethodGet, f.base+"/99999", ""); code != http.StatusNotFound {
		t.Fatalf("unknown candidate: %d", code)
	}
	if code, out := f.call(t, http.MethodDelete, f.base+"/"+ids[0], ""); code != http.StatusOK || len(out) != 0 {
		t.Fatalf("delete: %d %v", code, out)
	}
	// Deleted: gone from the task.
	if code, _ := f.call(t, http.MethodGet, f.base+"/"+ids[0], ""); code != http.StatusNotFound {
		t.Fatalf("fetch after delete: %d", code)
	}
	if _, out := f.call(t, http.MethodGet, f.base+"?email=a@example.com", ""); total(out) != 0 {
		t.Fatalf("listed after delete: %v", out)
	}
	// Once the candidate has logged in (opened the test), no delete.
	inv, _, _ := f.db.InvitationAndTestByToken(context.Background(), mustToken(t, f, ids[1]))
	f.db.OpenInvitation(context.Background(), inv.ID)
	if code, out := f.call(t, http.MethodDelete, f.base+"/"+ids[1], ""); code != http.StatusForbidden || !strings.Contains(tiMessage(out), "logged in") {
		t.Fatalf("delete after login: %d %v", code, out)
	}
	if _, out := f.call(t, http.MethodGet, f.base+"/"+ids[1], ""); out["loggedIn"] != true {
		t.Fatalf("loggedIn %v", out)
	}
}

func mustToken(t *testing.T, f testinviteFixture, id string) string {
	_, out := f.call(t, http.MethodGet, f.base+"/"+id, "")
	return out["invitationCode"].(string)
}

func TestDialectCallbackShapes(t *testing.T) {
	t.Parallel()
	f := newTestinviteFixture(t)
	ctx := context.Background()
	_, out := f.call(t, http.MethodPost, f.base, `{"kind":"temporary-candidate","fullname":"Cem","email":"cem@example.com",
		"callback":{"url":"https://ats.example.com/ti","params":{"job":7},"resource":"basic"}}`)
	inv, _, _ := f.db.InvitationAndTestByToken(ctx, out["invitationCode"].(string))
	f.db.CancelInvitation(ctx, inv.ID, "x")
	ds, _ := f.db.Deliveries(ctx, store.DeliveryFilter{InvitationID: inv.ID})
	var body map[string]any
	json.Unmarshal([]byte(ds[0].Payload), &body)
	cand, _ := body["candidate"].(map[string]any)
	if body["event"] != store.EventCancelled || body["params"].(map[string]any)["job"] != 7.0 || cand["email"] != "cem@example.com" || cand["status"] != nil {
		t.Fatalf("Testinvite basic callback %v", body)
	}

	te := newThinkExamFixture(t)
	url := "https://ats.example.com/te"
	link, _ := te.db.DefaultLink(ctx, te.test.ID)
	res, _ := te.db.Invite(ctx, store.NewInvitation{TestID: te.test.ID, LinkID: link.ID, Name: "T", Email: "t@example.com",
		Source: store.SourceThinkExam, CallbackURL: &url})
	te.db.CancelInvitation(ctx, res.Invitation.ID, "x")
	ds, _ = te.db.Deliveries(ctx, store.DeliveryFilter{InvitationID: res.Invitation.ID})
	json.Unmarshal([]byte(ds[0].Payload), &body)
	data, _ := body["success"].(map[string]any)["data"].(map[string]any)
	if body["result"] != "success" || data["event"] != store.EventCancelled || data["email"] != "t@example.com" || data["testId"] != idStr(te.test.ID) {
		t.Fatalf("ThinkExam callback %v", body)
	}
}

// The dialect's OpenAPI document is served without a key; every answer the
// Testinvite tests get is checked against it (call).
func TestTestinviteOpenAPIDocumentIsServed(t *testing.T) {
	t.Parallel()
	f := newTestinviteFixture(t)
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/integration/rest/v1/openapi.json", nil))
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || rec.Code != http.StatusOK || doc["openapi"] != "3.1.0" {
		t.Fatalf("%d %v", rec.Code, err)
	}
	assertRoutesDocumented(t, f.srv, "/api/integration/rest/v1/", doc)
}

// assertRoutesDocumented checks that every route below prefix is in the
// OpenAPI document, with its method.
func assertRoutesDocumented(t *testing.T, srv *Server, prefix string, doc map[string]any) {
	t.Helper()
	paths, _ := doc["paths"].(map[string]any)
	n := 0
	for _, r := range srv.Echo().Routes() {
		if !strings.HasPrefix(r.Path, prefix) || strings.HasSuffix(r.Path, "*") || strings.HasSuffix(r.Path, "/openapi.json") || r.Method == http.MethodHead {
			continue
		}
		segments := strings.Split(r.Path, "/")
		for i, seg := range segments {
			if strings.HasPrefix(seg, ":") {
				segments[i] = "{" + seg[1:] + "}"
			}
		}
		p := strings.Join(segments, "/")
		if item, ok := paths[p].(map[string]any); !ok || item[strings.ToLower(r.Method)] == nil {
			t.Errorf("the OpenAPI document lacks %s %s", r.Method, p)
		}
		n++
	}
	if n == 0 {
		t.Fatalf("no route below %s", prefix)
	}
}
