package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"testgate/store"
)

// Xobin's candidate deletion and AI interview calls.

func TestXobinDeleteCandidateAfterSevenDaysUnlessCalledOff(t *testing.T) {
	t.Parallel()
	f := newXobinFixture(t)
	ctx := context.Background()
	now := time.Now().UTC()
	f.db.SetClock(func() time.Time { return now })
	_, out := f.call(t, http.MethodPost, "/assessments/invite",
		fmt.Sprintf(`{"candidate_name":"Ravi","candidate_email":"ravi@example.com","assessment_id":%d,"invite_format":"getlink"}`, f.assessment.ID), nil)
	id := int64(out["report_id"].(float64))

	code, del := f.call(t, http.MethodPost, "/candidate/delete", `{"email":"Ravi@example.com"}`, nil)
	if code != http.StatusOK || del["success"] != true || del["message"] != "Candidate scheduled for deletion" || del["task_id"] == "" {
		t.Fatalf("delete: %d %v", code, del)
	}
	if code, out := f.call(t, http.MethodPost, "/candidate/delete", `{"email":"nobody@example.com"}`, nil); code != http.StatusNotFound ||
		out["success"] != false || out["error"] != "Candidate not found" {
		t.Fatalf("unknown candidate: %d %v", code, out)
	}
	// Called off within the week: nothing is erased when it would have been due.
	code, cancel := f.call(t, http.MethodPost, "/api/v2/candidate/delete/cancel", `{"task_id":"`+del["task_id"].(string)+`"}`, nil)
	if code != http.StatusOK || cancel["success"] != true {
		t.Fatalf("cancel: %d %v", code, cancel)
	}
	now = now.Add(8 * 24 * time.Hour)
	f.db.EraseDueCandidates(ctx)
	if inv, _ := f.db.Invitation(ctx, id); inv.ErasedAt != nil {
		t.Fatal("a called-off deletion erased the candidate")
	}
	// Scheduled again and left: erased after 7 days, not before.
	f.call(t, http.MethodPost, "/candidate/delete", `{"email":"ravi@example.com"}`, nil)
	now = now.Add(7*24*time.Hour - time.Hour)
	f.db.EraseDueCandidates(ctx)
	if inv, _ := f.db.Invitation(ctx, id); inv.ErasedAt != nil {
		t.Fatal("erased before the week was out")
	}
	now = now.Add(time.Hour)
	f.db.EraseDueCandidates(ctx)
	if inv, _ := f.db.Invitation(ctx, id); inv.ErasedAt == nil || strings.Contains(inv.Email, "ravi") {
		t.Fatalf("not erased when due: %+v", inv)
	}
	if code, out := f.call(t, http.MethodPost, "/candidate/delete/cancel", `{"email":"ravi@example.com"}`, nil); code != http.StatusNotFound || out["success"] != false {
		t.Fatalf("nothing left to call off: %d %v", code, out)
	}
	if code, _ := f.call(t, http.MethodPost, "/candidate/delete/cancel", `{}`, nil); code != http.StatusBadRequest {
		t.Fatalf("cancel without task or email: %d", code)
	}
}

