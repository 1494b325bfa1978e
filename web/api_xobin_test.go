package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"testgate/store"
)

type xobinFixture struct {
	srv        *Server
	db         *store.DB
	key        string
	assessment store.Test
	interview  store.Test
}

func newXobinFixture(t *testing.T) xobinFixture {
	srv, db := newTestServer(t)
	ctx := context.Background()
	a, _ := db.CreateTest(ctx, store.TestInput{Name: "Java", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	i, _ := db.CreateTest(ctx, store.TestInput{Name: "Screening call", Kind: store.KindInterview, DurationMinutes: 15}, nil)
	return xobinFixture{srv: srv, db: db, key: newAPIKey(t, db), assessment: a, interview: i}
}

func (f xobinFixture) call(t *testing.T, method, path, body string, key *string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	k := f.key
	if key != nil {
		k = *key
	}
	if k != "" {
		req.Header.Set("apiKey", k)
	}
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	checkAnswer(t, xobinSpec, req, rec) // as the dialect's OpenAPI document says
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s: not JSON: %s", path, rec.Body)
	}
	return rec.Code, out
}

func TestXobinAssessmentInvite(t *testing.T) {
	t.Parallel()
	f := newXobinFixture(t)
	ctx := context.Background()
	body := fmt.Sprintf(`{"candidate_name":"Ravi","candidate_email":"ravi@example.com","assessment_id":%d,"invite_format":"sendlink","expiry_date":"2099-12-31 18:30"}`, f.assessment.ID)
	code, out := f.call(t, http.MethodPost, "/assessments/invite", body, nil)
	if code != http.StatusOK || out["email"] != "ravi@example.com" || out["name"] != "Ravi" || out["assessment_id"] != float64(f.assessment.ID) ||
		out["status"] != "Pending" || !strings.HasPrefix(out["invite_link"].(string), testBaseURL+"/t/") || out["report_id"] == nil || out["candidate_id"] == nil || len(out) != 7 {
		t.Fatalf("invite: %d %v", code, out)
	}
	inv, _ := f.db.Invitation(ctx, int64(out["report_id"].(float64)))
	if inv.Source != store.SourceXobin || !inv.SendEmail || inv.ExpiresAt.Format("2006-01-02 15:04") != "2099-12-31 18:30" {
		t.Fatalf("stored %+v", inv)
	}
	if msgs, _ := f.db.Outbox(ctx, store.OutboxFilter{InvitationID: inv.ID}); len(msgs) != 1 {
		t.Fatal("sendlink did not email")
	}
	// getlink: the link only; the same address again: the same invitation.
	code, again := f.call(t, http.MethodPost, "/assessments/invite", fmt.Sprintf(`{"candidate_name":"Ravi","candidate_email":"RAVI@example.com","assessment_id":"%d","invite_format":"getlink"}`, f.assessment.ID), nil)
	if code != http.StatusOK || again["report_id"] != out["report_id"] {
		t.Fatalf("again: %d %v", code, again)
	}
	code, other := f.call(t, http.MethodPost, "/assessments/invite", fmt.Sprintf(`{"candidate_name":"Mo","candidate_email":"mo@example.com","assessment_id":%d,"invite_format":"getlink"}`, f.assessment.ID), nil)
	if msgs, _ := f.db.Outbox(ctx, store.OutboxFilter{InvitationID: int64(other["report_id"].(float64))}); code != http.StatusOK || len(msgs) != 0 {
		t.Fatal("getlink emailed")
	}
	aid := fmt.Sprint(f.assessment.ID)
	for b, want := range map[string]string{
		`{"candidate_email":"a@example.com","assessment_id":` + aid + `}`:                                                       "candidate_name is required.",
		`{"candidate_name":"A","assessment_id":` + aid + `}`:                                                                    "candidate_email is required.",
		`{"candidate_name":"A","candidate_email":"nope","assessment_id":` + aid + `}`:                                           "candidate_email is not a valid email address.",
		`{"candidate_name":"A","candidate_email":"a@example.com"}`:                                                              "assessment_id is required.",
		`{"candidate_name":"A","candidate_email":"a@example.com","assessment_id":"x"}`:                                          "assessment_id must be a positive integer.",
		`{"candidate_name":"A","candidate_email":"a@example.com","assessment_id":` + aid + `,"invite_format":"fax"}`:            "invite_format must be getlink or sendlink.",
		`{"candidate_name":"A","candidate_email":"a@example.com","assessment_id":` + aid + `,"expiry_date":"31/12/2099"}`:       "expiry_date must be YYYY-MM-DD HH:MM (UTC), e.g. 2024-12-31 18:30.",
		`{"candidate_name":"A","candidate_email":"a@example.com","assessment_id":` + aid + `,"expiry_date":"2001-01-01 00:00"}`: "expiry_date must be in the future.",
		`[1,2]`: "The request body must be a JSON object.",
	} {
		code, out := f.call(t, http.MethodPost, "/assessments/invite", b, nil)
		if code != http.StatusBadRequest || out["error"] != want {
			t.Errorf("%s: %d %v", b, code, out)
		}
	}
	// An interview is not an assessment; unknown ids are 404.
	for _, id := range []int64{f.interview.ID, 99999} {
		code, out := f.call(t, http.MethodPost, "/assessments/invite", fmt.Sprintf(`{"candidate_name":"A","candidate_email":"a@example.com","assessment_id":%d}`, id), nil)
		if code != http.StatusNotFound || out["error"] != "No assessment with this assessment_id." {
			t.Errorf("id %d: %d %v", id, code, out)
		}
	}
	empty, wrong := "", "tgk_wrong"
	for _, k := range []*string{&empty, &wrong} {
		if code, out := f.call(t, http.MethodPost, "/assessments/invite", body, k); code != http.StatusUnauthorized || out["error"] == nil {
			t.Errorf("key %q: %d %v", *k, code, out)
		}
	}
}

func TestXobinInterviewInvite(t *testing.T) {
	t.Parallel()
	f := newXobinFixture(t)
	for _, field := range []string{"invite_format", "invite_type"} {
		body := fmt.Sprintf(`{"candidate_name":"Lee","candidate_email":"lee-%s@example.com","interview_id":%d,"%s":"sendlink"}`, field, f.interview.ID, field)
		code, out := f.call(t, http.MethodPost, "/automated-interviews/invite", body, nil)
		if code != http.StatusOK || out["interview_name"] != "Screening call" || out["interview_id"] != float64(f.interview.ID) ||
			out["interview_reponse_id"] == nil || out["status"] != "Pending" || len(out) != 7 {
			t.Fatalf("%s: %d %v", field, code, out)
		}
		msgs, _ := f.db.Outbox(context.Background(), store.OutboxFilter{InvitationID: int64(out["interview_reponse_id"].(float64))})
		if len(msgs) != 1 {
			t.Fatalf("%s=sendlink did not email", field)
		}
	}
	code, out := f.call(t, http.MethodPost, "/automated-interviews/invite", fmt.Sprintf(`{"candidate_name":"A","candidate_email":"a@example.com","interview_id":%d}`, f.assessment.ID), nil)
	if code != http.StatusNotFound || out["error"] != "No interview with this interview_id." {
		t.Fatalf("assessment as interview: %d %v", code, out)
	}
}

func TestXobinReportAndRevoke(t *testing.T) {
	t.Parallel()
	f := newXobinFixture(t)
	ctx := context.Background()
	_, out := f.call(t, http.MethodPost, "/assessments/invite", fmt.Sprintf(`{"candidate_name":"Ann","candidate_email":"ann@example.com","assessment_id":%d,"invite_format":"sendlink"}`, f.assessment.ID), nil)
	rid := fmt.Sprint(int64(out["report_id"].(float64)))
	code, report := f.call(t, http.MethodGet, "/assessments/report/"+rid, "", nil)
	// Before completion, the page's short form.
	if code != http.StatusOK || report["invite_status"] != "Pending" || report["email"] != "ann@example.com" ||
		report["report_id"] != out["report_id"] || report["candidate_id"] == nil || len(report) != 6 {
		t.Fatalf("report: %d %v", code, report)
	}
	if code, _ := f.call(t, http.MethodGet, "/assessments/report/424242", "", nil); code != http.StatusNotFound {
		t.Fatalf("unknown report: %d", code)
	}
	code, rev := f.call(t, http.MethodPost, "/assessments/invite/revoke", `{"report_id":`+rid+`,"notify_candidate":true}`, nil)
	if code != http.StatusOK || rev["status"] != "REVOKED" || rev["message"] != "Invite Revoked successfully." {
		t.Fatalf("revoke: %d %v", code, rev)
	}
	msgs, _ := f.db.Outbox(ctx, store.OutboxFilter{InvitationID: int64(out["report_id"].(float64))})
	kinds := map[string]string{}
	for _, m := range msgs {
		kinds[m.Kind] = m.Status
	}
	if kinds[store.EmailInvitation] != store.OutboxCancelled || kinds[store.EmailRevocation] != store.OutboxQueued {
		t.Fatalf("emails after revoke with notify: %v", kinds)
	}
	if _, rev := f.call(t, http.MethodPost, "/assessments/invite/revoke", `{"report_id":"`+rid+`"}`, nil); rev["status"] != "ALREADY_REVOKED" || rev["message"] != "Invite already revoked" {
		t.Fatalf("twice: %v", rev)
	}
	_, started := f.call(t, http.MethodPost, "/assessments/invite", fmt.Sprintf(`{"candidate_name":"Bo","candidate_email":"bo@example.com","assessment_id":%d}`, f.assessment.ID), nil)
	markStarted(t, f.db, int64(started["report_id"].(float64)))
	if _, rev := f.call(t, http.MethodPost, "/assessments/invite/revoke", fmt.Sprintf(`{"report_id":%v}`, started["report_id"]), nil); rev["status"] != "NOT_ALLOWED" {
		t.Fatalf("started: %v", rev)
	}
	for b, want := range map[string]int{`{}`: 400, `{"report_id":424242}`: 404, `{"report_id":1,"notify_candidate":"yes"}`: 400} {
		if code, _ := f.call(t, http.MethodPost, "/assessments/invite/revoke", b, nil); code != want {
			t.Errorf("%s: %d", b, code)
		}
	}
}

// The dialect's OpenAPI document is served without a key, with this
// installation as its server; every answer the Xobin tests get is checked
// against it (call).
func TestXobinOpenAPIDocumentIsServed(t *testing.T) {
	t.Parallel()
	f := newXobinFixture(t)
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v2/openapi.json", nil))
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || rec.Code != http.StatusOK || doc["openapi"] != "3.1.0" {
		t.Fatalf("%d %v", rec.Code, err)
	}
	paths, _ := doc["paths"].(map[string]any)
	if servers, _ := doc["servers"].([]any); len(servers) != 1 || paths["/api/v2/assessments/invite"] == nil || paths["/assessments/invite"] == nil {
		t.Fatalf("servers %v, paths %d", servers, len(paths))
	}
	assertRoutesDocumented(t, f.srv, "/api/v2/", doc)
	assertRoutesDocumented(t, f.srv, "/assessment", doc)
}

func TestXobinCandidateIDIsThePersons(t *testing.T) {
	t.Parallel()
	f := newXobinFixture(t)
	ctx := context.Background()
	second, _ := f.db.CreateTest(ctx, store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	invite := func(testID int64, email string) map[string]any {
		t.Helper()
		code, out := f.call(t, http.MethodPost, "/assessments/invite",
			fmt.Sprintf(`{"candidate_name":"Ravi","candidate_email":%q,"assessment_id":%d,"invite_format":"getlink"}`, email, testID), nil)
		if code != http.StatusOK {
			t.Fatalf("invite: %d %v", code, out)
		}
		return out
	}
	java, goTest, other := invite(f.assessment.ID, "ravi@example.com"), invite(second.ID, "Ravi@Example.com"), invite(second.ID, "mira@example.com")
	// One person in two assessments: one candidate_id, two report_ids.
	if java["candidate_id"] != goTest["candidate_id"] || java["report_id"] == goTest["report_id"] {
		t.Fatalf("one person, two assessments: %v and %v", java, goTest)
	}
	if other["candidate_id"] == java["candidate_id"] {
		t.Fatalf("two people share a candidate_id: %v and %v", java, other)
	}
	// The report says the same.
	_, report := f.call(t, http.MethodGet, fmt.Sprintf("/assessments/report/%d", int64(goTest["report_id"].(float64))), "", nil)
	if report["candidate_id"] != java["candidate_id"] {
		t.Fatalf("report's candidate_id %v, want %v", report["candidate_id"], java["candidate_id"])
	}
}
