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
)

// candidateFixture is a server on a controllable clock with a test of
// three questions (single, multiple, text).
type candidateFixture struct {
	srv   *Server
	db    *store.DB
	now   *time.Time
	test  store.Test
	link  store.TestLink
	qs    []store.Question
	b     *browser
	token string
}

func newCandidateFixture(t *testing.T, link store.LinkInput) *candidateFixture {
	t.Helper()
	return newCandidateFixtureOn(t, migratedDatabase(t), link)
}

// newCandidateFixtureOn is newCandidateFixture on the migrated database at dsn.
func newCandidateFixtureOn(t *testing.T, dsn string, link store.LinkInput) *candidateFixture {
	t.Helper()
	srv, db := newTestServerOn(t, dsn, testBaseURL)
	now := time.Date(2027, 5, 3, 10, 0, 0, 0, time.UTC)
	f := &candidateFixture{srv: srv, db: db, now: &now, b: newBrowser(t, srv)}
	db.SetClock(func() time.Time { return *f.now })
	ctx := context.Background()
	tt, err := db.CreateTest(ctx, store.TestInput{Name: "Go backend", Kind: store.KindAssessment, DurationMinutes: 30,
		Instructions: "Answer on your own. No notes."}, []store.QuestionInput{
		{Text: "2+2?", Kind: store.QuestionSingle, Options: []string{"3", "4", "5"}, Correct: []int{1}},
		{Text: "Which are primes?", Kind: store.QuestionMultiple, Options: []string{"2", "4", "5"}, Correct: []int{0, 2}},
		{Text: "Why Go?", Kind: store.QuestionText},
	})
	if err != nil {
		t.Fatal(err)
	}
	f.test = tt
	if link.Name == "" {
		link.Name = "Candidates"
	}
	if f.link, err = db.CreateLink(ctx, tt.ID, link); err != nil {
		t.Fatal(err)
	}
	f.qs, _ = db.Questions(ctx, tt.ID)
	return f
}

