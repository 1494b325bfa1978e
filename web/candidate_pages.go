package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
)

// Candidate pages: the token in the URL is the only key. No session, no
// console cookies; every state of the invitation has its own page.

// candidatePage is the layout state of a candidate page, titled with the
// organisation's name when one is set.
func (s *Server) candidatePage(c echo.Context, title string) views.CandidatePage {
	brand := s.brand(c)
	site := "Testgate"
	if brand.Organisation != "" {
		site = brand.Organisation
	}
	return withLanguage(c, views.CandidatePage{PageBase: views.PageBase{Title: title + " · " + site, Assets: s.viewAssets(), Loc: viewerLocation(c)},
		Brand: brand})
}

// candidateMessage is a page telling a candidate why they cannot go on, in
// their language: a heading and a text from the catalog.
func (s *Server) candidateMessage(c echo.Context, status int, headingID, textID string, data map[string]any) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	l := lang(c)
	heading := l.F(headingID, data)
	return render(c, status, views.CandidateMessage(s.candidatePage(c, heading), heading, l.F(textID, data)))
}

// when is a moment for a candidate page: in their zone, as their language writes it.
func when(c echo.Context, at time.Time) map[string]any {
	return map[string]any{"Time": lang(c).DateTime(at, viewerLocation(c))}
}

func tokenPath(inv store.Invitation) string { return "/t/" + inv.Token }

// ctxCandidateTest keeps the test read with the invitation for the rest of
// the request: one query instead of two on every candidate page.
const ctxCandidateTest = "testgate.candidateTest"

// candidateInvitation loads the invitation a token names; an unknown token
// is answered with its page and ok=false. A request that writes decides on
// what the database holds (see candidateToWrite for the hot writes).
func (s *Server) candidateInvitation(c echo.Context) (store.Invitation, bool, error) {
	read := s.db.InvitationAndTestByToken
	if m := c.Request().Method; m != http.MethodGet && m != http.MethodHead {
		read = s.db.InvitationAndTestForWrite
	}
	return s.loadCandidate(c, read)
}

// candidateToWrite is candidateInvitation for a write whose store method
// decides again under the invitation's row lock in the states rechecked
// accepts: there a cached page is enough to send the request on.
func (s *Server) candidateToWrite(c echo.Context, rechecked func(store.Invitation) bool) (store.Invitation, bool, error) {
	return s.loadCandidate(c, func(ctx context.Context, token string) (store.Invitation, store.Test, error) {
		return s.db.InvitationAndTestToWrite(ctx, token, rechecked)
	})
}

func (s *Server) loadCandidate(c echo.Context, read func(context.Context, string) (store.Invitation, store.Test, error)) (store.Invitation, bool, error) {
	token := c.Param("token")
	if len(token) > 64 {
		return store.Invitation{}, false, s.unknownToken(c)
	}
	inv, t, err := read(c.Request().Context(), token)
	if err == nil && behindTheirWrite(c, inv) {
		inv, t, err = s.db.InvitationAndTestForWrite(c.Request().Context(), token)
	}
	if errors.Is(err, store.ErrNotFound) {
		return inv, false, s.unknownToken(c)
	}
	c.Set(ctxCandidateTest, t)
	speakTo(c, inv)
	return inv, err == nil, err
}

func (s *Server) unknownToken(c echo.Context) error {
	return s.candidateMessage(c, http.StatusNotFound, "UnknownTitle", "UnknownText", nil)
}

// refusal answers the states in which a candidate cannot go on, or returns
// false when they can.
func (s *Server) refusal(c echo.Context, inv store.Invitation) (bool, error) {
	r, refused := refusalOf(inv, s.db.Now())
	if !refused {
		return false, nil
	}
	var data map[string]any
	if r.at != nil {
		data = when(c, *r.at)
	}
	return true, s.candidateMessage(c, r.status, r.title, r.text, data)
}

// refusalPage is the page a refused candidate meets: its status, the
// catalog's heading and text, and the moment the text names.
type refusalPage struct {
	status      int
	title, text string
	at          *time.Time
}

// refusalOf says whether, and how, an invitation's state at now turns its
// candidate away.
func refusalOf(inv store.Invitation, now time.Time) (refusalPage, bool) {
	switch {
	case inv.Status == store.StatusCancelled:
		return refusalPage{http.StatusGone, "CancelledTitle", "CancelledText", nil}, true
	case inv.Status == store.StatusExpired,
		inv.Status.NotStarted() && inv.ExpiresAt != nil && !inv.ExpiresAt.After(now):
		return refusalPage{http.StatusGone, "ExpiredTitle", "ExpiredText", nil}, true
	case inv.Status.NotStarted() && inv.ValidUntil != nil && !inv.ValidUntil.After(now):
		return refusalPage{http.StatusGone, "ClosedTitle", "ClosedText", inv.ValidUntil}, true
	case inv.Status.NotStarted() && inv.ValidFrom != nil && inv.ValidFrom.After(now):
		return refusalPage{http.StatusForbidden, "NotOpenTitle", "NotOpenText", inv.ValidFrom}, true
	}
	return refusalPage{}, false
}

