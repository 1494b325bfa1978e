package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"testgate/store"
)

// A recruiter takes a test as a candidate would — intro, questions, the
// unanswered check, the score — and nothing anywhere is written or counted.
func TestPreviewTestAsACandidateWritesNothing(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleRecruiter)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go basics", Kind: store.KindAssessment, DurationMinutes: 1,
		Instructions: "No notes."}, []store.QuestionInput{
		{Text: "2+2?", Kind: store.QuestionSingle, Options: []string{"3", "4"}, Correct: []int{1}},
		{Text: "Primes?", Kind: store.QuestionMultiple, Options: []string{"2", "4", "5"}, Correct: []int{0, 2}},
		{Text: "Why Go?", Kind: store.QuestionText},
	})
	qs, _ := db.Questions(ctx, tt.ID)
	field := func(i int) string { return "q" + strconv.FormatInt(qs[i].ID, 10) }
	tables := []string{"invitations", "answers", "invitation_events", "attempt_questions", "outbox", "callback_deliveries"}
	written := func() (n int) {
		for _, table := range tables {
			n += countRows(t, db, `SELECT COUNT(*) FROM `+table)
		}
		return n
	}
	base := "/tests/" + idStr(tt.ID) + "/preview"

	if href := b.get("/tests/"+idStr(tt.ID)).doc.Find(`[data-testid="preview-test"]`).AttrOr("href", ""); href != base {
		t.Fatalf("the test page offers no preview: %q", href)
	}
	intro := b.get(base)
	if intro.Code != http.StatusOK || !strings.Contains(intro.text(`[data-testid="preview-banner"]`), "Nothing is saved") ||
		intro.text(`[data-testid="test-title"]`) != "Go basics" || !strings.Contains(intro.text(`[data-testid="test-facts"]`), "1 minute") ||
		!strings.Contains(intro.text(`[data-testid="test-facts"]`), "3") || intro.text(`[data-testid="instructions"]`) != "No notes." {
		t.Fatalf("intro: %d %q", intro.Code, intro.text("body"))
	}
	attempt := b.post(base+"/start", nil)
	if n := attempt.doc.Find(`[data-testid="question"]`).Length(); attempt.Code != http.StatusOK || n != 3 {
		t.Fatalf("attempt: %d, %d questions", attempt.Code, n)
	}
	if attempt.doc.Find(`#attempt input[name="_csrf"]`).Length() != 1 {
		t.Fatal("the preview's attempt form carries no CSRF token")
	}
	if r := b.post(base+"/answers", url.Values{"action": {"autosave"}, field(0): {"1"}}); r.Body.String() != "Preview: answers are not saved." {
		t.Fatalf("autosave: %q", r.Body.String())
	}
	// Submitting with the written answer empty asks once, the answers still on the page.
	answers := url.Values{"action": {"submit"}, field(0): {"1"}, field(1): {"0"}, field(2): {""}}
	asked := b.post(base+"/answers", answers)
	if !strings.Contains(asked.text(`[data-testid="unanswered"]`), "1 question is unanswered") ||
		asked.doc.Find(`[data-testid="submit-anyway"][form="attempt"]`).Length() != 1 ||
		asked.doc.Find(`input[name="`+field(0)+`"][value="1"][checked]`).Length() != 1 {
		t.Fatalf("unanswered check: %q", asked.text("main"))
	}
	answers.Del("action")
	answers.Set("unanswered", "ok")
	done := b.post(base+"/answers", answers)
	if got := done.text(`[data-testid="preview-score"]`); got != "In a real attempt these answers would score 1 / 3 (33.33 %) before a reviewer grades the written answers." {
		t.Fatalf("preview score: %q (%s)", got, done.text("main"))
	}
	if n := written(); n != 0 {
		t.Fatalf("the preview wrote %d rows", n)
	}
	if got := b.get("/").text(`[data-testid="counts-total"]`); !strings.HasPrefix(got, "0 invitations") {
		t.Fatalf("dashboard after the preview: %q", got)
	}
	// Candidates' own pages carry no preview banner.
	res, _ := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, Name: "Kim", Email: "kim@example.com", Source: store.SourceNative})
	if r := newBrowser(t, srv).get("/t/" + res.Invitation.Token); r.doc.Find(`[data-testid="preview-banner"]`).Length() != 0 ||
		r.doc.Find(`input[name="_csrf"]`).Length() != 0 {
		t.Fatal("a candidate's page looks like a preview")
	}
}
