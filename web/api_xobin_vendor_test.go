package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"testgate/store"
	"testgate/views/pdftext"
	"testgate/web/api/xobin"
)

// These replay the examples of app.xobin.com/api/docs beyond the seeds.

func TestXobinV2BasePath(t *testing.T) {
	t.Parallel()
	f := newXobinFixture(t)
	body := fmt.Sprintf(`{"candidate_name":"Ravi","candidate_email":"ravi@example.com","assessment_id":%d,"invite_format":"getlink"}`, f.assessment.ID)
	code, out := f.call(t, http.MethodPost, "/api/v2/assessments/invite", body, nil)
	if code != http.StatusOK || out["status"] != "Pending" {
		t.Fatalf("/api/v2 invite: %d %v", code, out)
	}
	if code, out := f.call(t, http.MethodGet, "/api/v2/assessments/report/"+fmt.Sprint(out["report_id"]), "", nil); code != http.StatusOK || out["invite_status"] != "Pending" {
		t.Fatalf("/api/v2 report: %d %v", code, out)
	}
	if code, out := f.call(t, http.MethodGet, "/api/v2/assessments/report/424242", "", nil); code != http.StatusNotFound || out["error"] == nil {
		t.Fatalf("/api/v2 unknown report: %d %v", code, out)
	}
}

func TestXobinBulkInvite(t *testing.T) {
	t.Parallel()
	f := newXobinFixture(t)
	body := fmt.Sprintf(`{"assessment_id":%d,"invite_format":"sendlink","expiry_date":"2099-12-31 18:30","candidates":[
		{"name":"Ann","email":"ann@example.com"},
		{"candidate_name":"Bo","candidate_email":"bo@example.com"},
		{"name":"Cy","email":"not-an-address"},
		{"email":"dee@example.com"}]}`, f.assessment.ID)
	code, out := f.call(t, http.MethodPost, "/api/v2/assessment/invite", body, nil)
	invites, _ := out["invites"].([]any)
	if code != http.StatusOK || len(invites) != 4 {
		t.Fatalf("bulk: %d %v", code, out)
	}
	for i, want := range []struct{ email, status, err string }{
		{"ann@example.com", "Pending", ""}, {"bo@example.com", "Pending", ""},
		{"not-an-address", "Failed", "email is not a valid email address"}, {"dee@example.com", "Failed", "name is required"},
	} {
		got := invites[i].(map[string]any)
		if got["email"] != want.email || got["status"] != want.status || (want.err != "" && got["error"] != want.err) ||
			(want.err == "" && (got["report_id"] == nil || !strings.HasPrefix(fmt.Sprint(got["invite_link"]), testBaseURL+"/t/"))) {
			t.Errorf("candidate %d: %v", i, got)
		}
	}
	if _, total, _ := f.db.Invitations(context.Background(), store.InvitationFilter{}); total != 2 {
		t.Fatalf("%d invitations, want the two valid ones", total)
	}
	if msgs, _ := f.db.Outbox(context.Background(), store.OutboxFilter{}); len(msgs) != 2 {
		t.Fatalf("sendlink queued %d emails", len(msgs))
	}
	many := make([]string, xobin.BulkLimit+1)
	for i := range many {
		many[i] = fmt.Sprintf(`{"name":"C%d","email":"c%d@example.com"}`, i, i)
	}
	for b, want := range map[string]string{
		fmt.Sprintf(`{"assessment_id":%d,"candidates":[%s]}`, f.assessment.ID, strings.Join(many, ",")): "candidates must hold at most 500 candidates.",
		fmt.Sprintf(`{"assessment_id":%d,"candidates":[]}`, f.assessment.ID):                            "candidates must hold at least one candidate.",
		fmt.Sprintf(`{"assessment_id":%d}`, f.assessment.ID):                                            "candidates must be a list of {name, email}.",
		`{"candidates":[{"name":"A","email":"a@example.com"}]}`:                                         "assessment_id is required.",
	} {
		if code, out := f.call(t, http.MethodPost, "/assessment/invite", b, nil); code != http.StatusBadRequest || out["error"] != want {
			t.Errorf("%.60s: %d %v", b, code, out)
		}
	}
	if _, total, _ := f.db.Invitations(context.Background(), store.InvitationFilter{}); total != 2 {
		t.Fatalf("refused requests wrote: %d invitations", total)
	}
}