func (s *Server) candidateView(c echo.Context, inv store.Invitation) (views.CandidateView, error) {
	t, ok := c.Get(ctxCandidateTest).(store.Test)
	if !ok || t.ID != inv.TestID {
		var err error
		if t, err = s.db.Test(c.Request().Context(), inv.TestID); err != nil {
			return views.CandidateView{}, err
		}
	}
	v := views.CandidateView{Invitation: inv, Test: t, QuestionCount: t.QuestionCount, Action: tokenPath(inv)}
	if t.Sectioned { // what a candidate meets: the sections, their clocks, the questions each gives
		sections, err := s.db.Sections(c.Request().Context(), t.ID)
		if err != nil {
			return v, err
		}
		v.Sections, v.QuestionCount = len(sections), 0
		for _, sec := range sections {
			v.QuestionCount += sec.Gets()
			v.TimedSections = v.TimedSections || sec.TimeLimit > 0
		}
	}
	return v, nil
}

// introCount is how many questions the intro page announces: a drawn
// test's candidate gets their draw, not the pool. Only the intro reads
// the sections for it; the attempt's pages do not.
func (s *Server) introCount(c echo.Context, t store.Test) (int, error) {
	return s.db.QuestionsGiven(c.Request().Context(), t)
}

// showCandidate answers GET and HEAD /t/{token}. HEAD answers as GET would
// and changes nothing: mail systems' link scanners send it, and a scan must
// neither open the invitation nor submit an attempt.
func (s *Server) showCandidate(c echo.Context) error {
	ctx := c.Request().Context()
	peek := c.Request().Method == http.MethodHead
	inv, ok, err := s.candidateInvitation(c)
	if !ok {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	if refused, err := s.refusal(c, inv); refused {
		return err
	}
	// Time that ran out while the candidate was away submits the attempt
	// (or moves on from its section), access code or not; a first visit
	// with access opens the invitation.
	now := s.db.Now()
	access := s.hasAccess(c, inv)
	if !access && inv.Status != store.StatusCompleted && !inv.TimeUp(now) && !inv.SectionTimeUp(now) {
		return s.renderAccess(c, inv, http.StatusOK, nil)
	}
	wasStarted := inv.Status == store.StatusStarted
	if inv, err = s.db.VisitAttempt(ctx, inv, peek); err != nil {
		return err
	}
	if wasStarted && inv.Status == store.StatusCompleted {
		return s.finished(c, inv)
	}
	if !access && inv.Status != store.StatusCompleted {
		return s.renderAccess(c, inv, http.StatusOK, nil)
	}
	v, err := s.candidateView(c, inv)
	if err != nil {
		return err
	}
	switch {
	case inv.Status == store.StatusCompleted:
		return s.renderDone(c, v)
	case inv.Status == store.StatusStarted:
		return s.renderAttempt(c, v, "", http.StatusOK)
	case inv.Placeholder:
		return render(c, http.StatusOK, views.CandidateDetailsPage(s.candidatePage(c, v.Test.Name), v, views.DetailsForm{}))
	default:
		if v.QuestionCount, err = s.introCount(c, v.Test); err != nil {
			return err
		}
		return render(c, http.StatusOK, views.CandidateIntroPage(s.candidatePage(c, v.Test.Name), v))
	}
}

// renderDone is the completion page, saying so when the time ran out.
func (s *Server) renderDone(c echo.Context, v views.CandidateView) error {
	ctx := c.Request().Context()
	d := views.DoneView{CandidateView: v}
	reason, err := s.db.CompletionReason(ctx, v.Invitation.ID)
	if err != nil {
		return err
	}
	d.LimitReached = reason == store.ReasonTabSwitchLimit
	if d.TimedOut = reason == store.ReasonTimeRanOut; d.TimedOut {
		qs, err := s.db.AttemptQuestions(ctx, v.Invitation)
		if err != nil {
			return err
		}
		answers, err := s.db.Answers(ctx, v.Invitation.ID)
		if err != nil {
			return err
		}
		d.Total, d.Answered = len(qs), len(qs)-store.Unanswered(qs, answers)
	}
	return render(c, http.StatusOK, views.CandidateDonePage(s.candidatePage(c, v.Test.Name), d))
}

func (s *Server) renderAttempt(c echo.Context, v views.CandidateView, notice string, status int) error {
	return s.renderAttemptAsking(c, v, notice, 0, status)
}

// renderAttemptAsking is the attempt page; unanswered > 0 asks once whether
// to submit with that many questions unanswered.
func (s *Server) renderAttemptAsking(c echo.Context, v views.CandidateView, notice string, unansweredCount, status int) error {
	ctx := c.Request().Context()
	paper, err := s.db.AttemptQuestions(ctx, v.Invitation)
	if err != nil {
		return err
	}
	qs := store.SectionOf(v.Invitation, paper)
	answers, err := s.db.Answers(ctx, v.Invitation.ID)
	if err != nil {
		return err
	}
	left := time.Duration(0)
	deadline, ends := "", ""
	if d := v.Invitation.EndsAt(); d != nil {
		left = max(0, d.Sub(s.db.Now()))
		deadline = d.UTC().Format(time.RFC3339)
		ends = lang(c).Time(*d, viewerLocation(c))
	}
	remaining := fmt.Sprintf("%d:%02d", int(left.Minutes()), int(left.Seconds())%60)
	p := s.candidatePage(c, v.Test.Name)
	p.LangForm = "attempt" // the menu saves the answers on the page with the choice
	av := views.AttemptView{CandidateView: v, Questions: qs, Answers: answers, Deadline: deadline, Remaining: remaining, Ends: ends,
		Notice: notice, Unanswered: unansweredCount, SectionTimed: v.Invitation.SectionDeadlineAt != nil}
	av.SectionN, av.SectionTotal = store.SectionPlace(v.Invitation, paper)
	return render(c, status, views.CandidateAttemptPage(p, av))
}

// finished sends a candidate whose attempt is complete on: to the
// invitation's redirectUrl when it has one, else to the completion page.
func (s *Server) finished(c echo.Context, inv store.Invitation) error {
	return c.Redirect(http.StatusSeeOther, finishURL(inv))
}

// finishURL is where a candidate goes once their attempt is complete: the
// invitation's redirectUrl, else its completion page.
func finishURL(inv store.Invitation) string {
	return cmp.Or(inv.RedirectURL, tokenPath(inv))
}

// saveDetails replaces generated stand-ins with what the candidate typed.
func (s *Server) saveDetails(c echo.Context) error {
	inv, ok, err := s.candidateInvitation(c)
	if !ok {
		return err
	}
	if refused, err := s.refusal(c, inv); refused {
		return err
	}
	if !s.hasAccess(c, inv) {
		return c.Redirect(http.StatusSeeOther, tokenPath(inv))
	}
	f := views.DetailsForm{Name: c.FormValue("name"), Email: c.FormValue("email")}
	_, err = s.db.UpdateCandidateDetails(c.Request().Context(), inv.ID, f.Name, f.Email)
	if fe, bad := asFieldErrors(err); bad {
		v, verr := s.candidateView(c, inv)
		if verr != nil {
			return verr
		}
		f.Errors = candidateErrors(lang(c), fe)
		return render(c, http.StatusUnprocessableEntity, views.CandidateDetailsPage(s.candidatePage(c, v.Test.Name), v, f))
	}
	if err != nil && !errors.Is(err, store.ErrNotUsable) {
		return err
	}
	return c.Redirect(http.StatusSeeOther, tokenPath(inv))
}

// startAttempt begins the timed test.
func (s *Server) startAttempt(c echo.Context) error {
	inv, ok, err := s.candidateToWrite(c, s.startRechecked)
	if !ok {
		return err
	}
	if refused, err := s.refusal(c, inv); refused {
		return err
	}
	if inv.Placeholder || !s.hasAccess(c, inv) {
		return c.Redirect(http.StatusSeeOther, tokenPath(inv)) // details or access code first
	}
	started, err := s.db.StartInvitation(c.Request().Context(), inv.ID)
	if err != nil && !errors.Is(err, store.ErrNotUsable) {
		return err
	}
	s.noteWrite(c, started)
	return c.Redirect(http.StatusSeeOther, tokenPath(inv))
}

// startRechecked: a start of an attempt not started, by a candidate whose
// page neither turns them away nor asks for their details first, is
// decided again by StartInvitation under the row lock (a start another
// process made already is kept, an ended invitation is not started).
func (s *Server) startRechecked(inv store.Invitation) bool {
	_, refused := refusalOf(inv, s.db.Now())
	return inv.Status.NotStarted() && !inv.Placeholder && !refused
}
