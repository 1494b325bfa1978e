package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"testgate/store"
)

// What real iMocha clients send and read (issue 30's breaks): the test
// filter of Retrieve Invites, the camelCase report fields, the access
// window of invites and reattempts, and the paged, labelled test list.

func TestIMochaRetrieveInvitesKeepsToTheTestAsked(t *testing.T) {
	t.Parallel()
	f := newIMochaFixture(t)
	ctx := context.Background()
	now := time.Date(2027, 5, 3, 9, 0, 0, 0, time.UTC)
	f.db.SetClock(func() time.Time { return now })
	q, err := f.db.AddQuestion(ctx, f.test.ID, choiceInput("Compiled"))
	if err != nil {
		t.Fatal(err)
	}
	complete := func(testID, linkID int64, email string) int64 {
		res, err := f.db.Invite(ctx, store.NewInvitation{TestID: testID, LinkID: linkID, Name: "N", Email: email, Source: store.SourceIMocha})
		if err != nil {
			t.Fatal(err)
		}
		markStarted(t, f.db, res.Invitation.ID)
		if testID == f.test.ID {
			if err := f.db.SaveAnswers(ctx, res.Invitation.ID, []store.AnswerInput{{QuestionID: q.ID, Choices: []int{0}}}, nil); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.db.CompleteInvitation(ctx, res.Invitation.ID, store.ReasonSubmitted); err != nil {
			t.Fatal(err)
		}
		return res.Invitation.ID
	}
	java := complete(f.test.ID, f.campus.ID, "java@example.com")
	other := complete(f.otherTestLnk.TestID, f.otherTestLnk.ID, "other@example.com")

	ids := func(body string) []int64 {
		t.Helper()
		code, out := f.call(t, http.MethodPost, "/v3/candidates/testattempts?state=completed", body, nil)
		if code != http.StatusOK {
			t.Fatalf("%s: %d %v", body, code, out)
		}
		var got []int64
		for _, a := range out["result"].(map[string]any)["testAttempts"].([]any) {
			got = append(got, int64(a.(map[string]any)["testInvitationId"].(float64)))
		}
		return got
	}
	window := `"StartDateTime":"2027-05-03T00:00:00","EndDateTime":"2027-05-04T00:00:00"`
	// As the C# client (a long), the Node services (a string) and the
	// FastAPI client send it; 0 and "" are "every test", as a C# struct
	// leaves an unset long.
	for body, want := range map[string][]int64{
		`{"testId":` + idStr(f.test.ID) + `,` + window + `}`:               {java},
		`{"testId":"` + idStr(f.otherTestLnk.TestID) + `",` + window + `}`: {other},
		`{"TestId":` + idStr(f.test.ID) + `,` + window + `}`:               {java},
		`{"testId":0,` + window + `}`:                                      {java, other},
		`{"testId":"",` + window + `}`:                                     {java, other},
		`{` + window + `}`:                                                 {java, other},
		`{"testId":987654,` + window + `}`:                                 nil,
	} {
		if got := ids(body); len(got) != len(want) || len(want) > 0 && (got[0] != want[0] || got[len(got)-1] != want[len(want)-1]) {
			t.Errorf("%s: attempts %v, want %v", body, got, want)
		}
	}
	for _, body := range []string{`{"testId":"java",` + window + `}`, `{"testId":-4,` + window + `}`, `{"testId":1.5,` + window + `}`} {
		if code, out := f.call(t, http.MethodPost, "/v3/candidates/testattempts?state=completed", body, nil); code != http.StatusBadRequest ||
			out["result"] != nil || len(errorsOf(out)) != 1 {
			t.Errorf("%s: %d %v", body, code, out)
		}
	}

	// The report in the docs' spelling and in the clients'.
	_, report := f.call(t, http.MethodGet, "/v3/reports/"+idStr(java), "", nil)
	if report["Status"] != "Complete" || report["status"] != "Complete" || report["PerformanceCategory"] != "Pass" ||
		report["performanceCategory"] != "Pass" || report["pdfReportUrl"] == nil {
		t.Fatalf("report: %v", report)
	}
}

func TestIMochaInviteSetsTheAccessWindow(t *testing.T) {
	t.Parallel()
	f := newIMochaFixture(t)
	ctx := context.Background()
	now := time.Date(2027, 5, 3, 9, 0, 0, 0, time.UTC)
	f.db.SetClock(func() time.Time { return now })

	// The zones a client picks from, each a clock the host knows.
	_, zones := f.call(t, http.MethodGet, "/v3/timezones", "", nil)
	list, _ := zones["timeZones"].([]any)
	if len(list) < 40 {
		t.Fatalf("time zones: %v", zones)
	}
	for _, z := range list {
		if _, err := time.LoadLocation(z.(map[string]any)["ianaTimeZone"].(string)); err != nil {
			t.Errorf("zone %v: %v", z, err)
		}
	}

	// Times are UTC, with or without the Z, as the pages say; timeZoneId is
	// the client's own number (1720 is what a real Flask client sends).
	code, out := f.call(t, http.MethodPost, f.invitePath(f.test.ID, f.campus.ID), `{"email":"win@example.com","name":"Win",
		"startDateTime":"2027-05-10T09:00:00","endDateTime":"2027-05-12T18:30:00Z","timeZoneId":1720}`, nil)
	if code != http.StatusCreated {
		t.Fatalf("invite: %d %v", code, out)
	}
	id := int64(out["testInvitationId"].(float64))
	inv, _ := f.db.Invitation(ctx, id)
	if inv.ValidFrom == nil || !inv.ValidFrom.Equal(time.Date(2027, 5, 10, 9, 0, 0, 0, time.UTC)) ||
		inv.ValidUntil == nil || !inv.ValidUntil.Equal(time.Date(2027, 5, 12, 18, 30, 0, 0, time.UTC)) {
		t.Fatalf("window %v – %v", inv.ValidFrom, inv.ValidUntil)
	}
	// Before it opens, the candidate is told when.
	page := candidateGet(f.srv, "/t/"+inv.Token)
	if page.Code != http.StatusForbidden {
		t.Fatalf("before the window: %d", page.Code)
	}

	// Invited again while pending: the same invitation, the new window
	// (as iMocha's table says: "replaces Access time and timezone ID").
	code, again := f.call(t, http.MethodPost, f.invitePath(f.test.ID, f.campus.ID), `{"email":"win@example.com","name":"Win",
		"startDateTime":"2027-05-01T00:00:00Z","endDateTime":"2027-05-20T00:00:00Z"}`, nil)
	inv, _ = f.db.Invitation(ctx, id)
	if code != http.StatusCreated || again["testInvitationId"] != out["testInvitationId"] ||
		!inv.ValidFrom.Equal(time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC)) || !inv.ValidUntil.Equal(time.Date(2027, 5, 20, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("re-invite: %d %v, window %v – %v", code, again, inv.ValidFrom, inv.ValidUntil)
	}
	if page := candidateGet(f.srv, "/t/"+inv.Token); page.Code != http.StatusOK {
		t.Fatalf("inside the window: %d", page.Code)
	}

	// A reattempt after completion: a new invitation with the new window.
	markStarted(t, f.db, id)
	f.db.CompleteInvitation(ctx, id, store.ReasonSubmitted)
	code, re := f.call(t, http.MethodPost, "/v3/invitations/"+idStr(id)+"/reattempt",
		`{"StartDateTime":"2027-06-01","EndDateTime":"2027-06-02","TimeZoneId":0}`, nil)
	next, _ := f.db.Invitation(ctx, int64(re["testInvitationId"].(float64)))
	if code != http.StatusOK || next.ID == id || next.ValidFrom == nil || !next.ValidFrom.Equal(time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)) ||
		!next.ValidUntil.Equal(time.Date(2027, 6, 2, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("reattempt: %d %v, window %v – %v", code, re, next.ValidFrom, next.ValidUntil)
	}

	// Bad windows are refused in iMocha's words, and nothing is written.
	for body, want := range map[string]string{
		`{"email":"bad@example.com","name":"B","timeZoneId":"Asia/Kolkata"}`:                                        "'Time Zone Id' must be a number",
		`{"email":"bad@example.com","name":"B","startDateTime":"next week"}`:                                        "'Start Date Time' is not in a valid format",
		`{"email":"bad@example.com","name":"B","startDateTime":"2027-06-02","endDateTime":"2027-06-01"}`:            "'End Date Time' must be later than 'Start Date Time'.",
		`{"email":"bad@example.com","name":"B","startDateTime":"2027-04-01T00:00:00Z","endDateTime":"2027-05-01Z"}`: "'End Date Time' is not in a valid format",
		`{"email":"bad@example.com","name":"B","endDateTime":"2027-05-02T00:00:00Z"}`:                               "'End Date Time' must be in the future.",
	} {
		code, out := f.call(t, http.MethodPost, f.invitePath(f.test.ID, f.campus.ID), body, nil)
		if code != http.StatusBadRequest || !strings.Contains(strings.Join(errorsOf(out), " "), want) {
			t.Errorf("%s: %d %v, want %q", body, code, out, want)
		}
	}
	if _, total, _ := f.db.Invitations(ctx, store.InvitationFilter{Email: "bad@example.com"}); total != 0 {
		t.Fatalf("a refused invite wrote %d invitations", total)
	}
}

func TestIMochaTestListPagesAndFiltersByLabel(t *testing.T) {
	t.Parallel()
	f := newIMochaFixture(t)
	ctx := context.Background()
	// The fixture's Java and Other, and three labelled tests.
	for i, labels := range [][]string{{"Interview Prep Video Tests"}, {"backend", "Interview prep video tests"}, {"Campus"}} {
		if _, err := f.db.CreateTest(ctx, store.TestInput{Name: "Labelled " + idStr(int64(i)), Kind: store.KindAssessment,
			DurationMinutes: 20, Labels: labels}, nil); err != nil {
			t.Fatal(err)
		}
	}
	list := func(query string) (int, []string, float64) {
		t.Helper()
		code, out := f.call(t, http.MethodGet, "/v3/tests"+query, "", nil)
		var names []string
		for _, tt := range out["tests"].([]any) {
			names = append(names, tt.(map[string]any)["testName"].(string))
		}
		count, _ := out["count"].(float64)
		return code, names, count
	}
	if code, names, count := list(""); code != http.StatusOK || len(names) != 5 || count != 5 {
		t.Fatalf("all: %d %v %v", code, names, count)
	}
	// IPR_BE's call: the label in any case, a page of 100.
	if _, names, count := list("?pageNo=1&pageSize=100&labelsFilter=Interview%20Prep%20Video%20Tests"); len(names) != 2 || count != 2 {
		t.Fatalf("by label: %v %v", names, count)
	}
	if _, names, count := list("?labelsFilter=campus,backend"); len(names) != 2 || count != 2 {
		t.Fatalf("by either label: %v %v", names, count)
	}
	// Pages of two: 2, 2, 1, then none; count stays the total.
	var seen []string
	for page, want := range []int{2, 2, 1, 0} {
		_, names, count := list("?pageSize=2&pageNo=" + idStr(int64(page+1)))
		if len(names) != want || count != 5 {
			t.Fatalf("page %d: %v %v", page+1, names, count)
		}
		seen = append(seen, names...)
	}
	if strings.Join(seen, ",") != strings.Join(func() []string { _, n, _ := list(""); return n }(), ",") {
		t.Fatalf("pages do not add up to the list: %v", seen)
	}
	for _, q := range []string{"?pageNo=0", "?pageSize=abc", "?pageSize=5000", "?pageNo=-1"} {
		if code, out := f.call(t, http.MethodGet, "/v3/tests"+q, "", nil); code != http.StatusBadRequest || len(errorsOf(out)) != 1 {
			t.Errorf("%s: %d %v", q, code, out)
		}
	}

	// A test's detail carries its sections: one for a plain test, the
	// sections of a sectioned one with what each candidate gets.
	_, plain := f.call(t, http.MethodGet, "/v3/tests/"+idStr(f.test.ID), "", nil)
	if s, _ := plain["sections"].([]any); len(s) != 1 || s[0].(map[string]any)["sectionName"] != "Java" {
		t.Fatalf("plain test: %v", plain)
	}
	sectioned, err := f.db.CreateSectionedTest(ctx, store.TestInput{Name: "Parts", Kind: store.KindAssessment, DurationMinutes: 40},
		[]store.SectionInput{
			{Name: "Logic", TimeLimit: 10, Questions: []store.QuestionInput{choiceInput("a"), choiceInput("b"), choiceInput("c")}, Draw: 2},
			{Name: "Go", Questions: []store.QuestionInput{choiceInput("d")}},
		})
	if err != nil {
		t.Fatal(err)
	}
	_, detail := f.call(t, http.MethodGet, "/v3/tests/"+idStr(sectioned.ID), "", nil)
	s, _ := detail["sections"].([]any)
	if len(s) != 2 || detail["questions"] != 3.0 {
		t.Fatalf("sectioned test: %v", detail)
	}
	if first := s[0].(map[string]any); first["sectionName"] != "Logic" || first["questions"] != 2.0 || first["duration"] != 10.0 {
		t.Fatalf("first section: %v", first)
	}
}

// candidateGet opens a candidate page as a browser without cookies does.
func candidateGet(srv *Server, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

// choiceInput is a single-choice question whose answer is its first option.
func choiceInput(text string) store.QuestionInput {
	return store.QuestionInput{Text: text + "?", Kind: store.QuestionSingle, Options: []string{"yes", "no"}, Correct: []int{0}}
}
