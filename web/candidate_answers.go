package web

import (
	"errors"
	"html"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"testgate/store"
)

// answersFromForm reads every question's answer from the attempt form:
// q<id> holds option indexes (radio, checkboxes) or the written answer.
func answersFromForm(c echo.Context, qs []store.Question) ([]store.AnswerInput, error) {
	form, err := c.FormParams()
	if err != nil {
		return nil, echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
	}
	var out []store.AnswerInput
	for _, q := range qs {
		values, sent := form["q"+strconv.FormatInt(q.ID, 10)]
		a, keep, problem := q.Rules().FromForm(q, values, sent)
		if problem != "" {
			return nil, echo.NewHTTPError(http.StatusBadRequest, problem)
		}
		if !keep {
			out = append(out, a)
		}
	}
	return out, nil
}

// saveAnswers is POST /t/{token}/answers: autosave (htmx), "Save answers"
// and "Submit test" all arrive here; answers after the deadline are
// refused and the attempt is submitted with what was saved.
func (s *Server) saveAnswers(c echo.Context) error {
	ctx := c.Request().Context()
	inv, ok, err := s.candidateInvitation(c)
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
	paper, err := s.db.AttemptQuestions(ctx, inv)
	if err != nil {
		return err
	}
	qs := store.SectionOf(inv, paper) // the section the candidate is in, or the whole paper
	// "Submit anyway" carries no answers: they were saved by the submit
	// that asked, and reading its empty form would clear them.
	confirmed := c.FormValue("unanswered") == "ok"
	if !confirmed {
		var answers []store.AnswerInput
		if answers, err = answersFromForm(c, qs); err != nil {
			return err
		}
		err = s.db.SaveAnswers(ctx, inv.ID, answers, spentFromForm(c))
	} else if inv.DeadlineAt != nil && !s.db.Now().Before(*inv.DeadlineAt) {
		err = store.ErrDeadlinePassed
	}
	switch {
	case errors.Is(err, store.ErrDeadlinePassed):
		if inv, err = s.db.CompleteInvitation(ctx, inv.ID, store.ReasonTimeRanOut); err != nil {
			return err
		}
		return s.afterSubmit(c, inv, action)
	case errors.Is(err, store.ErrSectionTimeUp):
		// The section's own time is up: what was saved stays, the next section begins.
		if inv, err = s.db.AdvanceSection(ctx, inv.ID, inv.SectionAt, store.ReasonTimeRanOut); err != nil {
			return err
		}
		return s.afterSection(c, inv, action)
	case err != nil:
		if _, bad := asFieldErrors(err); bad {
			return echo.NewHTTPError(http.StatusBadRequest, "An answer is not one of the options.")
		}
		return err
	}
	switch action {
	case "submit", "next":
		reason := store.ReasonSubmitted
		switch {
		case c.FormValue("timeout") == "1":
			// The countdown reached zero in the browser and sent what was there.
			reason = store.ReasonTimeRanOut
		case !confirmed:
			saved, err := s.db.Answers(ctx, inv.ID)
			if err != nil {
				return err
			}
			if n := unanswered(qs, saved); n > 0 {
				v, err := s.candidateView(c, inv)
				if err != nil {
					return err
				}
				return s.renderAttemptAsking(c, v, "", n, http.StatusOK)
			}
		}
		if inv.SectionAt > 0 { // section by section: the next one, or the end after the last
			if inv, err = s.db.AdvanceSection(ctx, inv.ID, inv.SectionAt, reason); err != nil {
				return err
			}
			return s.afterSection(c, inv, action)
		}
		if inv, err = s.db.CompleteInvitation(ctx, inv.ID, reason); err != nil {
			return err
		}
		return s.afterSubmit(c, inv, action)
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
	if isHTMX(c) {
		c.Response().Header().Set("HX-Redirect", tokenPath(inv))
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, tokenPath(inv))
}
