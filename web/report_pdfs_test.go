package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"testgate/store"
	"testgate/views/pdftext"
)

// Any text a person can type — an emoji, a character beyond the Basic
// Multilingual Plane such as 𠮷, control characters — in a name, an answer
// or a test's name makes a report PDF, on every route that hands one out.
func TestReportsNeverFailOnTypedText(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{})
	ctx := context.Background()
	name := "Zoë 😀 𠮷田"
	if _, err := f.db.UpdateTest(ctx, f.test.ID, store.TestInput{Name: "Go 🚀 backend", Kind: store.KindAssessment, DurationMinutes: 30}); err != nil {
		t.Fatal(err)
	}
	inv := f.invite(t, store.NewInvitation{Name: name, Email: "zoe@example.com"})
	f.b.get(f.token)
	f.b.post(f.token+"/start", nil)
	f.b.post(f.token+"/answers", url.Values{"action": {"submit"}, f.q(0): {"1"}, f.q(1): {"0"}, f.q(2): {"Because 🦫 gophers. 𝔊𝔬"}})
	if got, _ := f.db.Invitation(ctx, inv.ID); got.Status != store.StatusCompleted {
		t.Fatalf("the attempt is %s", got.Status)
	}

	admin := signIn(t, f.srv, f.db, store.RoleAdmin)
	console := admin.get(invitationPath(inv.ID) + "/report.pdf")
	if console.Code != http.StatusOK {
		t.Fatalf("console report: %d", console.Code)
	}
	text := pdftext.Of(t, console.Body.Bytes())
	for _, want := range []string{"Zoë", "😀", "田", "Go 🚀 backend", "Because", "🦫", "gophers.", "��"} { // 𝔊𝔬: no font holds them
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q: %s", want, text)
		}
	}
	key := newAPIKey(t, f.db)
	code, report := api(t, f.srv, http.MethodGet, "/v3/reports/"+idStr(inv.ID), key, nil)
	if code != http.StatusOK || report["pdfReportUrl"] == nil {
		t.Fatalf("iMocha report: %d %v", code, report)
	}
	fetchReportPDF(t, f.srv, report["pdfReportUrl"].(string))
	req := httptest.NewRequest(http.MethodPost, "/assessments/reports/"+idStr(inv.ID)+"/download", nil)
	req.Header.Set("apiKey", key)
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(pdftext.Of(t, rec.Body.Bytes()), "Zoë") {
		t.Fatalf("Xobin download: %d", rec.Code)
	}
}

// Many requests for reports at once make one render per version of an
// attempt, never more renders at once than the slots, and the metrics
// say so; a changed attempt is rendered again.
func TestReportPDFsAreBoundedAndKept(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{})
	ctx := context.Background()
	var ids []int64
	for _, who := range []string{"ana", "ben", "cai", "dee"} {
		inv := f.invite(t, store.NewInvitation{Name: who, Email: who + "@example.com"})
		completeAttempt(t, f.db, inv.ID)
		ids = append(ids, inv.ID)
	}
	admin := signIn(t, f.srv, f.db, store.RoleAdmin)
	get := func(id int64) int {
		req := httptest.NewRequest(http.MethodGet, strings.TrimPrefix(reportLinkOf(f.srv, id), testBaseURL), nil)
		rec := httptest.NewRecorder()
		f.srv.ServeHTTP(rec, req)
		return rec.Code
	}
	var wg sync.WaitGroup
	codes := make(chan int, 32)
	for i := range 32 {
		wg.Go(func() { codes <- get(ids[i%len(ids)]) })
	}
	wg.Wait()
	close(codes)
	for c := range codes {
		if c != http.StatusOK {
			t.Fatalf("a report answered %d", c)
		}
	}
	metric := func(name string) string {
		for _, line := range strings.Split(admin.get("/metrics").Body.String(), "\n") {
			if v, ok := strings.CutPrefix(line, name+" "); ok {
				return v
			}
		}
		return ""
	}
	if got := metric("testgate_pdf_reports_rendered_total"); got != "4" {
		t.Fatalf("32 requests for 4 attempts made %s renders", got)
	}
	if got := metric("testgate_pdf_reports_served_total"); got != "32" {
		t.Fatalf("served %s", got)
	}
	if peak, slots := f.srv.reports.peak.Load(), int64(cap(f.srv.reports.slots)); peak > slots {
		t.Fatalf("%d renders at once with %d slots", peak, slots)
	}
	if _, err := f.db.GradeAnswer(ctx, ids[0], store.GradeInput{QuestionID: f.qs[2].ID, Points: 1, Comment: "fine"}, "user:rita@example.com"); err != nil {
		t.Fatal(err)
	}
	if get(ids[0]) != http.StatusOK || metric("testgate_pdf_reports_rendered_total") != "5" {
		t.Fatalf("a graded attempt was not rendered again: %s renders", metric("testgate_pdf_reports_rendered_total"))
	}
}

// When every render slot stays busy longer than a request may wait, the
// request is told to come back, and nothing else is held up.
func TestReportPDFsRefuseWhenBusy(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{})
	inv := f.invite(t, store.NewInvitation{Name: "Ana", Email: "ana@example.com"})
	completeAttempt(t, f.db, inv.ID)
	f.srv.reports = newPDFReports(1, 50*time.Millisecond, reportCacheBytes)
	f.srv.reports.slots <- struct{}{} // a render that does not end
	req := httptest.NewRequest(http.MethodGet, strings.TrimPrefix(reportLinkOf(f.srv, inv.ID), testBaseURL), nil)
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("a report with every slot busy: %d", rec.Code)
	}
	if r := f.b.get(f.token); r.Code != http.StatusOK {
		t.Fatalf("the candidate's page meanwhile: %d", r.Code)
	}
	<-f.srv.reports.slots
	rec = httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("once free: %d", rec.Code)
	}
}
