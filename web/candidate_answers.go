package web

import (
	"errors"
	"html"
	"net/http"

	"github.com/labstack/echo/v4"

	"testgate/store"
)

// answersFromForm reads every question's answer from the attempt form
// (the preview's; a candidate's form is read by the store as it writes).
func answersFromForm(c echo.Context, qs []store.Question) ([]store.AnswerInput, error) {
	form, err := c.FormParams()
	if err != nil {
		return nil, echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
	}
	answers, err := store.AnswersFromForm(qs, form)
	var problem *store.FormProblem
	if errors.As(err, &problem) {
		return nil, echo.NewHTTPError(http.StatusBadRequest, problem.Problem)
	}
	return answers, err
}

// saveAnswers is POST /t/{token}/answers: autosave (htmx), "Save answers"
// and "Submit test" all arrive here; answers after the deadline are
// refused and the attempt is submitted with what was saved.
func (s *Server) saveAnswers(c echo.Context) error {
	ctx := c.Request().Context()
	inv, ok, err := s.candidateToWrite(c, attemptRechecked)
	if !ok {
		return err
	}
	action := c.FormValue("action")
	if action == "language" && !store.ValidLanguage(c.FormValue("lang")) {
		return errUnknownLanguage // before the answers on the form are saved: nothing is written
	}
	if !s.hasAccess(c, inv) {
		return c.Redirect(http.StatusSeeOther, tokenPath(inv))
	}
	switch inv.Status {
	case store.StatusCompleted:
		return s.afterSubmit(c, inv, action)
	case store.StatusStarted:
	default:
		if refused, err := s.refusal(c, inv); refused {
			return err
		}
		return c.Redirect(http.StatusSeeOther, tokenPath(inv))
	}
	sub := store.Submission{InvitationID: inv.ID, Finish: action == "submit" || action == "next",
		Confirmed: c.FormValue("unanswered") == "ok", TimedOut: c.FormValue("timeout") == "1"}
	// "Submit anyway" carries no answers: they were saved by the submit
	// that asked, and reading its empty form would clear them. The store
	// reads the answers for the section the attempt is in as it writes.
	if !sub.Confirmed {
		form, err := c.FormParams()
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
		}
		sub.Form, sub.Spent = form, spentFromForm(c)
	}
	res, err := s.db.Submit(ctx, sub)
	var problem *store.FormProblem
	if errors.As(err, &problem) {
		return echo.NewHTTPError(http.StatusBadRequest, problem.Problem)
	}
	if _, bad := asFieldErrors(err); bad {
		return echo.NewHTTPError(http.StatusBadRequest, "An answer is not one of the options.")
	}
	if errors.Is(err, store.ErrNotUsable) { // the attempt closed since the page was read: its page says how
		return goTo(c, tokenPath(inv))
	}
	if err != nil {
		return err
	}
	if res.Outcome != store.Saved { // a plain save leaves the invitation's row as it was
		s.noteWrite(c, res.Invitation)
	}
	switch res.Outcome {
	case store.Completed:
		return s.afterSubmit(c, res.Invitation, action)
	case store.NextSection:
		return s.afterSection(c, res.Invitation, action)
	case store.AskToConfirm:
		v, err := s.candidateView(c, res.Invitation)
		if err != nil {
			return err
		}
		return s.renderAttemptAsking(c, v, "", res.Unanswered, http.StatusOK)
	}
	switch action {
	case "autosave":
		l := lang(c)
		return c.HTML(http.StatusOK, html.EscapeString(l.F("AnswersSavedAt", map[string]any{"Time": l.TimeSeconds(s.db.Now(), viewerLocation(c))})))
	case "language":
		// The menu on the attempt page: the answers above are saved, then
		// the page comes back in the language chosen.
		if err := s.db.ChooseLanguage(ctx, inv.ID, c.FormValue("lang")); err != nil {
			return err
		}
		inv.ChosenLang = c.FormValue("lang")
		speakTo(c, inv)
		v, err := s.candidateView(c, inv)
		if err != nil {
			return err
		}
		return s.renderAttempt(c, v, lang(c).S("LanguageNotice"), http.StatusOK)
	default:
		v, err := s.candidateView(c, inv)
		if err != nil {
			return err
		}
		return s.renderAttempt(c, v, lang(c).S("SavedNotice"), http.StatusOK)
	}
}

// afterSubmit answers a request that found the attempt complete: htmx
// autosave is told to leave for the completion, a form post is redirected.
func (s *Server) afterSubmit(c echo.Context, inv store.Invitation, action string) error {
	if action == "autosave" && isHTMX(c) {
		c.Response().Header().Set("HX-Redirect", finishURL(inv))
		return c.NoContent(http.StatusNoContent)
	}
	return s.finished(c, inv)
}

// afterSection answers a request that moved the candidate to their next
// section: the section's page (htmx autosave is told to go there), or the
// completion when it was the last.
func (s *Server) afterSection(c echo.Context, inv store.Invitation, action string) error {
	if inv.Status == store.StatusCompleted {
		return s.afterSubmit(c, inv, action)
	}
	return goTo(c, tokenPath(inv))
}

// goTo sends the candidate to a page: htmx's autosave is told to go there,
// a form post is redirected.
func goTo(c echo.Context, url string) error {
	if isHTMX(c) {
		c.Response().Header().Set("HX-Redirect", url)
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, url)
}

// attemptRechecked: answers to a started attempt go to Submit, which
// decides again under the row lock (a completion another process made
// first answers as completed; a deadline moved is read there).
func attemptRechecked(inv store.Invitation) bool { return inv.Status == store.StatusStarted }
