package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"testgate/store"
	"testgate/views/pdftext"
)

// The review's trap: deleting or editing a question after candidates have
// answered it must not change what they answered or were scored on. Past
// attempts keep their paper; the change is a new version for new attempts.
func TestEditingQuestionsKeepsPastAttemptsWhole(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{})
	ctx := context.Background()
	// Ada answers 2+2 right and the primes wrong: 1 / 3 (the written answer waits for a reviewer).
	ada := f.invite(t, store.NewInvitation{})
	f.b.get(f.token)
	f.b.post(f.token+"/start", nil)
	f.b.post(f.token+"/answers", url.Values{"action": {"submit"}, f.q(0): {"1"}, f.q(1): {"1"}, f.q(2): {"Fast builds"}})
	if got := f.reload(t); got.Score == nil || *got.Score != 1 || *got.MaxScore != 3 {
		t.Fatalf("Ada scored %v / %v", got.Score, got.MaxScore)
	}

	// The recruiter deletes question 1 and changes the primes' answer.
	b := signIn(t, f.srv, f.db, store.RoleRecruiter)
	testURL := testPath(f.test.ID)
	b.get(testURL)
	q, _ := b.postConfirmed(testURL+"/questions/"+idStr(f.qs[0].ID)+"/delete", nil)
	if q.text(`[data-testid="confirm-touches"]`) != "This touches 1 candidate who has started or finished this test." {
		t.Fatalf("delete question touches %q", q.text(`[data-testid="confirm-touches"]`))
	}
	edit := url.Values{"text": {"Which are primes?"}, "kind": {"multiple"}, "option0": {"2"}, "option1": {"4"}, "option2": {"5"},
		"correct": {"1"}}
	if r := b.post(testURL+"/questions/"+idStr(f.qs[1].ID), edit); r.Code >= 400 {
		t.Fatalf("edit: %d", r.Code)
	}

	// Ada's attempt is as she took it: three questions, her answers, her marks, 1 / 3.
	r := b.get(reportPath(ada.ID))
	items := r.doc.Find(`[data-testid="answers"] ol.answers > li`)
	if items.Length() != 3 || !strings.Contains(items.First().Text(), "2+2?") {
		t.Fatalf("Ada's paper now has %d questions: %q", items.Length(), r.text(`[data-testid="answers"]`))
	}
	var marks []string
	items.Each(func(_ int, li *goquery.Selection) { marks = append(marks, li.Find(`[data-testid="mark"]`).Text()) })
	if strings.Join(marks, ",") != "correct,wrong," || !strings.Contains(r.text(`[data-testid="answers"] h2`), "1 / 3") {
		t.Fatalf("Ada's marks %v, score %q", marks, r.text(`[data-testid="answers"] h2`))
	}
	if got := f.reload(t); *got.Score != 1 || *got.MaxScore != 3 {
		t.Fatalf("Ada's stored score changed: %d / %d", *got.Score, *got.MaxScore)
	}
	if text := pdftext.Of(t, b.get(invitationPath(ada.ID)+"/report.pdf").Body.Bytes()); !strings.Contains(text, "2+2?") {
		t.Fatalf("Ada's report lost the deleted question: %q", text)
	}

	// A new candidate is given the test as it is now: two questions, the new answer.
	current, _ := f.db.Questions(ctx, f.test.ID)
	if len(current) != 2 || current[0].ID == f.qs[1].ID || !current[0].IsCorrect(1) {
		t.Fatalf("current questions %+v", current)
	}
	f.b = newBrowser(t, f.srv)
	f.invite(t, store.NewInvitation{Name: "Bo", Email: "bo@example.com"})
	f.b.get(f.token)
	f.b.post(f.token+"/start", nil)
	page := f.b.get(f.token)
	if n := page.doc.Find(`fieldset, [data-testid="question"]`).Length(); n == 0 || strings.Contains(page.text("main"), "2+2?") {
		t.Fatalf("Bo's paper: %q", page.text("main"))
	}
	// One of two unanswered: asked once, then submitted anyway.
	if r := f.b.post(f.token+"/answers", url.Values{"action": {"submit"}, "q" + idStr(current[0].ID): {"1"}}); !strings.Contains(
		r.text(`[data-testid="unanswered"]`), "1 question is unanswered") {
		t.Fatalf("no warning about the unanswered question: %q", r.text("main"))
	}
	f.b.post(f.token+"/answers", url.Values{"action": {"submit"}, "unanswered": {"ok"}})
	if got := f.reload(t); got.Score == nil || *got.Score != 1 || *got.MaxScore != 2 { // the written question counts
		t.Fatalf("Bo scored %v / %v", got.Score, got.MaxScore)
	}
	if r := b.get(testURL); r.Code != http.StatusOK || strings.Contains(r.text(`#questions`), "2+2?") {
		t.Fatalf("the deleted question is still on the test page")
	}
}