func (f *candidateFixture) invite(t *testing.T, n store.NewInvitation) store.Invitation {
	t.Helper()
	n.TestID, n.LinkID, n.Source = f.test.ID, f.link.ID, store.SourceIMocha
	if n.Name == "" && !n.GeneratePlaceholders {
		n.Name, n.Email = "Ada", "ada@example.com"
	}
	res, err := f.db.Invite(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	f.token = "/t/" + res.Invitation.Token
	return res.Invitation
}

func (f *candidateFixture) reload(t *testing.T) store.Invitation {
	t.Helper()
	inv, _, err := f.db.InvitationAndTestByToken(context.Background(), strings.TrimPrefix(f.token, "/t/"))
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func (f *candidateFixture) q(i int) string { return "q" + idStr(f.qs[i].ID) }

func TestCandidateTakesTheTest(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{RedirectURL: "https://careers.example.com/thanks?from=test"})
	f.invite(t, store.NewInvitation{})

	r := f.b.get(f.token)
	if r.Code != http.StatusOK || r.text(`[data-testid="test-title"]`) != "Go backend" {
		t.Fatalf("landing: %d %q", r.Code, r.text("h1"))
	}
	if !strings.Contains(r.text(`[data-testid="instructions"]`), "No notes.") || !strings.Contains(r.text(".facts"), "30 minutes") ||
		!strings.Contains(r.text(".facts"), "3") {
		t.Fatalf("instructions page: %q %q", r.text(`[data-testid="instructions"]`), r.text(".facts"))
	}
	if r.Header().Get("Cache-Control") != "no-store" || r.Header().Get("Referrer-Policy") != "no-referrer" {
		t.Fatal("candidate page cacheable or leaking its URL")
	}
	if inv := f.reload(t); inv.Status != store.StatusOpened {
		t.Fatalf("first open: %s", inv.Status)
	}

	r = f.b.post(f.token+"/start", nil)
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != f.token {
		t.Fatalf("start: %d %q", r.Code, r.Header().Get("Location"))
	}
	inv := f.reload(t)
	if inv.Status != store.StatusStarted || !inv.DeadlineAt.Equal(f.now.Add(30*time.Minute)) {
		t.Fatalf("started: %+v", inv)
	}
	r = f.b.get(f.token)
	if n := r.doc.Find(`[data-testid="question"]`).Length(); n != 3 || r.text(`[data-testid="time-left"]`) != "30:00" {
		t.Fatalf("attempt page: %d questions, time %q", n, r.text(`[data-testid="time-left"]`))
	}
	if d, _ := r.doc.Find("[data-deadline]").Attr("data-deadline"); d != "2027-05-03T10:30:00Z" {
		t.Fatalf("deadline %q", d)
	}

	// Save progress without JavaScript; a reload shows the answers kept.
	*f.now = f.now.Add(5 * time.Minute)
	r = f.b.post(f.token+"/answers", url.Values{f.q(0): {"1"}, f.q(1): {"0"}, f.q(2): {"Simplicity."}, "action": {"save"}})
	if r.Code != http.StatusOK || !strings.Contains(r.text(`[data-testid="attempt-notice"]`), "saved") {
		t.Fatalf("save: %d", r.Code)
	}
	r = f.b.get(f.token)
	if _, on := r.doc.Find(`input[name="` + f.q(0) + `"][value="1"]`).Attr("checked"); !on {
		t.Fatal("single answer lost on reload")
	}
	if got := r.doc.Find(`textarea[name="` + f.q(2) + `"]`).Text(); got != "Simplicity." {
		t.Fatalf("text answer %q", got)
	}
	if r.text(`[data-testid="time-left"]`) != "25:00" {
		t.Fatalf("time left %q", r.text(`[data-testid="time-left"]`))
	}
	// An htmx autosave of one change.
	r = f.b.htmx(http.MethodPost, f.token+"/answers", url.Values{f.q(0): {"1"}, f.q(1): {"0", "2"}, f.q(2): {"Simplicity."}, "action": {"autosave"}}, "save-status")
	if r.Code != http.StatusOK || !strings.Contains(r.Body.String(), "Answers saved at 10:05:00") {
		t.Fatalf("autosave: %d %s", r.Code, r.Body)
	}

	r = f.b.post(f.token+"/answers", url.Values{f.q(0): {"1"}, f.q(1): {"0", "2"}, f.q(2): {"Simplicity."}, "action": {"submit"}})
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != "https://careers.example.com/thanks?from=test" {
		t.Fatalf("submit: %d %q", r.Code, r.Header().Get("Location"))
	}
	inv = f.reload(t)
	// The written answer waits for a reviewer: it counts in the maximum.
	if inv.Status != store.StatusCompleted || *inv.Score != 2 || *inv.MaxScore != 3 || inv.Review != store.ReviewAwaiting || inv.CompletedAt == nil {
		t.Fatalf("completed: %+v", inv)
	}
	events, _ := f.db.Timeline(context.Background(), inv.ID)
	if last := events[len(events)-1]; last.Kind != "completed" || last.Detail != "submitted" {
		t.Fatalf("last event %+v", last)
	}
	// A second submit changes nothing and sends the candidate on again.
	*f.now = f.now.Add(time.Minute)
	r = f.b.post(f.token+"/answers", url.Values{f.q(0): {"0"}, "action": {"submit"}})
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != "https://careers.example.com/thanks?from=test" {
		t.Fatalf("second submit: %d", r.Code)
	}
	if again := f.reload(t); *again.Score != 2 || !again.CompletedAt.Equal(*inv.CompletedAt) {
		t.Fatalf("second submit changed the attempt: %+v", again)
	}
	if events2, _ := f.db.Timeline(context.Background(), inv.ID); len(events2) != len(events) {
		t.Fatal("second submit added an event")
	}
	// Coming back later shows the completion page; there is no way back in.
	r = f.b.get(f.token)
	if r.Code != http.StatusOK || r.doc.Find(`[data-testid="completed"]`).Length() != 1 || r.doc.Find("form:not(.lang-menu)").Length() != 0 {
		t.Fatalf("revisit: %d", r.Code)
	}
	if r := f.b.post(f.token+"/start", nil); f.reload(t).Status != store.StatusCompleted || r.Code != http.StatusSeeOther {
		t.Fatal("restart after completion")
	}
}

func TestCandidateScoring(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{})
	f.invite(t, store.NewInvitation{})
	f.b.post(f.token+"/start", nil)
	// Single right, multiple half right (wrong), text waiting for a reviewer.
	r := f.b.post(f.token+"/answers", url.Values{f.q(0): {"1"}, f.q(1): {"0"}, f.q(2): {"x"}, "action": {"submit"}})
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != f.token {
		t.Fatalf("submit without redirectUrl: %d %q", r.Code, r.Header().Get("Location"))
	}
	inv := f.reload(t)
	if *inv.Score != 1 || *inv.MaxScore != 3 || inv.Review != store.ReviewAwaiting {
		t.Fatalf("score %d/%d %q", *inv.Score, *inv.MaxScore, inv.Review)
	}
	answers, _ := f.db.Answers(context.Background(), inv.ID)
	if !*answers[f.qs[0].ID].Correct || *answers[f.qs[1].ID].Correct || answers[f.qs[2].ID].Correct != nil ||
		*answers[f.qs[0].ID].Points != 1 || *answers[f.qs[1].ID].Points != 0 || answers[f.qs[2].ID].Points != nil {
		t.Fatalf("marks %+v", answers)
	}
	if r := f.b.get(f.token); r.doc.Find(`[data-testid="completed"]`).Length() != 1 {
		t.Fatal("completion page missing")
	}
	// Bad answers are refused without a server error.
	f2 := newCandidateFixture(t, store.LinkInput{})
	f2.invite(t, store.NewInvitation{})
	f2.b.post(f2.token+"/start", nil)
	for _, form := range []url.Values{
		{f2.q(0): {"9"}, "action": {"save"}},
		{f2.q(0): {"0", "1"}, "action": {"save"}},
		{f2.q(1): {"x"}, "action": {"save"}},
		{f2.q(2): {strings.Repeat("a", store.MaxAnswerLength+1)}, "action": {"save"}},
	} {
		if r := f2.b.post(f2.token+"/answers", form); r.Code != http.StatusBadRequest {
			t.Errorf("%v: %d", form, r.Code)
		}
	}
	if a, _ := f2.db.Answers(context.Background(), f2.reload(t).ID); len(a) != 0 {
		t.Fatalf("bad answers stored: %v", a)
	}
}

