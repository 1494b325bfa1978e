package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
)

// Public links: /l/{slug} lets anyone register for a link that allows
// self-registration, within its window, uses and state.

// openPublicLink loads a link by slug and answers with a refusal page when
// it takes no registrations (ok=false).
func (s *Server) openPublicLink(c echo.Context) (store.TestLink, store.Test, bool, error) {
	ctx := c.Request().Context()
	link, err := s.db.LinkBySlug(ctx, c.Param("slug"))
	if errors.Is(err, store.ErrNotFound) || (err == nil && !link.Public) {
		return link, store.Test{}, false, s.candidateMessage(c, http.StatusNotFound, "UnknownTitle", "UnknownPublicText", nil)
	}
	if err == nil {
		speakToVisitor(c, link)
	}
	if err != nil {
		return link, store.Test{}, false, err
	}
	t, err := s.db.Test(ctx, link.TestID)
	if err != nil {
		return link, t, false, err
	}
	now := s.db.Now()
	switch {
	case link.Disabled() || t.Archived():
		return link, t, false, s.candidateMessage(c, http.StatusGone, "RegClosedTitle", "RegClosedText", nil)
	case link.ValidFrom != nil && link.ValidFrom.After(now):
		return link, t, false, s.candidateMessage(c, http.StatusForbidden, "RegNotOpenTitle", "RegNotOpenText", when(c, *link.ValidFrom))
	case link.ValidUntil != nil && !link.ValidUntil.After(now), link.ExpiresAt != nil && !link.ExpiresAt.After(now):
		return link, t, false, s.candidateMessage(c, http.StatusGone, "RegClosedTitle", "RegEndedText", nil)
	}
	return link, t, true, nil
}

func (s *Server) publicLinkForm(c echo.Context) error {
	_, t, ok, err := s.openPublicLink(c)
	if !ok {
		return err
	}
	return render(c, http.StatusOK, views.PublicRegisterPage(s.candidatePage(c, t.Name), t, c.Request().URL.Path, views.RegisterForm{}))
}

// publicRegister makes the invitation and sends the candidate on to it. An
// address that already has an invitation on the link is not handed its
// test URL: anyone could type someone else's address.
func (s *Server) publicRegister(c echo.Context) error {
	link, t, ok, err := s.openPublicLink(c)
	if !ok {
		return err
	}
	f := views.RegisterForm{Name: c.FormValue("name"), Email: c.FormValue("email")}
	l := lang(c)
	res, err := s.db.Invite(c.Request().Context(), store.NewInvitation{
		TestID: link.TestID, LinkID: link.ID, Name: f.Name, Email: f.Email, Lang: l.Lang(),
		Source: store.SourcePublic, Actor: "candidate",
	})
	status := http.StatusUnprocessableEntity
	switch fe, bad := asFieldErrors(err); {
	case bad:
		f.Errors = candidateErrors(l, fe)
	case errors.Is(err, store.ErrClosed):
		f.Problem = l.S("RegistrationFull")
		status = http.StatusGone
	case err != nil:
		return err
	case !res.Created && !res.Reopened:
		f.Problem = l.S("AlreadyRegistered")
		status = http.StatusConflict
	default:
		return c.Redirect(http.StatusSeeOther, tokenPath(res.Invitation))
	}
	return render(c, status, views.PublicRegisterPage(s.candidatePage(c, t.Name), t, c.Request().URL.Path, f))
}

// Asking for one's link by email: at most this many per address and link,
// and per client address, in the window.
const (
	linkRequestWindow     = time.Hour
	maxLinkRequestsPerAdr = 3
	maxLinkRequestsPerIP  = 20
)

// emailMyLink: POST /l/{slug}/link {email} emails a registered candidate
// their personal link again. The answer is the same whether or not the
// address is registered, so the form reveals nobody's registration.
func (s *Server) emailMyLink(c echo.Context) error {
	link, t, ok, err := s.openPublicLink(c)
	if !ok {
		return err
	}
	ctx := c.Request().Context()
	email := strings.TrimSpace(c.FormValue("email"))
	action := strings.TrimSuffix(c.Request().URL.Path, "/link")
	page := s.candidatePage(c, t.Name)
	if !store.ValidEmail(email) {
		f := views.RegisterForm{Errors: candidateErrors(lang(c), store.FieldErrors{"email": store.ProblemInvalidEmail})}
		return render(c, http.StatusUnprocessableEntity, views.PublicRegisterPage(page, t, action, f))
	}
	_, wait, err := s.db.BeginLoginAttempt(ctx, linkRequestWindow,
		store.LoginLimit{Scope: "link-request-ip:" + c.RealIP(), Max: maxLinkRequestsPerIP},
		store.LoginLimit{Scope: "link-request:" + strconv.FormatInt(link.ID, 10) + ":" + store.NormalizeEmail(email), Max: maxLinkRequestsPerAdr})
	if err != nil {
		return err
	}
	if wait > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		f := views.RegisterForm{Problem: lang(c).S("TooManyRequests")}
		return render(c, http.StatusTooManyRequests, views.PublicRegisterPage(page, t, action, f))
	}
	if _, err := s.db.ResendLink(ctx, link.ID, email); err != nil {
		return err
	}
	return render(c, http.StatusOK, views.PublicRegisterPage(page, t, action, views.RegisterForm{Sent: email}))
}
