package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"testgate/store"
	"testgate/views/pdftext"
)

// gradedFixture is the candidate fixture's test with a passing score and
// bands, a written question worth 3 points, and Ada's submitted attempt:
// 2 + 3 = 5 points at most, 1 scored by her choices.
func gradedFixture(t *testing.T) (*candidateFixture, store.Invitation, *browser) {
	t.Helper()
	f := newCandidateFixture(t, store.LinkInput{})
	ctx := context.Background()
	if _, err := f.db.UpdateTest(ctx, f.test.ID, store.TestInput{Name: "Go backend", Kind: store.KindAssessment, DurationMinutes: 30,
		PassingScore: 60, Bands: []store.Band{{Name: "Expert", MinPercent: 80}, {Name: "Proficient", MinPercent: 60}, {Name: "Beginner"}}}); err != nil {
		t.Fatal(err)
	}
	q, err := f.db.UpdateQuestion(ctx, f.test.ID, f.qs[2].ID, store.QuestionInput{Text: "Why Go?", Kind: store.QuestionText, Points: 3})
	if err != nil {
		t.Fatal(err)
	}
	f.qs[2] = q
	hook := "http://127.0.0.1:9/hooks"
	inv := f.invite(t, store.NewInvitation{CallbackURL: &hook})
	f.b.get(f.token)
	f.b.post(f.token+"/start", nil)
	f.b.post(f.token+"/answers", url.Values{"action": {"submit"}, f.q(0): {"1"}, f.q(1): {"1"}, f.q(2): {"Because it compiles fast."}})
	return f, inv, signIn(t, f.srv, f.db, store.RoleRecruiter)
}

func TestGradingFromTheReport(t *testing.T) {
	t.Parallel()
	f, inv, b := gradedFixture(t)
	ctx := context.Background()
	r := b.get(reportPath(inv.ID))
	if r.Code != http.StatusOK || r.text(`[data-testid="review"]`) != "completed — awaiting review" ||
		r.text(`[data-testid="score"]`) != "1 / 5 (20 %)" || r.text(`[data-testid="outcome"]`) != "after review" {
		t.Fatalf("before grading: %d review %q score %q outcome %q", r.Code, r.text(`[data-testid="review"]`),
			r.text(`[data-testid="score"]`), r.text(`[data-testid="outcome"]`))
	}
	if got := r.doc.Find(`[data-testid="report-question"]`).Eq(2).Find(`[data-testid="points"]`).Text(); got != "not graded yet (of 3)" {
		t.Fatalf("written answer's points %q", got)
	}

	// More points than the question is worth: refused at the question, nothing written.
	bad := b.post(invitationPath(inv.ID)+"/grades",
		url.Values{"questionId": {idStr(f.qs[2].ID)}, "points": {"4"}, "comment": {"Thorough, cites the spec"}})
	if bad.Code != http.StatusUnprocessableEntity || !strings.Contains(bad.text(`[data-testid="error-points"]`), "between 0 and 3") {
		t.Fatalf("bad grade: %d %q", bad.Code, bad.text(`[data-testid="error-points"]`))
	}
	// What the reviewer typed is there to correct, not cleared.
	form := bad.doc.Find(`#q` + idStr(f.qs[2].ID) + ` [data-testid="grade-form"]`)
	if v, _ := form.Find(`input[name="points"]`).Attr("value"); v != "4" {
		t.Fatalf("typed points after the refusal: %q", v)
	}
	if v, _ := form.Find(`input[name="comment"]`).Attr("value"); v != "Thorough, cites the spec" {
		t.Fatalf("typed comment after the refusal: %q", v)
	}
	if r := b.post(invitationPath(inv.ID)+"/grades", url.Values{"questionId": {"nonsense"}, "points": {"1"}}); r.Code != http.StatusUnprocessableEntity ||
		r.text(`[data-testid="report-problem"]`) != "Not graded: the question is not a question of this attempt." {
		t.Fatalf("unknown question: %d %q", r.Code, r.text(`[data-testid="report-problem"]`))
	}
	if changes, _ := f.db.ScoreChanges(ctx, inv.ID); len(changes) != 2 { // the two automatic scores
		t.Fatalf("a refused grade was recorded: %+v", changes)
	}

	// htmx grades in place: the report comes back with the new total.
	r = b.htmx(http.MethodPost, invitationPath(inv.ID)+"/grades",
		url.Values{"questionId": {idStr(f.qs[2].ID)}, "points": {"3"}, "comment": {"Clear and right."}}, "report")
	if r.Code != http.StatusOK || r.text(`[data-testid="review"]`) != "graded" || r.text(`[data-testid="score"]`) != "4 / 5 (80 %)" ||
		r.text(`[data-testid="outcome"]`) != "Passed (passing score 60 %)" || r.text(`[data-testid="band"]`) != "Expert" ||
		!strings.Contains(r.text(`[data-testid="comment"]`), "Clear and right.") {
		t.Fatalf("after grading: review %q score %q outcome %q band %q", r.text(`[data-testid="review"]`), r.text(`[data-testid="score"]`),
			r.text(`[data-testid="outcome"]`), r.text(`[data-testid="band"]`))
	}
	history := r.doc.Find(`[data-testid="report-question"]`).Eq(2).Find(`[data-testid="score-history"]`).Text()
	if !strings.Contains(history, "not scored → 3 points by") || !strings.Contains(history, "Clear and right.") {
		t.Fatalf("history %q", history)
	}
	// The whole report page, score history and all, is valid HTML.
	if errs := htmlErrors(t, b.get(reportPath(inv.ID)).Body.Bytes()); len(errs) > 0 {
		t.Fatalf("the graded report is not valid HTML:\n%s", strings.Join(errs, "\n"))
	}
	// The integration is told, in its dialect (iMocha: "Complete" again, with the final category).
	deliveries, _ := f.db.Deliveries(ctx, store.DeliveryFilter{InvitationID: inv.ID})
	var graded map[string]any
	for _, d := range deliveries {
		if d.Event == store.EventGraded {
			json.Unmarshal([]byte(d.Payload), &graded)
		}
	}
	if graded["Status"] != "Complete" || graded["CandidateScore"] != 4.0 || graded["TotalScore"] != 5.0 || graded["PerformanceCategory"] != "Expert" {
		t.Fatalf("graded callback %v (deliveries %d)", graded, len(deliveries))
	}
	// The list and the PDF say it too.
	if row := b.get("/invitations").doc.Find(`[data-testid="invitations"] tbody tr`).First(); row.Find(`[data-testid="result"]`).Text() != "Expert · passed" {
		t.Fatalf("list result %q", row.Find(`[data-testid="result"]`).Text())
	}
	text := pdftext.Of(t, b.get(invitationPath(inv.ID)+"/report.pdf").Body.Bytes())
	for _, want := range []string{"4 / 5 points (80 %)", "Review graded", "Band Expert", "Reviewer: Clear and right.", "Answer graded"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF does not say %q:\n%s", want, text)
		}
	}
}