func TestXobinCompletedReportShareAndCallbacks(t *testing.T) {
	t.Parallel()
	f := newXobinFixture(t)
	ctx := context.Background()
	now := time.Date(2027, 7, 5, 4, 30, 0, 0, time.UTC)
	f.db.SetClock(func() time.Time { return now })
	hook := "https://ats.example.com/xobin"
	res, _ := f.db.Invite(ctx, store.NewInvitation{TestID: f.assessment.ID, Name: "Jen", Email: "jen@example.com", Source: store.SourceXobin, CallbackURL: &hook})
	id := res.Invitation.ID
	markStarted(t, f.db, id)
	now = now.Add(12*time.Minute + 45*time.Second)
	f.db.CompleteInvitation(ctx, id, "submitted")

	code, report := f.call(t, http.MethodGet, "/assessments/report/"+idStr(id), "", nil)
	if code != http.StatusOK || report["invite_status"] != "Completed" || report["completed_date"] != "Jul 05, 2027, 4:42:45 AM" ||
		report["cut_off"] != 0.0 || report["offtab_count"] != 0.0 || report["overall_percentage"] != 0.0 {
		t.Fatalf("report: %d %v", code, report)
	}
	if fields, ok := report["registration_fields"].([]any); !ok || len(fields) != 0 {
		t.Errorf("registration_fields %v", report["registration_fields"])
	}
	if sections, _ := report["sections"].([]any); len(sections) != 1 || sections[0].(map[string]any)["section"] != "Java" {
		t.Errorf("sections %v", report["sections"])
	}
	if text := fetchReportPDF(t, f.srv, report["report_link"].(string)); !strings.Contains(text, "jen@example.com") {
		t.Fatalf("report_link PDF: %q", text)
	}

	// Generate Shareable Report: a signed link of the asked validity, or the PDF.
	code, share := f.call(t, http.MethodPost, "/assessments/reports/"+idStr(id)+"/share", `{"expiration_hours": 2}`, nil)
	if code != http.StatusOK || share["expiration_hours"] != 2.0 || share["report_id"] != float64(id) ||
		share["expires_at"] != now.Add(2*time.Hour).Format("2006-01-02T15:04:05") {
		t.Fatalf("share: %d %v", code, share)
	}
	if text := fetchReportPDF(t, f.srv, share["signed_url"].(string)); !strings.Contains(text, "Jen") {
		t.Fatalf("signed_url PDF: %q", text)
	}
	req := httptest.NewRequest(http.MethodPost, "/assessments/reports/"+idStr(id)+"/download", nil)
	req.Header.Set("apiKey", f.key)
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(pdftext.Of(t, rec.Body.Bytes()), "jen@example.com") {
		t.Fatalf("download: %d", rec.Code)
	}
	for path, body := range map[string]string{"/share": `{"expiration_hours": 25}`, "/share ": `{"expiration_hours": 0.1}`, "/print": `{}`} {
		if code, out := f.call(t, http.MethodPost, "/assessments/reports/"+idStr(id)+strings.TrimSpace(path), body, nil); code != http.StatusBadRequest || out["error"] == nil {
			t.Errorf("%s %s: %d %v", path, body, code, out)
		}
	}

	// The workflows' bodies: Assessment Start, then the submission's report.
	ds, _ := f.db.Deliveries(ctx, store.DeliveryFilter{InvitationID: id})
	if len(ds) != 2 {
		t.Fatalf("%d deliveries", len(ds))
	}
	var start, done map[string]any
	json.Unmarshal([]byte(ds[1].Payload), &start)
	json.Unmarshal([]byte(ds[0].Payload), &done)
	if start["id"] != float64(id) || start["started_at"] != float64(time.Date(2027, 7, 5, 4, 30, 0, 0, time.UTC).UnixMilli()) ||
		start["email"] != "jen@example.com" || start["assessment_id"] != float64(f.assessment.ID) {
		t.Errorf("start body %v", start)
	}
	if done["invite_status"] != "Completed" || done["report_link"] == nil {
		t.Errorf("submission body %v", done)
	}
}

// fetchReportPDF fetches a report link without credentials and returns
// the PDF's text.
func fetchReportPDF(t *testing.T, srv *Server, link string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, strings.TrimPrefix(link, testBaseURL), nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d", link, rec.Code)
	}
	return pdftext.Of(t, rec.Body.Bytes())
}
