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

// publicRegister makes the invitation and sends the candidate on to it.
// Anyone can type any address, so an address the link already knows —
// invited, started, completed, cancelled or expired — gets the answer of
// "email me my link" for any address: nothing of its invitation is shown,
// re-opened or changed, and only its owner's mailbox may get the link.
func (s *Server) publicRegister(c echo.Context) error {
	link, t, ok, err := s.openPublicLink(c)
	if !ok {
		return err
	}
	f := views.RegisterForm{Name: c.FormValue("name"), Email: c.FormValue("email")}
	l := lang(c)
	page, action := s.candidatePage(c, t.Name), s.publicLinkPath(c)
	n := store.NewInvitation{TestID: link.TestID, LinkID: link.ID, Name: f.Name, Email: f.Email, Lang: l.Lang(),
		Source: store.SourcePublic, Actor: "candidate"}
	if fe := n.Validate(); len(fe) > 0 {
		f.Errors = candidateErrors(l, fe)
		return render(c, http.StatusUnprocessableEntity, views.PublicRegisterPage(page, t, action, f))
	}
	if refused, err := s.throttleLinkMail(c, link, t, f.Email, "register-ip:", maxRegistrationsPerIP); refused {
		return err
	}
	res, err := s.db.Invite(c.Request().Context(), n)
	switch fe, bad := asFieldErrors(err); {
	case bad:
		f.Errors = candidateErrors(l, fe)
		return render(c, http.StatusUnprocessableEntity, views.PublicRegisterPage(page, t, action, f))
	case errors.Is(err, store.ErrClosed):
		f.Problem = l.S("RegistrationFull")
		return render(c, http.StatusGone, views.PublicRegisterPage(page, t, action, f))
	case errors.Is(err, store.ErrAlreadyRegistered):
		return s.sendMyLink(c, link, t, f.Email)
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, tokenPath(res.Invitation))
}

// emailMyLink: POST /l/{slug}/link {email} emails a registered candidate
// their personal link again. The answer is the same whether or not the
// address is registered, so the form reveals nobody's registration.
func (s *Server) emailMyLink(c echo.Context) error {
	link, t, ok, err := s.openPublicLink(c)
	if !ok {
		return err
	}
	email := strings.TrimSpace(c.FormValue("email"))
	if !store.ValidEmail(email) {
		f := views.RegisterForm{Errors: candidateErrors(lang(c), store.FieldErrors{"email": store.ProblemInvalidEmail})}
		return render(c, http.StatusUnprocessableEntity, views.PublicRegisterPage(s.candidatePage(c, t.Name), t, s.publicLinkPath(c), f))
	}
	if refused, err := s.throttleLinkMail(c, link, t, email, "link-request-ip:", maxLinkRequestsPerIP); refused {
		return err
	}
	return s.sendMyLink(c, link, t, email)
}

// A public link emails a candidate's personal link on registration (when
// the link says so) and on "email me my link". Per link, one mailbox (its
// +tags folded: sam+1@ counts as sam@) is sent to at most
// maxLinkMailsPerMailbox times an hour, whatever asked; one client address
// may ask maxLinkRequestsPerIP times and register maxRegistrationsPerIP
// times. The counts are in the database, shared by every serve process.
const (
	linkMailWindow         = time.Hour
	maxLinkMailsPerMailbox = 3
	maxLinkRequestsPerIP   = 20
	maxRegistrationsPerIP  = 120 // a campus lab registers from behind one address
)

// throttleLinkMail counts a request that may email addr, and answers 429
// in the candidate's language (refused) once a limit is used up: the same
// answer for every address, registered or not.
func (s *Server) throttleLinkMail(c echo.Context, link store.TestLink, t store.Test, addr, ipScope string, perIP int) (refused bool, err error) {
	_, wait, err := s.db.BeginLoginAttempt(c.Request().Context(), linkMailWindow,
		store.LoginLimit{Scope: ipScope + c.RealIP(), Max: perIP},
		store.LoginLimit{Scope: store.LinkMailScope(link.ID, addr), Max: maxLinkMailsPerMailbox})
	if err != nil || wait == 0 {
		return err != nil, err
	}
	c.Response().Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
	f := views.RegisterForm{Problem: lang(c).S("TooManyRequests")}
	return true, render(c, http.StatusTooManyRequests, views.PublicRegisterPage(s.candidatePage(c, t.Name), t, s.publicLinkPath(c), f))
}

// publicLinkPath is the link's registration path, whichever of its forms
// was posted.
func (s *Server) publicLinkPath(c echo.Context) string {
	return strings.TrimSuffix(c.Request().URL.Path, "/link")
}

// sendMyLink emails the address its personal link if it has a live one on
// the link, and answers as it does for any address.
func (s *Server) sendMyLink(c echo.Context, link store.TestLink, t store.Test, email string) error {
	if _, err := s.db.ResendLink(c.Request().Context(), link.ID, email); err != nil {
		return err
	}
	return render(c, http.StatusOK, views.PublicRegisterPage(s.candidatePage(c, t.Name), t, s.publicLinkPath(c), views.RegisterForm{Sent: email}))
}
