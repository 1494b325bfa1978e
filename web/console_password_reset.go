package web

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
)

// "Forgot your password?": a console user asks for a link to choose a new
// password. The answer is the same whether or not an account has the
// address, so the form reveals no one's account; one client address may
// ask maxResetsPerIP times an hour and one mailbox is sent at most
// maxResetsPerMailbox links an hour. Every request is in the audit log.

const (
	resetWindow         = time.Hour
	maxResetsPerIP      = 10
	maxResetsPerMailbox = 3
)

// resetSent is what the form answers to every address.
const resetSent = "If an account has that address, a link to choose a new password is on its way. It works once, for an hour."

// passwordResetForm: GET /login/forgot.
func (s *Server) passwordResetForm(c echo.Context) error {
	return render(c, http.StatusOK, views.PasswordResetPage(s.page(c, "Reset your password", ""), views.PasswordResetForm{}))
}

// requestPasswordReset: POST /login/forgot {email}.
func (s *Server) requestPasswordReset(c echo.Context) error {
	ctx := c.Request().Context()
	f := views.PasswordResetForm{Email: strings.TrimSpace(c.FormValue("email"))}
	norm := store.NormalizeEmail(f.Email)
	setAuditAs(c, "password-reset:"+truncateRunes(norm, 100), "")
	if !store.ValidEmail(f.Email) {
		f.Errors = store.FieldErrors{"email": store.ProblemInvalidEmail}
		return render(c, http.StatusUnprocessableEntity, views.PasswordResetPage(s.page(c, "Reset your password", ""), f))
	}
	_, wait, err := s.db.BeginLoginAttempt(ctx, resetWindow,
		store.LoginLimit{Scope: "reset-ip:" + c.RealIP(), Max: maxResetsPerIP},
		store.LoginLimit{Scope: "reset:" + norm, Max: maxResetsPerMailbox})
	if err != nil {
		return err
	}
	if wait > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		f.Problem = "Too many requests. Try again in " + strconv.Itoa(int(math.Ceil(wait.Minutes()))) + " minute(s)."
		return render(c, http.StatusTooManyRequests, views.PasswordResetPage(s.page(c, "Reset your password", ""), f))
	}
	u, err := s.db.RequestPasswordReset(ctx, f.Email)
	switch {
	case err == nil:
		setAuditAs(c, "password-reset:"+u.Email, "users "+strconv.FormatInt(u.ID, 10))
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	f.Sent = resetSent
	return render(c, http.StatusOK, views.PasswordResetPage(s.page(c, "Reset your password", ""), f))
}
