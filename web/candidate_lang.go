package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
	"testgate/views/locale"
)

// A candidate's pages speak their language: the one they chose on a page
// (kept with the invitation), else the invitation's, else the link's,
// else their browser's, else English.

const (
	ctxLang     = "testgate.lang"
	ctxLangMenu = "testgate.langMenu"
)

// langMenu is where a page's language menu sends the choice.
type langMenu struct {
	url string
	get bool
}

// speakTo settles the language of an invitation's pages.
func speakTo(c echo.Context, inv store.Invitation) {
	c.Set(ctxLang, locale.For(locale.Negotiate(c.Request().Header.Get("Accept-Language"), inv.ChosenLang, inv.Lang)))
	c.Set(ctxLangMenu, langMenu{url: tokenPath(inv) + "/lang"})
}

// speakToVisitor settles the language of a public link's pages: the menu's
// choice (a query or form field), else the link's, else the browser's.
func speakToVisitor(c echo.Context, l store.TestLink) {
	c.Set(ctxLang, locale.For(locale.Negotiate(c.Request().Header.Get("Accept-Language"), c.FormValue("lang"), l.Lang)))
	c.Set(ctxLangMenu, langMenu{url: "/l/" + l.Slug, get: true})
}

// lang is the language of this request's candidate page.
func lang(c echo.Context) locale.T {
	if t, ok := c.Get(ctxLang).(locale.T); ok {
		return t
	}
	t := locale.For(locale.Negotiate(c.Request().Header.Get("Accept-Language")))
	c.Set(ctxLang, t)
	return t
}

// withLanguage puts the language and its menu on a candidate page.
func withLanguage(c echo.Context, p views.CandidatePage) views.CandidatePage {
	p.L = lang(c)
	if m, ok := c.Get(ctxLangMenu).(langMenu); ok {
		p.LangURL, p.LangGet = m.url, m.get
	}
	return p
}

// errUnknownLanguage refuses a language menu value that is not one of ours.
var errUnknownLanguage = echo.NewHTTPError(http.StatusBadRequest, "Unknown language.")

// chooseLanguage: POST /t/{token}/lang keeps the candidate's choice and
// shows their page in it.
func (s *Server) chooseLanguage(c echo.Context) error {
	inv, ok, err := s.candidateInvitation(c)
	if !ok {
		return err
	}
	if !store.ValidLanguage(c.FormValue("lang")) {
		return errUnknownLanguage
	}
	if err := s.db.ChooseLanguage(c.Request().Context(), inv.ID, c.FormValue("lang")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, tokenPath(inv))
}

// candidateErrors words a form's problems as whole sentences in the
// candidate's language.
func candidateErrors(l locale.T, fe store.FieldErrors) store.FieldErrors {
	out := store.FieldErrors{}
	for field, problem := range fe {
		switch {
		case field == "name" && problem == store.ProblemRequired:
			out[field] = l.S("ErrNameRequired")
		case field == "name" && problem == store.ProblemUnsafeText:
			out[field] = l.S("ErrNameOneLine")
		case field == "name":
			out[field] = l.F("ErrNameTooLong", map[string]any{"Max": store.MaxNameLength})
		case field == "email" && problem == store.ProblemRequired:
			out[field] = l.S("ErrEmailRequired")
		case field == "email":
			out[field] = l.S("ErrEmailInvalid")
		case field == "code":
			out[field] = l.S("ErrCodeWrong")
		default:
			out[field] = problem
		}
	}
	return out
}