func TestResultsRankAndFilter(t *testing.T) {
	t.Parallel()
	f, ada, b := gradedFixture(t)
	ctx := context.Background()
	f.db.GradeAnswer(ctx, ada.ID, store.GradeInput{QuestionID: f.qs[2].ID, Points: 3}, "user:x") // 4 / 5
	f.b = newBrowser(t, f.srv)
	f.invite(t, store.NewInvitation{Name: "Bo", Email: "bo@example.com"})
	f.b.post(f.token+"/start", nil)
	f.b.post(f.token+"/answers", url.Values{"action": {"submit"}, f.q(0): {"0"}, f.q(1): {"1"}, f.q(2): {"No idea."}}) // 0, awaiting

	r := b.get(testPath(f.test.ID) + "/results")
	rows := r.doc.Find(`[data-testid="result-row"]`)
	if rows.Length() != 2 || !strings.Contains(rows.Eq(0).Text(), "Ada") || rows.Eq(0).Find(`[data-testid="percentile"]`).Text() != "100" ||
		rows.Eq(1).Find(`[data-testid="percentile"]`).Text() != "0" || rows.Eq(1).Find(`[data-testid="outcome"]`).Text() != "after review" {
		t.Fatalf("results: %q", r.text(`[data-testid="results"]`))
	}
	if r := b.get(testPath(f.test.ID) + "/results?band=Expert"); r.doc.Find(`[data-testid="result-row"]`).Length() != 1 {
		t.Fatalf("band filter: %q", r.text("main"))
	}
	if r := b.get(testPath(f.test.ID) + "/results?state=awaiting"); !strings.Contains(r.text(`[data-testid="results"]`), "Bo") ||
		strings.Contains(r.text(`[data-testid="results"]`), "Ada") {
		t.Fatalf("state filter: %q", r.text("main"))
	}
	if r := b.get(testPath(f.test.ID) + "/results?state=failed"); r.doc.Find(`[data-testid="no-results"]`).Length() != 1 {
		t.Fatalf("no failed yet: %q", r.text("main"))
	}
	// An unknown filter value is ignored, not an error.
	if r := b.get(testPath(f.test.ID) + "/results?band=Nope&state=x&page=99"); r.Code != http.StatusOK || r.doc.Find(`[data-testid="result-row"]`).Length() != 2 {
		t.Fatalf("odd filters: %d", r.Code)
	}
}

