package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
)

// Invitations made with an access code (ThinkExam's isPasswordSkip=0) open
// only for a browser that typed it: the right code earns a cookie, scoped
// to the invitation's URL, that proves it.

func accessCookie(inv store.Invitation) string { return "tg_access_" + strconv.FormatInt(inv.ID, 10) }

func (s *Server) accessProof(inv store.Invitation) string {
	mac := hmac.New(sha256.New, s.cfg.SessionKey)
	mac.Write([]byte("access:" + inv.Token))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// hasAccess reports whether this browser may use the invitation.
func (s *Server) hasAccess(c echo.Context, inv store.Invitation) bool {
	if inv.AccessCode == "" {
		return true
	}
	ck, err := c.Cookie(accessCookie(inv))
	return err == nil && hmac.Equal([]byte(ck.Value), []byte(s.accessProof(inv)))
}

func (s *Server) renderAccess(c echo.Context, inv store.Invitation, status int, errs store.FieldErrors) error {
	v, err := s.candidateView(c, inv)
	if err != nil {
		return err
	}
	return render(c, status, views.CandidateAccessPage(s.candidatePage(c, v.Test.Name), v, errs))
}

// checkAccess is POST /t/{token}/access.
func (s *Server) checkAccess(c echo.Context) error {
	inv, ok, err := s.candidateInvitation(c)
	if !ok {
		return err
	}
	if refused, err := s.refusal(c, inv); refused {
		return err
	}
	if inv.AccessCode == "" {
		return c.Redirect(http.StatusSeeOther, tokenPath(inv))
	}
	right, err := s.db.CheckAccessCode(c.Request().Context(), inv.ID, c.FormValue("code"))
	if errors.Is(err, store.ErrAccessLocked) {
		return s.candidateMessage(c, http.StatusForbidden, "LockedTitle", "LockedText", nil)
	}
	if err != nil {
		return err
	}
	if !right {
		return s.renderAccess(c, inv, http.StatusUnprocessableEntity, candidateErrors(lang(c), store.FieldErrors{"code": "is not the code from your invitation"}))
	}
	c.SetCookie(&http.Cookie{
		Name: accessCookie(inv), Value: s.accessProof(inv), Path: tokenPath(inv), MaxAge: 7 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: strings.HasPrefix(s.cfg.BaseURL, "https://"),
	})
	return c.Redirect(http.StatusSeeOther, tokenPath(inv))
}