func TestCandidateHiddenInstructions(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{HideInstruction: true})
	f.invite(t, store.NewInvitation{})
	r := f.b.get(f.token)
	if r.Code != http.StatusOK || r.doc.Find(`[data-testid="instructions"]`).Length() != 0 || strings.Contains(r.Body.String(), "No notes.") {
		t.Fatal("instructions shown though hidden")
	}
	if r.doc.Find(`[data-testid="start"]`).Length() != 1 {
		t.Fatal("no start step")
	}
	// A per-invite override shows them again.
	show := false
	f2 := newCandidateFixture(t, store.LinkInput{HideInstruction: true})
	f2.invite(t, store.NewInvitation{HideInstruction: &show})
	if r := f2.b.get(f2.token); !strings.Contains(r.text(`[data-testid="instructions"]`), "No notes.") {
		t.Fatal("override to show instructions ignored")
	}
}

func TestCandidateReplacesPlaceholders(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{})
	f.invite(t, store.NewInvitation{GeneratePlaceholders: true})
	r := f.b.get(f.token)
	if r.Code != http.StatusOK || r.text("h1") != "Your details" {
		t.Fatalf("details page: %q", r.text("h1"))
	}
	// Starting before giving details goes back to the form.
	if r := f.b.post(f.token+"/start", nil); r.Code != http.StatusSeeOther || f.reload(t).Status == store.StatusStarted {
		t.Fatal("started without details")
	}
	for _, form := range []url.Values{
		{"name": {""}, "email": {"pat@example.com"}},
		{"name": {"Pat"}, "email": {"pat"}},
		{"name": {"Pat"}, "email": {"x@placeholder.invalid"}},
	} {
		r := f.b.post(f.token+"/details", form)
		if r.Code != http.StatusUnprocessableEntity || r.doc.Find(".field.invalid").Length() != 1 {
			t.Errorf("%v: %d", form, r.Code)
		}
		if v, _ := r.doc.Find("#f-name").Attr("value"); v != form.Get("name") {
			t.Errorf("name not kept: %q", v)
		}
	}
	// (An address someone else was invited with answers as any other:
	// TestDetailsFormRevealsNoInvitedAddress.)

	r = f.b.post(f.token+"/details", url.Values{"name": {" Pat Lee "}, "email": {"pat@example.com"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("details: %d", r.Code)
	}
	inv := f.reload(t)
	if inv.Name != "Pat Lee" || inv.Email != "pat@example.com" || inv.Placeholder {
		t.Fatalf("replaced: %+v", inv)
	}
	if r := f.b.get(f.token); r.doc.Find(`[data-testid="start"]`).Length() != 1 || !strings.Contains(r.Body.String(), "Hello Pat Lee") {
		t.Fatal("no start after details")
	}
}

func TestCandidateDeadline(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{RedirectURL: "https://example.com/after"})
	f.invite(t, store.NewInvitation{})
	f.b.post(f.token+"/start", nil)
	*f.now = f.now.Add(10 * time.Minute)
	f.b.post(f.token+"/answers", url.Values{f.q(0): {"1"}, "action": {"save"}})

	// Answers arriving after the deadline are refused; the attempt is
	// submitted with what was saved.
	*f.now = f.now.Add(20 * time.Minute)
	r := f.b.post(f.token+"/answers", url.Values{f.q(0): {"0"}, f.q(1): {"0", "2"}, "action": {"save"}})
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != "https://example.com/after" {
		t.Fatalf("late answers: %d %q", r.Code, r.Header().Get("Location"))
	}
	inv := f.reload(t)
	if inv.Status != store.StatusCompleted || *inv.Score != 1 {
		t.Fatalf("auto-submitted: %s score %v", inv.Status, *inv.Score)
	}
	events, _ := f.db.Timeline(context.Background(), inv.ID)
	if last := events[len(events)-1]; last.Detail != "time ran out" {
		t.Fatalf("last event %+v", last)
	}

	// A candidate who never comes back is submitted by the sweep.
	g := newCandidateFixture(t, store.LinkInput{})
	g.invite(t, store.NewInvitation{})
	g.b.post(g.token+"/start", nil)
	*g.now = g.now.Add(31 * time.Minute)
	if n, err := g.db.CompleteOverdue(context.Background()); err != nil || n != 1 {
		t.Fatalf("sweep: %d %v", n, err)
	}
	if inv := g.reload(t); inv.Status != store.StatusCompleted || *inv.Score != 0 {
		t.Fatalf("swept: %+v", inv)
	}
	// Opening the page after the deadline also submits.
	h := newCandidateFixture(t, store.LinkInput{})
	h.invite(t, store.NewInvitation{})
	h.b.post(h.token+"/start", nil)
	*h.now = h.now.Add(45 * time.Minute)
	if r := h.b.get(h.token); r.Code != http.StatusSeeOther || h.reload(t).Status != store.StatusCompleted {
		t.Fatalf("late visit: %d", r.Code)
	}
}

