package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"testgate/store"
)

// greenhouseCall sends a request as Greenhouse does (HTTP Basic, the key as
// the user name), checks the answer against the dialect's OpenAPI document,
// and decodes it.
func greenhouseCall(t *testing.T, srv *Server, method, path, key string, body any) (int, any) {
	t.Helper()
	return atsCall(t, srv, greenhouseSpec, method, path, key, body)
}

// atsCall sends an ATS's request with the key as the Basic user name and
// checks the answer against the ATS dialect's document.
func atsCall(t *testing.T, srv *Server, spec *apiSpec, method, path, key string, body any) (int, any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.SetBasicAuth(key, "")
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	checkAnswer(t, spec, req, rec)
	var out any
	json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out
}

// patchReceiver stands in for Greenhouse's take_home_tests URL: it keeps
// each PATCH's method, user name and body.
type patchReceiver struct {
	mu    sync.Mutex
	calls []string // "METHOD path user body"
	srv   *httptest.Server
}

func newPatchReceiver(t *testing.T) *patchReceiver {
	p := &patchReceiver{}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, _, _ := r.BasicAuth()
		body, _ := io.ReadAll(r.Body)
		p.mu.Lock()
		p.calls = append(p.calls, r.Method+" "+r.URL.Path+" "+user+" "+string(body))
		p.mu.Unlock()
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *patchReceiver) got() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.calls...)
}