func TestExtraTimeFromTheInviteFormHoldsAtTheServer(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{})
	b := signIn(t, f.srv, f.db, store.RoleRecruiter)
	b.get(linkPath(f.link.ID))
	r := b.post(linkPath(f.link.ID)+"/invitations", url.Values{"name": {"Ann"}, "email": {"ann@example.com"}, "extraTimePercent": {"401"}})
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.text(`[data-testid="error-extraTimePercent"]`), "between 0 and 400") {
		t.Fatalf("401 %%: %d %q", r.Code, r.text("#invite-panel"))
	}
	r = b.post(linkPath(f.link.ID)+"/invitations", url.Values{"name": {"Ann"}, "email": {"ann@example.com"}, "extraTimePercent": {"50"}})
	if r.Code != http.StatusCreated {
		t.Fatalf("invite: %d %q", r.Code, r.text("#invite-panel"))
	}
	inv, _, _ := f.db.Invitations(context.Background(), store.InvitationFilter{LinkID: f.link.ID})
	f.token = "/t/" + inv[0].Token
	intro := f.b.get(f.token)
	if got := intro.text(`[data-testid="time-allowed"]`); got != "45 minutes (including your extra time)" {
		t.Fatalf("time allowed %q", got)
	}
	f.b.post(f.token+"/start", nil)
	started := f.reload(t)
	if !started.DeadlineAt.Equal(f.now.Add(45 * time.Minute)) {
		t.Fatalf("deadline %v, want 1.5 × 30 minutes", started.DeadlineAt)
	}
	// Past the test's own 30 minutes the answers are still taken…
	*f.now = f.now.Add(40 * time.Minute)
	if r := f.b.post(f.token+"/answers", url.Values{"action": {"save"}, f.q(0): {"1"}}); r.Code != http.StatusOK {
		t.Fatalf("save at 40 minutes: %d", r.Code)
	}
	// …and past 45 they are not: the attempt is submitted as it was.
	*f.now = f.now.Add(6 * time.Minute)
	f.b.post(f.token+"/answers", url.Values{"action": {"save"}, f.q(0): {"0"}})
	done := f.reload(t)
	answers, _ := f.db.Answers(context.Background(), done.ID)
	if done.Status != store.StatusCompleted || answers[f.qs[0].ID].Choices[0] != 1 {
		t.Fatalf("after 46 minutes: %s, answer %v", done.Status, answers[f.qs[0].ID].Choices)
	}
}

