package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"testgate/store"
	"testgate/views/pdftext"
	"testgate/web/api/apihttp"
)

// These replay the examples of developer.imocha.io's pages beyond the seed.

func TestIMochaInviteByDefaultLink(t *testing.T) {
	t.Parallel()
	f := newIMochaFixture(t)
	code, out := f.call(t, http.MethodPost, "/v3/tests/"+idStr(f.test.ID)+"/invite", `{"email":"dee@example.com","name":"Dee","sendEmail":"no"}`, nil)
	if code != http.StatusCreated || out["status"] != "Pending" {
		t.Fatalf("invite: %d %v", code, out)
	}
	inv, _ := f.db.Invitation(context.Background(), int64(out["testInvitationId"].(float64)))
	if inv.LinkID != f.def.ID {
		t.Fatalf("invited through link %d, want the default %d", inv.LinkID, f.def.ID)
	}
	if code, _ := f.call(t, http.MethodPost, "/v3/tests/9999/invite", `{"email":"dee@example.com","name":"Dee"}`, nil); code != http.StatusNotFound {
		t.Fatalf("unknown test: %d", code)
	}
}

func TestIMochaTestsAndTestLinks(t *testing.T) {
	t.Parallel()
	f := newIMochaFixture(t)
	code, out := f.call(t, http.MethodGet, "/v3/tests", "", nil)
	tests, _ := out["tests"].([]any)
	if code != http.StatusOK || len(tests) != 2 {
		t.Fatalf("tests: %d %v", code, out)
	}
	code, one := f.call(t, http.MethodGet, "/v3/tests/"+idStr(f.test.ID), "", nil)
	if code != http.StatusOK || one["testId"] != float64(f.test.ID) || one["testName"] != "Java" || one["duration"] != 30.0 {
		t.Fatalf("test: %d %v", code, one)
	}
	// "Retrieve Test Link": the documented per-link fields.
	code, link := f.call(t, http.MethodGet, "/v3/tests/"+idStr(f.test.ID)+"/testlinks/"+idStr(f.campus.ID), "", nil)
	if code != http.StatusOK {
		t.Fatalf("test link: %d %v", code, link)
	}
	for k, want := range map[string]any{"testLinkId": float64(f.campus.ID), "testId": float64(f.test.ID), "testLinkName": "Campus",
		"testLink": f.campus.Slug, "testLinkStatus": "active", "invitationType": "email", "isApiLink": false} {
		if link[k] != want {
			t.Errorf("%s = %v, want %v", k, link[k], want)
		}
	}
	if p, _ := link["proctoringSettings"].(map[string]any); p["proctoringMode"] != "disabled" {
		t.Errorf("proctoringSettings %v", link["proctoringSettings"])
	}
	if s, _ := link["invitationSchedule"].(map[string]any); s["scheduleType"] != "validityindays" {
		t.Errorf("invitationSchedule %v", link["invitationSchedule"])
	}
	f.db.SetLinkDisabled(context.Background(), f.campus.ID, true)
	if _, link := f.call(t, http.MethodGet, "/v3/tests/"+idStr(f.test.ID)+"/testlinks/"+idStr(f.campus.ID), "", nil); link["testLinkStatus"] != "inactive" {
		t.Errorf("disabled link reads %v", link["testLinkStatus"])
	}
	// A link of another test is not found through this one.
	if code, _ := f.call(t, http.MethodGet, "/v3/tests/"+idStr(f.test.ID)+"/testlinks/"+idStr(f.otherTestLnk.ID), "", nil); code != http.StatusNotFound {
		t.Fatalf("other test's link: %d", code)
	}
}

