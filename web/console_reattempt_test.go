package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"testgate/store"
)

// A recruiter gives a candidate a new attempt from the invitation page:
// refused while they take the test; after it, a new invitation with a new
// URL, the finished one kept with its score, the candidate's language
// carried over, the email sent when asked, and both timelines saying who.
func TestConsoleReattempt(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleRecruiter)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 30},
		[]store.QuestionInput{{Text: "2+2?", Kind: store.QuestionSingle, Options: []string{"3", "4"}, Correct: []int{1}}})
	res, _ := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, Name: "Kim", Email: "kim@example.com", Source: store.SourceNative})
	old := res.Invitation
	db.ChooseLanguage(ctx, old.ID, "de")
	markStarted(t, db, old.ID)

	page := b.get(invitationPath(old.ID))
	if page.doc.Find(`[data-testid="reattempt"]`).Length() != 0 {
		t.Fatal("a new attempt is offered while the candidate takes the test")
	}
	if r := b.post(invitationPath(old.ID)+"/reattempt", url.Values{"sendEmail": {"1"}}); r.Code != http.StatusConflict ||
		!strings.Contains(r.text(`[data-testid="invitation-problem"]`), "taking the test now") {
		t.Fatalf("during the attempt: %d %q", r.Code, r.text(`[data-testid="invitation-problem"]`))
	}
	if _, err := db.CompleteInvitation(ctx, old.ID, store.ReasonSubmitted); err != nil {
		t.Fatal(err)
	}
	if b.get(invitationPath(old.ID)).doc.Find(`[data-testid="reattempt"]`).Length() != 1 {
		t.Fatal("no new attempt offered after a completed one")
	}
	r := b.post(invitationPath(old.ID)+"/reattempt", url.Values{"sendEmail": {"1"}})
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") == invitationPath(old.ID) {
		t.Fatalf("reattempt: %d → %q", r.Code, r.Header().Get("Location"))
	}
	fresh := b.get(r.Header().Get("Location"))
	if !strings.Contains(fresh.text(`[data-testid="flash"]`), "emailed to the candidate") || fresh.text(`[data-testid="status"]`) != "Invited" {
		t.Fatalf("new attempt page: %q %q", fresh.text(`[data-testid="flash"]`), fresh.text(`[data-testid="status"]`))
	}
	next, err := db.InvitationOnLink(ctx, old.LinkID, "kim@example.com")
	if err != nil || next.ID == old.ID || next.Token == old.Token || next.Lang != "de" || next.Status != store.StatusInvited {
		t.Fatalf("new attempt %+v, %v", next, err)
	}
	if again, _ := db.Invitation(ctx, old.ID); again.Status != store.StatusCompleted || again.Score == nil {
		t.Fatalf("the finished attempt changed: %+v", again)
	}
	if msgs := queued(t, db, next.ID); len(msgs) != 1 || !strings.HasPrefix(msgs[0].Subject, "Ihre Einladung") {
		t.Fatalf("new attempt's email: %+v", msgs)
	}
	oldPage := b.get(invitationPath(old.ID))
	if got := oldPage.text(`[data-testid="timeline"]`); !strings.Contains(got, "recruiter@example.com") {
		t.Fatalf("old timeline: %q", got)
	}
	// The finished attempt points to the new one and offers no other; the
	// new one points back.
	if href, _ := oldPage.doc.Find(`[data-testid="next-attempt"] a`).Attr("href"); href != invitationPath(next.ID) ||
		oldPage.doc.Find(`[data-testid="reattempt"]`).Length() != 0 {
		t.Fatalf("old page: next attempt %q, offers another: %d", href, oldPage.doc.Find(`[data-testid="reattempt"]`).Length())
	}
	if href, _ := fresh.doc.Find(`[data-testid="previous-attempt"] a`).Attr("href"); href != invitationPath(old.ID) {
		t.Fatalf("new attempt does not point back: %q", href)
	}
	// Asked again (a second tab), nothing is sent, and the page says so.
	r = b.post(invitationPath(old.ID)+"/reattempt", url.Values{"sendEmail": {"1"}})
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != invitationPath(next.ID) {
		t.Fatalf("second reattempt: %d → %q", r.Code, r.Header().Get("Location"))
	}
	if flash := b.get(r.Header().Get("Location")).text(`[data-testid="flash"]`); !strings.Contains(flash, "nothing was emailed") {
		t.Fatalf("second reattempt says %q", flash)
	}
	if msgs := queued(t, db, next.ID); len(msgs) != 1 {
		t.Fatalf("second reattempt emailed: %d emails", len(msgs))
	}
}