// Greenhouse's Assessment API, step by step as Greenhouse calls it: an
// admin switches it on and makes its key; Greenhouse lists the team's
// tests, sends a candidate (invited through the named link and emailed),
// polls the status; Testgate PATCHes the given URL as the attempt changes,
// with the key; the status then carries the score and the report.
func TestGreenhouseAssessmentPartner(t *testing.T) {
	t.Parallel()
	f := newCallbackFixture(t, true)
	ctx := context.Background()
	team, _ := f.db.CreateTeam(ctx, "Backend")
	ours, _ := f.db.CreateTest(ctx, store.TestInput{Name: "Go for Greenhouse", Kind: store.KindAssessment, DurationMinutes: 30, PassingScore: 50,
		TeamID: team.ID}, []store.QuestionInput{{Text: "2+2?", Kind: store.QuestionSingle, Options: []string{"3", "4"}, Correct: []int{1}}})
	named, _ := f.db.CreateLink(ctx, ours.ID, store.LinkInput{Name: "Greenhouse", SendEmail: true})
	admin := signIn(t, f.srv, f.db, store.RoleAdmin)

	// Off until an admin switches it on: every call is refused.
	if code, _ := greenhouseCall(t, f.srv, http.MethodGet, "/api/greenhouse/list_tests", "tgk_nothing", nil); code != http.StatusUnauthorized {
		t.Fatalf("a wrong key: %d", code)
	}
	if page := admin.get("/settings/integrations"); page.text(`[data-testid="greenhouse-state"]`) != "off" {
		t.Fatalf("integrations page: %q", page.text("main"))
	}
	page := admin.get("/settings/integrations/greenhouse")
	if url, _ := page.doc.Find(`[data-testid="greenhouse-endpoints"] input`).First().Attr("value"); page.text(`[data-testid="greenhouse-state"]`) != "off" ||
		page.doc.Find(`[data-testid="greenhouse-endpoints"] input`).Length() != 4 || url != testBaseURL+"/api/greenhouse/list_tests" {
		t.Fatalf("Greenhouse's page: %q", page.text("main"))
	}
	r := admin.post("/settings/integrations/greenhouse/key", url.Values{"team": {idStr(team.ID)}})
	key, _ := r.doc.Find(`#greenhouse-key-value`).Attr("value")
	if r.Code != http.StatusCreated || !strings.HasPrefix(key, "tgk_") {
		t.Fatalf("make the key: %d %q", r.Code, key)
	}
	if code, out := greenhouseCall(t, f.srv, http.MethodGet, "/api/greenhouse/list_tests", key, nil); code != http.StatusUnauthorized ||
		!strings.Contains(jsonText(out), "switched off") {
		t.Fatalf("switched off: %d %v", code, out)
	}
	if r := admin.post("/settings/integrations/greenhouse", url.Values{"enabled": {"1"}, "linkName": {"greenhouse"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("switch on: %d", r.Code)
	}
	if admin.get("/settings/integrations").text(`[data-testid="greenhouse-state"]`) != "on" {
		t.Fatal("the page does not say Greenhouse is on")
	}

	// list_tests: the key's team's tests only.
	code, out := greenhouseCall(t, f.srv, http.MethodGet, "/api/greenhouse/list_tests", key, nil)
	if tests, _ := out.([]any); code != http.StatusOK || len(tests) != 1 ||
		tests[0].(map[string]any)["partner_test_id"] != idStr(ours.ID) || tests[0].(map[string]any)["partner_test_name"] != "Go for Greenhouse" {
		t.Fatalf("list_tests: %d %v", code, out)
	}

	// send_test, with a property Greenhouse might add one day.
	hook := newPatchReceiver(t)
	send := map[string]any{"partner_test_id": idStr(ours.ID), "candidate": map[string]any{"first_name": "Harry", "last_name": "Potter",
		"email": "hpotter@example.com", "phone_number": "123", "resume_url": nil,
		"greenhouse_profile_url": "https://app.greenhouse.io/people/17681532?application_id=26234709"},
		"url": hook.srv.URL + "/integrations/testing_partners/take_home_tests/12345", "sent_by": "someone new"}
	code, out = greenhouseCall(t, f.srv, http.MethodPost, "/api/greenhouse/send_test", key, send)
	interview, _ := out.(map[string]any)["partner_interview_id"].(string)
	if code != http.StatusOK || interview == "" {
		t.Fatalf("send_test: %d %v", code, out)
	}
	inv, err := f.db.Invitation(ctx, mustID(t, interview))
	if err != nil || inv.LinkID != named.ID || inv.Name != "Harry Potter" || inv.Source != store.SourceGreenhouse {
		t.Fatalf("the invitation: %+v %v", inv, err)
	}
	if msgs, _ := f.db.Outbox(ctx, store.OutboxFilter{InvitationID: inv.ID}); len(msgs) != 1 || msgs[0].Kind != store.EmailInvitation {
		t.Fatalf("the candidate is not emailed: %+v", msgs)
	}
	detail := admin.get(invitationPath(inv.ID))
	if got := detail.text(`[data-testid="ats-reference"]`); !strings.Contains(got, "application 26234709") || !strings.Contains(got, "candidate 17681532") {
		t.Fatalf("the invitation page says %q", got)
	}
	if csv := admin.get("/invitations.csv").Body.String(); !strings.Contains(csv, "greenhouse,26234709,17681532,https://app.greenhouse.io/people/17681532?application_id=26234709") {
		t.Fatalf("the export lacks Greenhouse's ids:\n%s", csv)
	}

	// test_status while the candidate has not finished.
	status := "/api/greenhouse/test_status?partner_interview_id=" + interview
	if code, out := greenhouseCall(t, f.srv, http.MethodGet, status, key, nil); code != http.StatusOK ||
		out.(map[string]any)["partner_status"] != "invited" || out.(map[string]any)["partner_score"] != nil {
		t.Fatalf("test_status before: %d %v", code, out)
	}

	// The candidate takes it; Testgate PATCHes the URL with Greenhouse's key.
	f.db.StartInvitation(ctx, inv.ID)
	qs, _ := f.db.Questions(ctx, ours.ID)
	f.db.SaveAnswers(ctx, inv.ID, []store.AnswerInput{{QuestionID: qs[0].ID, Choices: []int{1}}}, nil)
	f.db.CompleteInvitation(ctx, inv.ID, store.ReasonSubmitted)
	for f.step(t) > 0 {
	}
	want := "PATCH /integrations/testing_partners/take_home_tests/12345 " + key + " "
	if got := hook.got(); len(got) != 2 || got[0] != want || got[1] != want {
		t.Fatalf("PATCHes: %q, want two (started, completed) of %q", got, want)
	}
	if d := f.delivery(t, inv.ID); d.Status != store.DeliveryDelivered || d.Protocol != store.ProtocolGreenhouse {
		t.Fatalf("the delivery: %+v", d)
	}
	code, out = greenhouseCall(t, f.srv, http.MethodGet, status, key, nil)
	st := out.(map[string]any)
	if code != http.StatusOK || st["partner_status"] != "complete" || st["partner_score"] != 100.0 ||
		st["partner_profile_url"] != testBaseURL+"/invitations/"+interview+"/report" || st["metadata"].(map[string]any)["Result"] != "passed" {
		t.Fatalf("test_status after: %d %v", code, out)
	}

	// Sent again after a finished attempt: a new attempt, with its own id.
	if code, out := greenhouseCall(t, f.srv, http.MethodPost, "/api/greenhouse/send_test", key, send); code != http.StatusOK ||
		out.(map[string]any)["partner_interview_id"] == interview {
		t.Fatalf("sent again after the attempt: %d %v", code, out)
	}

	// What Greenhouse cannot reach is not found; bad bodies say why.
	notOurs, _ := f.db.Invite(ctx, store.NewInvitation{TestID: ours.ID, Name: "Via iMocha", Email: "imocha@example.com", Source: store.SourceIMocha})
	frontend, _ := f.db.CreateTeam(ctx, "Frontend")
	other, err := f.db.CreateAPIKey(ctx, store.NewAPIKey{Name: "another team", TeamID: &frontend.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		method, path, key string
		body              any
		code              int
	}{
		{http.MethodGet, status, other.Key, nil, http.StatusNotFound},
		{http.MethodGet, "/api/greenhouse/test_status?partner_interview_id=987654", key, nil, http.StatusNotFound},
		{http.MethodGet, "/api/greenhouse/test_status?partner_interview_id=" + idStr(notOurs.Invitation.ID), key, nil, http.StatusNotFound},
		{http.MethodPost, "/api/greenhouse/send_test", key, map[string]any{"partner_test_id": idStr(f.test.ID), "candidate": map[string]any{"email": "x@example.com"}}, http.StatusNotFound},
		{http.MethodPost, "/api/greenhouse/send_test", key, map[string]any{"partner_test_id": idStr(ours.ID), "candidate": map[string]any{"first_name": "No"}}, http.StatusBadRequest},
		{http.MethodPost, "/api/greenhouse/send_test", key, map[string]any{"partner_test_id": "abc", "candidate": map[string]any{"email": "x@example.com"}}, http.StatusBadRequest},
		{http.MethodPost, "/api/greenhouse/response_error", key, map[string]any{"api_call": "test_status", "errors": []string{"partner_profile_url is missing"},
			"partner_interview_id": interview}, http.StatusOK},
	} {
		if code, out := greenhouseCall(t, f.srv, c.method, c.path, c.key, c.body); code != c.code {
			t.Errorf("%s %s: %d %v, want %d", c.method, c.path, code, out, c.code)
		}
	}
	if n := countRows(t, f.db, `SELECT COUNT(*) FROM invitations WHERE email_norm = 'x@example.com'`); n != 0 {
		t.Fatalf("refused calls wrote %d invitations", n)
	}

	// Cancelled in Testgate: Greenhouse is told and reads "cancelled".
	code, out = greenhouseCall(t, f.srv, http.MethodPost, "/api/greenhouse/send_test", key, map[string]any{"partner_test_id": idStr(ours.ID),
		"candidate": map[string]any{"first_name": "Ron", "last_name": "Weasley", "email": "ron@example.com"}, "url": hook.srv.URL + "/take_home_tests/2"})
	second, _ := out.(map[string]any)["partner_interview_id"].(string)
	if code != http.StatusOK {
		t.Fatalf("second send_test: %d %v", code, out)
	}
	if _, r := admin.postConfirmed(invitationPath(mustID(t, second))+"/cancel", nil); r.Code != http.StatusSeeOther {
		t.Fatalf("cancel: %d", r.Code)
	}
	for f.step(t) > 0 {
	}
	if got := hook.got(); len(got) != 3 || !strings.HasPrefix(got[2], "PATCH /take_home_tests/2 "+key) {
		t.Fatalf("no PATCH for the cancellation: %q", got)
	}
	if _, out := greenhouseCall(t, f.srv, http.MethodGet, "/api/greenhouse/test_status?partner_interview_id="+second, key, nil); out.(map[string]any)["partner_status"] != "cancelled" {
		t.Fatalf("after cancelling: %v", out)
	}
	if a, _ := f.db.ATSIntegration(ctx, store.ATSGreenhouse); !strings.HasPrefix(a.Credential, "v1:") || strings.Contains(a.Credential, key) ||
		regexp.MustCompile(`tgk_`).MatchString(a.Credential) {
		t.Fatalf("the key is not kept sealed: %q", a.Credential)
	}
}

// mustID reads an id Testgate handed out as a string.
func mustID(t *testing.T, s string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("id %q: %v", s, err)
	}
	return id
}