// completeAttempt starts and completes an invitation at the store's time.
func completeAttempt(t *testing.T, db *store.DB, id int64) store.Invitation {
	t.Helper()
	markStarted(t, db, id)
	inv, err := db.CompleteInvitation(context.Background(), id, "submitted")
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func TestIMochaReattemptPollAndReport(t *testing.T) {
	t.Parallel()
	f := newIMochaFixture(t)
	now := time.Date(2027, 4, 5, 10, 0, 0, 0, time.UTC)
	f.db.SetClock(func() time.Time { return now })
	_, out := f.call(t, http.MethodPost, f.invitePath(f.test.ID, f.campus.ID), `{"email":"rae@example.com","name":"Rae"}`, nil)
	first := int64(out["testInvitationId"].(float64))
	firstURL := out["testUrl"]

	// Before the test is taken, a reattempt returns the pending invitation.
	code, re := f.call(t, http.MethodPost, "/v3/invitations/"+idStr(first)+"/reattempt", `{}`, nil)
	if code != http.StatusOK || re["testInvitationId"] != float64(first) || re["testUrl"] != firstURL {
		t.Fatalf("pending reattempt: %d %v", code, re)
	}
	markStarted(t, f.db, first)
	code, re = f.call(t, http.MethodPost, "/v3/invitations/"+idStr(first)+"/reattempt", `{}`, nil)
	if code != http.StatusBadRequest || errorsOf(re)[0] != "Reattempt is not allowed on Test invitation id: "+idStr(first)+" which is in inprogress state." {
		t.Fatalf("reattempt in progress: %d %v", code, re)
	}
	now = now.Add(20 * time.Minute)
	f.db.CompleteInvitation(context.Background(), first, "submitted")

	// The report of the finished attempt, in the documented fields.
	code, report := f.call(t, http.MethodGet, "/v3/reports/"+idStr(first), "", nil)
	if code != http.StatusOK || report["Status"] != "Complete" || report["candidateEmail"] != "rae@example.com" ||
		report["testId"] != idStr(f.test.ID) || report["attemptedOn"] != "2027-04-05T10:00:00Z" ||
		report["candidatePoints"] != 0.0 || report["totalTestPoints"] != 0.0 {
		t.Fatalf("report: %d %v", code, report)
	}
	sections, _ := report["sections"].([]any)
	if len(sections) != 1 || sections[0].(map[string]any)["sectionTimeTaken"] != 1200.0 {
		t.Fatalf("sections %v", report["sections"])
	}
	pdfURL, _ := report["pdfReportUrl"].(string)
	if text := fetchReportPDF(t, f.srv, pdfURL); !strings.Contains(text, "rae@example.com") || !strings.Contains(text, "Completed") {
		t.Fatalf("PDF text %q", text)
	}
	if code, pdf := f.call(t, http.MethodGet, "/v3/reports/"+idStr(first)+"/pdf", "", nil); code != http.StatusOK || pdf["pdfReportUrl"] == nil {
		t.Fatalf("pdf link: %d %v", code, pdf)
	}

	// Retrieve Invites: the completed attempt in its time range.
	code, polled := f.call(t, http.MethodPost, "/v3/candidates/testattempts?state=completed",
		`{"StartDateTime":"2027-04-05T00:00:00Z","EndDateTime":"2027-04-06T00:00:00Z"}`, nil)
	result, _ := polled["result"].(map[string]any)
	attempts, _ := result["testAttempts"].([]any)
	if code != http.StatusOK || polled["errors"] != nil || len(attempts) != 1 {
		t.Fatalf("testattempts: %d %v", code, polled)
	}
	a := attempts[0].(map[string]any)
	if a["testInvitationId"] != float64(first) || a["testStatus"] != "Completed" || a["invitationtype"] != "api" || a["email"] != "rae@example.com" {
		t.Fatalf("attempt %v", a)
	}
	// A range without it, and a date without time, and bad dates.
	if _, polled := f.call(t, http.MethodPost, "/v3/candidates/testattempts?state=completed",
		`{"StartDateTime":"2027-04-06","EndDateTime":"2027-04-07"}`, nil); len(polled["result"].(map[string]any)["testAttempts"].([]any)) != 0 {
		t.Fatalf("next day: %v", polled)
	}
	for _, body := range []string{`{"StartDateTime":"yesterday","EndDateTime":"2027-04-07"}`, `{}`,
		`{"StartDateTime":"2027-04-07","EndDateTime":"2027-04-06"}`} {
		if code, bad := f.call(t, http.MethodPost, "/v3/candidates/testattempts", body, nil); code != http.StatusBadRequest ||
			bad["result"] != nil || len(errorsOf(bad)) != 1 {
			t.Errorf("%s: %d %v", body, code, bad)
		}
	}

	// After completion, a reattempt is a new invitation with a new URL.
	code, re = f.call(t, http.MethodPost, "/v3/invitations/"+idStr(first)+"/reattempt",
		`{"CallbackUrl":"https://ats.example.com/again","sendEmail":"no"}`, nil)
	second := int64(re["testInvitationId"].(float64))
	if code != http.StatusOK || second == first || re["testUrl"] == firstURL || re["callbackUrlRegistered"] != "https://ats.example.com/again" {
		t.Fatalf("reattempt: %d %v", code, re)
	}
	// Asked again before the new attempt is taken, the same new attempt.
	if _, again := f.call(t, http.MethodPost, "/v3/invitations/"+idStr(first)+"/reattempt", `{}`, nil); again["testInvitationId"] != float64(second) {
		t.Fatalf("reattempt again: %v", again)
	}
	// The first attempt's report is unchanged.
	if _, report := f.call(t, http.MethodGet, "/v3/reports/"+idStr(first), "", nil); report["Status"] != "Complete" {
		t.Fatalf("old report %v", report)
	}
	if code, _ := f.call(t, http.MethodPost, "/v3/invitations/987654/reattempt", `{}`, nil); code != http.StatusNotFound {
		t.Fatalf("unknown: %d", code)
	}
}

func TestIMochaCancelTwice(t *testing.T) {
	t.Parallel()
	f := newIMochaFixture(t)
	_, out := f.call(t, http.MethodPost, f.invitePath(f.test.ID, f.campus.ID), `{"email":"cy@example.com","name":"Cy"}`, nil)
	path := "/v3/invitations/" + idStr(int64(out["testInvitationId"].(float64))) + "/cancel"
	if code, out := f.call(t, http.MethodPost, path, "", nil); code != http.StatusOK || out["status"] != "cancelled" {
		t.Fatalf("cancel: %d %v", code, out)
	}
	if code, out := f.call(t, http.MethodPost, path, "", nil); code != http.StatusBadRequest || out["statusCode"] != 400.0 || out["message"] == nil {
		t.Fatalf("cancel twice: %d %v", code, out)
	}
}

// A report link works without a key, and only as issued: another id, a
// changed expiry, a forged signature or a passed expiry are all "not valid".
func TestReportLinksAreSignedAndExpire(t *testing.T) {
	t.Parallel()
	f := newIMochaFixture(t)
	now := time.Date(2027, 4, 5, 10, 0, 0, 0, time.UTC)
	f.db.SetClock(func() time.Time { return now })
	res, _ := f.db.Invite(context.Background(), store.NewInvitation{TestID: f.test.ID, LinkID: f.campus.ID, Name: "Vi", Email: "vi@example.com", Source: store.SourceIMocha})
	completeAttempt(t, f.db, res.Invitation.ID)
	other, _ := f.db.Invite(context.Background(), store.NewInvitation{TestID: f.test.ID, LinkID: f.campus.ID, Name: "Wu", Email: "wu@example.com", Source: store.SourceIMocha})
	link := reportLinkOf(f.srv, res.Invitation.ID)
	if text := fetchReportPDF(t, f.srv, link); !strings.Contains(text, "vi@example.com") {
		t.Fatalf("PDF %q", text)
	}
	u, _ := url.Parse(strings.TrimPrefix(link, testBaseURL))
	q := u.Query()
	tampered := map[string]string{
		"other id":       strings.Replace(u.Path, idStr(res.Invitation.ID)+".pdf", idStr(other.Invitation.ID)+".pdf", 1) + "?" + q.Encode(),
		"later expiry":   u.Path + "?expires=" + idStr(now.Add(1000*time.Hour).Unix()) + "&sig=" + q.Get("sig"),
		"forged sig":     u.Path + "?expires=" + q.Get("expires") + "&sig=AAAA" + q.Get("sig")[4:],
		"no sig":         u.Path + "?expires=" + q.Get("expires"),
		"not a number":   "/reports/abc.pdf?" + q.Encode(),
		"leading zero":   "/reports/0" + idStr(res.Invitation.ID) + ".pdf?" + q.Encode(),
		"no pdf postfix": "/reports/" + idStr(res.Invitation.ID) + "?" + q.Encode(),
	}
	for name, path := range tampered {
		rec := httptest.NewRecorder()
		f.srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d", name, rec.Code)
		}
	}
	now = now.Add(apihttp.ReportLinkTTL + time.Second)
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, u.String(), nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("expired link: %d", rec.Code)
	}
	// In the console, signed in, the PDF is one click from the invitation.
	b := signIn(t, f.srv, f.db, store.RoleRecruiter)
	href, _ := b.get(invitationPath(res.Invitation.ID)).doc.Find(`[data-testid="report-pdf"]`).Attr("href")
	if href != invitationPath(res.Invitation.ID)+"/report.pdf" {
		t.Fatalf("report link on the invitation page: %q", href)
	}
	r := b.get(href)
	if r.Code != http.StatusOK || !strings.Contains(pdftext.Of(t, r.Body.Bytes()), "vi@example.com") {
		t.Fatalf("console report: %d", r.Code)
	}
	if r := newBrowser(t, f.srv).get(invitationPath(res.Invitation.ID) + "/report.pdf"); r.Code == http.StatusOK {
		t.Fatal("the console report is open to anonymous visitors")
	}
}

// reportLinkOf is the report link the dialects hand out by default.
func reportLinkOf(srv *Server, id int64) string {
	link, _ := srv.ReportLink(id, apihttp.ReportLinkTTL)
	return link
}