func TestCandidateRefusals(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{})
	ctx := context.Background()
	if r := f.b.get("/t/not-a-real-token"); r.Code != http.StatusNotFound || r.text("h1") != "This test link is not valid" {
		t.Fatalf("unknown: %d %q", r.Code, r.text("h1"))
	}
	if r := f.b.get("/t/" + strings.Repeat("x", 200)); r.Code != http.StatusNotFound {
		t.Fatalf("long token: %d", r.Code)
	}
	cases := []struct {
		name    string
		setup   func(inv store.Invitation)
		status  int
		heading string
	}{
		{"cancelled", func(inv store.Invitation) { f.db.CancelInvitation(ctx, inv.ID, "x") }, http.StatusGone, "This invitation was cancelled"},
		{"expired", func(inv store.Invitation) {
			until := f.now.Add(time.Hour)
			f.db.ExtendInvitation(ctx, inv.ID, until, "x")
			*f.now = f.now.Add(2 * time.Hour)
		}, http.StatusGone, "This invitation has expired"},
	}
	for i, c := range cases {
		inv := f.invite(t, store.NewInvitation{Name: "C", Email: "c" + idStr(int64(i)) + "@example.com"})
		c.setup(inv)
		for _, req := range []func() response{
			func() response { return f.b.get(f.token) },
			func() response { return f.b.post(f.token+"/start", nil) },
		} {
			r := req()
			if r.Code != c.status || r.text("h1") != c.heading || r.doc.Find("form:not(.lang-menu)").Length() != 0 {
				t.Errorf("%s: %d %q", c.name, r.Code, r.text("h1"))
			}
		}
		if got := f.reload(t); got.Status == store.StatusStarted {
			t.Errorf("%s: started", c.name)
		}
	}

	from, until := f.now.Add(24*time.Hour), f.now.Add(48*time.Hour)
	w := newCandidateFixture(t, store.LinkInput{ValidFrom: &from, ValidUntil: &until})
	w.invite(t, store.NewInvitation{})
	if r := w.b.get(w.token); r.Code != http.StatusForbidden || r.text("h1") != "This test is not open yet" ||
		!strings.Contains(r.text("main"), "4 May 2027 12:00 UTC") {
		t.Fatalf("not yet open: %d %q %q", r.Code, r.text("h1"), r.text("main"))
	}
	if w.reload(t).Status != store.StatusInvited {
		t.Fatal("a visit before the window counted as opening")
	}
	*w.now = w.now.Add(36 * time.Hour)
	if r := w.b.get(w.token); r.Code != http.StatusOK || r.doc.Find(`[data-testid="start"]`).Length() != 1 {
		t.Fatalf("inside the window: %d", r.Code)
	}
	*w.now = w.now.Add(24 * time.Hour)
	if r := w.b.get(w.token); r.Code != http.StatusGone || r.text("h1") != "This test has closed" {
		t.Fatalf("after the window: %d %q", r.Code, r.text("h1"))
	}
}