func TestAddedMinutesReachTheCandidatesClock(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{})
	inv := f.invite(t, store.NewInvitation{})
	b := signIn(t, f.srv, f.db, store.RoleRecruiter)
	b.get(invitationPath(inv.ID))
	if r := b.post(invitationPath(inv.ID)+"/time", url.Values{"minutes": {"10"}}); r.Code != http.StatusConflict {
		t.Fatalf("minutes before the start: %d", r.Code)
	}
	f.b.post(f.token+"/start", nil)
	clock := func() map[string]string {
		r := f.b.get(f.token + "/clock")
		var out map[string]string
		if err := json.Unmarshal(r.Body.Bytes(), &out); err != nil || r.Code != http.StatusOK {
			t.Fatalf("clock: %d %s", r.Code, r.Body)
		}
		return out
	}
	if got := clock()["deadline"]; got != "2027-05-03T10:30:00Z" {
		t.Fatalf("clock before: %q", got)
	}
	r := b.post(invitationPath(inv.ID)+"/time", url.Values{"minutes": {"abc"}})
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.text(`[data-testid="error-minutes"]`), "whole number") {
		t.Fatalf("minutes abc: %d", r.Code)
	}
	if r := b.post(invitationPath(inv.ID)+"/time", url.Values{"minutes": {"10"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("add time: %d", r.Code)
	}
	if got := clock()["deadline"]; got != "2027-05-03T10:40:00Z" {
		t.Fatalf("clock after: %q", got)
	}
	// One more minute: "1 minute", and the new end as a person writes it.
	if r := b.post(invitationPath(inv.ID)+"/time", url.Values{"minutes": {"1"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("add a minute: %d", r.Code)
	}
	r = b.get(reportPath(inv.ID))
	timeline := r.text(`[data-testid="timeline"]`)
	if !strings.Contains(timeline, "Time added") || !strings.Contains(timeline, "10 minutes added, until 3 May 2027 10:40 UTC") ||
		!strings.Contains(timeline, "1 minute added, until 3 May 2027 10:41 UTC") || strings.Contains(timeline, "1 minutes") {
		t.Fatalf("timeline %q", timeline)
	}
}

func TestPageSignalsAreRecordedAndTheLimitSubmits(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{TabSwitchLimit: 2})
	inv := f.invite(t, store.NewInvitation{RedirectURL: ptr("https://careers.example.com/done")})
	intro := f.b.get(f.token)
	if got := intro.text(`[data-testid="integrity-notice"]`); !strings.Contains(got, "records when you leave it") ||
		!strings.Contains(got, "Leaving the test page 2 times submits your test.") {
		t.Fatalf("notice %q", got)
	}
	f.b.post(f.token+"/start", nil)
	report := func(body string) (int, map[string]any) {
		req := httptest.NewRequest(http.MethodPost, f.token+"/signals", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "Chromium/Test")
		r := f.b.do(req)
		var out map[string]any
		json.Unmarshal(r.Body.Bytes(), &out)
		return r.Code, out
	}
	for _, bad := range []string{`{`, `{"kind":"open"}`, `{"spent":{"x":1}}`, `[]`} {
		if code, _ := report(bad); code != http.StatusBadRequest {
			t.Errorf("%s: %d", bad, code)
		}
	}
	if code, out := report(`{"kind":"paste","detail":"question 3, 120 characters","spent":{"` + idStr(f.qs[2].ID) + `":42}}`); code != http.StatusOK || out["submitted"] != false {
		t.Fatalf("paste: %d %v", code, out)
	}
	if code, out := report(`{"kind":"focus_lost","detail":"tab hidden"}`); code != http.StatusOK || out["focusLost"] != 1.0 || out["limit"] != 2.0 {
		t.Fatalf("first switch: %d %v", code, out)
	}
	if _, out := report(`{"kind":"focus_lost","detail":"tab hidden"}`); out["submitted"] != true || out["next"] != "https://careers.example.com/done" {
		t.Fatalf("second switch: %v", out)
	}
	if got := f.reload(t); got.Status != store.StatusCompleted {
		t.Fatalf("not submitted: %s", got.Status)
	}
	answers, _ := f.db.Answers(context.Background(), inv.ID)
	if answers[f.qs[2].ID].SecondsSpent != 42 {
		t.Fatalf("time spent %d", answers[f.qs[2].ID].SecondsSpent)
	}
	// Integrations see the switches: the native API and Xobin's offtab_count.
	key, _ := f.db.CreateAPIKey(context.Background(), store.NewAPIKey{Name: "hr"})
	if _, got := api(t, f.srv, http.MethodGet, "/api/native/invitations/"+idStr(inv.ID), key.Key, nil); got["focusLostCount"] != 2.0 {
		t.Fatalf("native focusLostCount %v", got["focusLostCount"])
	}
	req := httptest.NewRequest(http.MethodGet, "/api/v2/assessments/report/"+idStr(inv.ID), nil)
	req.Header.Set("apiKey", key.Key)
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	var xobin map[string]any
	if json.Unmarshal(rec.Body.Bytes(), &xobin); xobin["offtab_count"] != 2.0 {
		t.Fatalf("Xobin report %d: %v", rec.Code, xobin)
	}

	b := signIn(t, f.srv, f.db, store.RoleRecruiter)
	r := b.get(reportPath(inv.ID))
	counts, signals := r.text(`[data-testid="integrity-counts"]`), r.text(`[data-testid="signals"]`)
	for _, want := range []string{"2 times left the test page", "1 paste into answers"} {
		if !strings.Contains(counts, want) {
			t.Errorf("counts %q lack %q", counts, want)
		}
	}
	for _, want := range []string{"Opened the test page", "Started", "Left the test page", "question 3, 120 characters", "192.0.2.1", "Chromium/Test"} {
		if !strings.Contains(signals, want) {
			t.Errorf("signals %q lack %q", signals, want)
		}
	}
	if !strings.Contains(r.text(`[data-testid="result"]`), "Tab switch limit reached") {
		t.Errorf("completion reason not shown: %q", r.text(`[data-testid="result"]`))
	}
}

func ptr[T any](v T) *T { return &v }

// Extra time set on the invitation's page before the start, refused once
// the candidate has started.
func TestExtraTimeFromTheInvitationPage(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{})
	inv := f.invite(t, store.NewInvitation{})
	b := signIn(t, f.srv, f.db, store.RoleRecruiter)
	b.get(invitationPath(inv.ID))
	if r := b.post(invitationPath(inv.ID)+"/extra-time", url.Values{"extraTimePercent": {"500"}}); r.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(r.text(`[data-testid="error-extraTimePercent"]`), "between 0 and 400") {
		t.Fatalf("500 %%: %d %q", r.Code, r.text("main"))
	}
	if r := b.post(invitationPath(inv.ID)+"/extra-time", url.Values{"extraTimePercent": {"25"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("25 %%: %d", r.Code)
	}
	if r := b.get(invitationPath(inv.ID)); r.text(`[data-testid="extra-time"]`) != "25 %" ||
		!strings.Contains(r.text(`[data-testid="timeline"]`), "Extra time set") {
		t.Fatalf("invitation page: extra time %q", r.text(`[data-testid="extra-time"]`))
	}
	f.b.post(f.token+"/start", nil)
	if got := f.reload(t); !got.DeadlineAt.Equal(f.now.Add(37*time.Minute + 30*time.Second)) {
		t.Fatalf("deadline %v, want 1.25 × 30 minutes", got.DeadlineAt)
	}
	r := b.post(invitationPath(inv.ID)+"/extra-time", url.Values{"extraTimePercent": {"50"}})
	if r.Code != http.StatusConflict || !strings.Contains(r.text(`[data-testid="invitation-problem"]`), "Add minutes from the report") {
		t.Fatalf("after the start: %d %q", r.Code, r.text("main"))
	}
}

// Papers drawn from a section worth different points: the results page
// says why the maximums differ.
func TestResultsSayWhyMaximumsDiffer(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	ctx := context.Background()
	q := func(text string, points int) store.QuestionInput {
		return store.QuestionInput{Text: text, Kind: store.QuestionSingle, Options: []string{"a", "b"}, Correct: []int{0}, Points: points}
	}
	tt, err := db.CreateSectionedTest(ctx, store.TestInput{Name: "Drawn", Kind: store.KindAssessment, DurationMinutes: 20},
		[]store.SectionInput{{Name: "Mixed", Draw: 1, Questions: []store.QuestionInput{q("Light?", 1), q("Heavy?", 3)}}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		res, _ := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, Name: "C", Email: "c" + idStr(int64(i)) + "@example.com", Source: store.SourceNative})
		db.StartInvitation(ctx, res.Invitation.ID)
		db.CompleteInvitation(ctx, res.Invitation.ID, store.ReasonSubmitted)
	}
	b := signIn(t, srv, db, store.RoleRecruiter)
	r := b.get(testPath(tt.ID) + "/results")
	if got := r.text(`[data-testid="papers-differ"]`); !strings.Contains(got, "range from 1 to 3 points") {
		t.Fatalf("no word on the differing maximums: %q", got)
	}
	plain, _ := db.CreateTest(ctx, store.TestInput{Name: "Plain", Kind: store.KindAssessment, DurationMinutes: 20}, []store.QuestionInput{q("One?", 1)})
	res, _ := db.Invite(ctx, store.NewInvitation{TestID: plain.ID, Name: "P", Email: "p@example.com", Source: store.SourceNative})
	db.StartInvitation(ctx, res.Invitation.ID)
	db.CompleteInvitation(ctx, res.Invitation.ID, store.ReasonSubmitted)
	if b.get(testPath(plain.ID)+"/results").doc.Find(`[data-testid="papers-differ"]`).Length() != 0 {
		t.Fatal("a test of one paper says its maximums differ")
	}
}