func TestXobinAIInterview(t *testing.T) {
	t.Parallel()
	f := newXobinFixture(t)
	ctx := context.Background()
	q, _ := f.db.AddQuestion(ctx, f.interview.ID, store.QuestionInput{Text: "Tell us about a hard bug.", Kind: store.QuestionText, Points: 4})
	code, out := f.call(t, http.MethodPost, "/ai-interviews/invite", fmt.Sprintf(`{"candidate_name":"Alex Tanaka","candidate_email":"alex@example.com",
		"ai_interview_id":%d,"invite_format":"getlink","start_date":"2099-07-18 10:00","expiry_date":"2099-07-20 20:30","custom_field_id":"CAND-2025-001"}`, f.interview.ID), nil)
	if code != http.StatusOK || out["ai_interview_name"] != "Screening call" || out["custom_field_id"] != "CAND-2025-001" || out["status"] != "Pending" {
		t.Fatalf("invite: %d %v", code, out)
	}
	id := int64(out["response_id"].(float64))
	inv, _ := f.db.Invitation(ctx, id)
	if inv.ValidFrom == nil || inv.ValidFrom.Format("2006-01-02 15:04") != "2099-07-18 10:00" || inv.ExternalID != "CAND-2025-001" {
		t.Fatalf("stored %+v", inv)
	}
	// An assessment is not an AI interview.
	if code, _ := f.call(t, http.MethodPost, "/ai-interviews/invite", fmt.Sprintf(`{"candidate_name":"A","candidate_email":"a@example.com","ai_interview_id":%d}`, f.assessment.ID), nil); code != http.StatusNotFound {
		t.Fatalf("assessment as AI interview: %d", code)
	}
	code, rec := xobinRaw(t, f, http.MethodGet, fmt.Sprintf("/ai-interviews/invited/%d", f.interview.ID))
	if code != http.StatusOK || !strings.Contains(rec, `"invite_status":"Pending"`) || !strings.Contains(rec, `"response_id":`+idStr(id)) || !strings.Contains(rec, " GMT") {
		t.Fatalf("invited: %d %s", code, rec)
	}
	// Not completed: no report yet.
	if code, _ := f.call(t, http.MethodGet, "/ai-interviews/report/"+idStr(id), "", nil); code != http.StatusBadRequest {
		t.Fatalf("report before completion: %d", code)
	}
	// Completed and graded: the conversation, the score and the links.
	f.db.UpdateTest(ctx, f.interview.ID, store.TestInput{Name: "Screening call", Kind: store.KindInterview, DurationMinutes: 15, PassingScore: 50})
	f.db.SetClock(func() time.Time { return time.Date(2099, 7, 19, 9, 0, 0, 0, time.UTC) })
	markStarted(t, f.db, id)
	f.db.SaveAnswers(ctx, id, []store.AnswerInput{{QuestionID: q.ID, Text: "A race in the cache."}}, nil)
	f.db.CompleteInvitation(ctx, id, store.ReasonSubmitted)
	if _, err := f.db.GradeAnswer(ctx, id, store.GradeInput{QuestionID: q.ID, Points: 3}, "user:rita@example.com"); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/ai-interviews/report/" + idStr(id), "/api/v2/ai-interviews/report?custom_field_id=CAND-2025-001"} {
		code, report := f.call(t, http.MethodGet, path, "", nil)
		conv, _ := report["conversation"].([]any)
		if code != http.StatusOK || report["score"] != 75.0 || report["recommendation"] != "Recommended" || report["invite_status"] != "Completed" ||
			len(conv) != 2 || conv[0].(map[string]any)["content"] != "Tell us about a hard bug." || conv[1].(map[string]any)["content"] != "A race in the cache." ||
			!strings.Contains(report["pdf_link"].(string), "/reports/") {
			t.Fatalf("%s: %d %v", path, code, report)
		}
	}
	if code, _ := f.call(t, http.MethodGet, "/ai-interviews/report?custom_field_id=nope", "", nil); code != http.StatusNotFound {
		t.Fatalf("unknown custom_field_id: %d", code)
	}
	code, shared := f.call(t, http.MethodPost, "/ai-interviews/report/"+idStr(id)+"/share", `{"expiration_hours":0.5}`, nil)
	if code != http.StatusOK || shared["expiration_hours"] != 0.5 || shared["response_id"] != float64(id) || shared["signed_url"] == "" {
		t.Fatalf("share: %d %v", code, shared)
	}
	if code, out := f.call(t, http.MethodPost, "/ai-interviews/report/"+idStr(id)+"/share", `{"expiration_hours":25}`, nil); code != http.StatusBadRequest ||
		out["error"] != "expiration_hours must be between 1 minute and 24 hours" {
		t.Fatalf("25 hours: %d %v", code, out)
	}
}

// xobinRaw answers a call's status and body as text (the invited list is
// an array, which call does not decode).
func xobinRaw(t *testing.T, f xobinFixture, method, path string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	req.Header.Set("apiKey", f.key)
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	checkAnswer(t, xobinSpec, req, rec)
	return rec.Code, rec.Body.String()
}