func TestPublicLinkRegistration(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{Public: true, Slug: "campus-2027", MaxUses: 2})
	ctx := context.Background()
	r := f.b.get("/l/campus-2027")
	if r.Code != http.StatusOK || r.text("h1") != "Go backend" {
		t.Fatalf("form: %d", r.Code)
	}
	r = f.b.post("/l/campus-2027", url.Values{"name": {"Sam"}, "email": {"nope"}})
	if r.Code != http.StatusUnprocessableEntity || r.text(`[data-testid="error-email"]`) != "Enter a valid email address, like name@example.com." {
		t.Fatalf("bad email: %d", r.Code)
	}
	if v, _ := r.doc.Find("#f-name").Attr("value"); v != "Sam" {
		t.Fatalf("name not kept: %q", v)
	}
	r = f.b.post("/l/campus-2027", url.Values{"name": {"Sam"}, "email": {"sam@example.com"}})
	if r.Code != http.StatusSeeOther || !strings.HasPrefix(r.Header().Get("Location"), "/t/") {
		t.Fatalf("register: %d %q", r.Code, r.Header().Get("Location"))
	}
	if r := f.b.get(r.Header().Get("Location")); r.doc.Find(`[data-testid="start"]`).Length() != 1 {
		t.Fatal("registration does not continue to the test")
	}
	// The same address again is not handed the existing test URL.
	r = f.b.post("/l/campus-2027", url.Values{"name": {"Eve"}, "email": {"SAM@example.com"}})
	if r.Code != http.StatusOK || strings.Contains(r.Body.String(), "/t/") || r.doc.Find(`[data-testid="link-sent"]`).Length() != 1 {
		t.Fatalf("second registration: %d", r.Code)
	}
	f.b.post("/l/campus-2027", url.Values{"name": {"Tia"}, "email": {"tia@example.com"}})
	r = f.b.post("/l/campus-2027", url.Values{"name": {"Uma"}, "email": {"uma@example.com"}})
	if r.Code != http.StatusGone || !strings.Contains(r.text(`[data-testid="register-problem"]`), "maximum") {
		t.Fatalf("full link: %d %q", r.Code, r.text(`[data-testid="register-problem"]`))
	}
	if _, total, _ := f.db.Invitations(ctx, store.InvitationFilter{LinkID: f.link.ID}); total != 2 {
		t.Fatalf("%d registrations", total)
	}

	f.db.SetLinkDisabled(ctx, f.link.ID, true)
	if r := f.b.get("/l/campus-2027"); r.Code != http.StatusGone {
		t.Fatalf("disabled: %d", r.Code)
	}
	private := newCandidateFixture(t, store.LinkInput{Slug: "invite-only"})
	if r := private.b.get("/l/invite-only"); r.Code != http.StatusNotFound {
		t.Fatalf("not public: %d", r.Code)
	}
	if r := private.b.post("/l/invite-only", url.Values{"name": {"X"}, "email": {"x@example.com"}}); r.Code != http.StatusNotFound {
		t.Fatalf("post to private: %d", r.Code)
	}
	from := private.now.Add(time.Hour)
	later := newCandidateFixture(t, store.LinkInput{Public: true, Slug: "later", ValidFrom: &from})
	if r := later.b.get("/l/later"); r.Code != http.StatusForbidden {
		t.Fatalf("not yet open: %d", r.Code)
	}
}

func TestRecruiterSeesAnswersAndScore(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{})
	inv := f.invite(t, store.NewInvitation{})
	f.b.post(f.token+"/start", nil)
	f.b.post(f.token+"/answers", url.Values{f.q(0): {"1"}, f.q(1): {"1"}, f.q(2): {"Because <it> compiles fast."}, "action": {"submit"}})

	rec := signIn(t, f.srv, f.db, store.RoleAdmin)
	r := rec.get(reportPath(inv.ID))
	answers := r.doc.Find(`[data-testid="answers"]`)
	if answers.Length() != 1 || !strings.Contains(answers.Find("h2").Text(), "score 1 / 3") {
		t.Fatalf("answers section: %q", answers.Find("h2").Text())
	}
	marks := []string{}
	answers.Find(`[data-testid="mark"]`).Each(func(_ int, s *goquerySelection) { marks = append(marks, s.Text()) })
	if strings.Join(marks, ",") != "correct,wrong" {
		t.Fatalf("marks %v", marks)
	}
	if got := answers.Find(`[data-testid="text-answer"]`).Text(); got != "Because <it> compiles fast." {
		t.Fatalf("text answer %q", got)
	}
	r = rec.get("/invitations")
	row := r.doc.Find(`[data-testid="invitations"] tbody tr`).First().Text()
	if !strings.Contains(row, "1 / 3") || !strings.Contains(row, "awaiting review") || !strings.Contains(row, "3 May 2027 10:00 UTC") ||
		!strings.Contains(row, "Completed") {
		t.Fatalf("list row %q", row)
	}
}

// Mail systems' link scanners send HEAD: it answers as GET would (the
// same status) and changes nothing — the invitation stays unopened.
func TestHeadOnTheTestURLChangesNothing(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{})
	inv := f.invite(t, store.NewInvitation{})
	head := func(path string) int {
		return f.b.do(httptest.NewRequest(http.MethodHead, path, nil)).Code
	}
	if code := head(f.token); code != http.StatusOK {
		t.Fatalf("HEAD: %d", code)
	}
	if got := f.reload(t); got.Status != store.StatusInvited || got.OpenedAt != nil {
		t.Fatalf("HEAD opened the invitation: %s", got.Status)
	}
	if events, _ := f.db.Timeline(context.Background(), inv.ID); len(events) != 1 {
		t.Fatalf("HEAD wrote to the timeline: %d events", len(events))
	}
	if code := head("/t/no-such-token"); code != http.StatusNotFound {
		t.Fatalf("HEAD unknown: %d", code)
	}
	f.db.CancelInvitation(context.Background(), inv.ID, "x")
	if code := head(f.token); code != http.StatusGone {
		t.Fatalf("HEAD cancelled: %d", code)
	}
}

// A self-registered candidate who closed the tab can have their link
// emailed; the answer never tells whether an address is registered, and
// asking is rate-limited.
func TestPublicLinkEmailsMyLink(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{Public: true, Slug: "campus-2027"})
	ctx := context.Background()
	r := f.b.post("/l/campus-2027", url.Values{"name": {"Sam"}, "email": {"sam@example.com"}})
	samURL := r.Header().Get("Location")
	if msgs, _ := f.db.Outbox(ctx, store.OutboxFilter{}); len(msgs) != 0 {
		t.Fatalf("the link sends no email by default, %d queued", len(msgs))
	}
	// Back later, in a new browser: registering again answers as "email me
	// my link" does, and emails the link.
	later := newBrowser(t, f.srv)
	r = later.post("/l/campus-2027", url.Values{"name": {"Sam"}, "email": {"sam@example.com"}})
	if r.Code != http.StatusOK || !strings.Contains(r.text(`[data-testid="link-sent"]`), "on its way") {
		t.Fatalf("already registered: %d", r.Code)
	}
	answers := map[string]string{}
	for _, email := range []string{"SAM@example.com", "nobody@example.com"} {
		r := later.post("/l/campus-2027/link", url.Values{"email": {email}})
		if r.Code != http.StatusOK {
			t.Fatalf("%s: %d", email, r.Code)
		}
		answers[email] = strings.Replace(r.text(`[data-testid="link-sent"]`), email, "ADDRESS", 1)
	}
	if answers["SAM@example.com"] != answers["nobody@example.com"] || !strings.Contains(answers["nobody@example.com"], "on its way") {
		t.Fatalf("the answers differ: %q", answers)
	}
	msgs, _ := f.db.Outbox(ctx, store.OutboxFilter{})
	if len(msgs) != 2 || msgs[0].Recipient != "sam@example.com" || !strings.Contains(msgs[0].Text, testBaseURL+samURL) {
		t.Fatalf("queued %+v", msgs)
	}
	// Three an hour per mailbox, registrations included, +tags folded: the
	// fourth waits.
	if r := later.post("/l/campus-2027/link", url.Values{"email": {"sam+again@example.com"}}); r.Code != http.StatusTooManyRequests {
		t.Fatalf("fourth request: %d", r.Code)
	}
	if msgs, _ := f.db.Outbox(ctx, store.OutboxFilter{}); len(msgs) != 2 {
		t.Fatalf("%d emails after the limit", len(msgs))
	}
	if r := later.post("/l/campus-2027/link", url.Values{"email": {"not an address"}}); r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("bad address: %d", r.Code)
	}
}

// An unanswered question reads "not answered" on the report, as in the
// PDF, never "wrong".
func TestReportSaysNotAnsweredNotWrong(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{})
	inv := f.invite(t, store.NewInvitation{})
	f.b.post(f.token+"/start", nil)
	f.b.post(f.token+"/answers", url.Values{f.q(0): {"1"}, "action": {"submit"}, "confirm": {"1"}})
	f.db.CompleteInvitation(context.Background(), inv.ID, store.ReasonSubmitted)

	r := signIn(t, f.srv, f.db, store.RoleAdmin).get(reportPath(inv.ID))
	marks := []string{}
	r.doc.Find(`[data-testid="answers"] [data-testid="mark"]`).Each(func(_ int, s *goquerySelection) { marks = append(marks, s.Text()) })
	if strings.Join(marks, ",") != "correct,not answered" {
		t.Fatalf("marks %v", marks)
	}
	if !strings.Contains(r.doc.Find(`[data-testid="answers"]`).Text(), "Not answered.") {
		t.Fatal("the unanswered written question does not say so")
	}
}
