package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"testgate/store"
)

// The console cookie carries a random session id (looked up in the
// database, so sign-out and disabling a user end it at once), the CSRF
// token, and a one-off flash message. It is signed and encrypted.
const (
	cookieName = "testgate_session"
	sessionTTL = 12 * time.Hour

	keySessionID = "sid"
	keyCSRF      = "csrf"
	keyFlash     = "flash"

	ctxSession = "session"
	ctxUser    = "user"
)

func newCookieStore(key []byte, secure bool) *sessions.CookieStore {
	// Derive separate signing and encryption keys from the one secret.
	hashKey := sha256.Sum256(append([]byte("testgate cookie signing:"), key...))
	blockKey := sha256.Sum256(append([]byte("testgate cookie encryption:"), key...))
	cs := sessions.NewCookieStore(hashKey[:], blockKey[:])
	cs.Options = &sessions.Options{
		Path:     "/",
		MaxAge:   int(sessionTTL.Seconds()),
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteLaxMode,
	}
	return cs
}

// loadSession reads the cookie, makes sure it holds a CSRF token and
// resolves the signed-in user, if any.
func (s *Server) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		// A cookie that fails to decode (old key, tampering) starts afresh.
		sess, _ := s.cookies.Get(c.Request(), cookieName)
		dirty := false
		if tok, _ := sess.Values[keyCSRF].(string); tok == "" {
			sess.Values[keyCSRF] = store.NewToken(32)
			dirty = true
		}
		if sid, _ := sess.Values[keySessionID].(string); sid != "" {
			u, err := s.db.SessionUser(c.Request().Context(), sid)
			switch {
			case err == nil:
				c.Set(ctxUser, &u)
			case errors.Is(err, store.ErrNotFound):
				delete(sess.Values, keySessionID)
				dirty = true
			default:
				return err
			}
		}
		c.Set(ctxSession, sess)
		if dirty {
			if err := sess.Save(c.Request(), c.Response()); err != nil {
				return err
			}
		}
		return next(c)
	}
}

func session(c echo.Context) *sessions.Session {
	sess, _ := c.Get(ctxSession).(*sessions.Session)
	return sess
}

// currentUser is the signed-in user, or nil.
func currentUser(c echo.Context) *store.User {
	u, _ := c.Get(ctxUser).(*store.User)
	return u
}

func csrfToken(c echo.Context) string {
	if sess := session(c); sess != nil {
		tok, _ := sess.Values[keyCSRF].(string)
		return tok
	}
	return ""
}

// errCSRF is what a state-changing request without the session's token gets.
var errCSRF = echo.NewHTTPError(http.StatusForbidden,
	"This form has expired or was sent from another site. Go back, reload the page and try again.")

// checkCSRF requires the session's token on every state-changing request,
// as the _csrf field of the form body or the X-CSRF-Token header (htmx).
func (s *Server) checkCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		want := csrfToken(c)
		got := c.Request().Header.Get("X-CSRF-Token")
		if got == "" {
			// From the form body only (parsed by requireText): a token in
			// the query string would leak through logs and Referer headers.
			got = c.Request().PostFormValue("_csrf")
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			return errCSRF
		}
		return next(c)
	}
}

// requireSetup sends every console request to /setup until the first admin
// exists.
func (s *Server) requireSetup(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.setupDone.Load() {
			return next(c)
		}
		n, err := s.db.CountUsers(c.Request().Context())
		if err != nil {
			return err
		}
		if n > 0 {
			s.setupDone.Store(true)
			return next(c)
		}
		if c.Path() == "/setup" {
			return next(c)
		}
		return redirect(c, "/setup")
	}
}

// requireUser sends anonymous visitors to the sign-in page, remembering
// where they were going.
func (s *Server) requireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if currentUser(c) != nil {
			return next(c)
		}
		target := "/login"
		if r := c.Request(); r.Method == http.MethodGet && r.URL.Path != "/" {
			target += "?next=" + url.QueryEscape(r.URL.RequestURI())
		}
		return redirect(c, target)
	}
}

var errAdminOnly = echo.NewHTTPError(http.StatusForbidden, "Only administrators can manage users and API keys.")

func (s *Server) requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if u := currentUser(c); u == nil || !u.IsAdmin() {
			return errAdminOnly
		}
		return next(c)
	}
}

// signIn starts a new session for the user: a fresh session id and CSRF
// token, so nothing planted before sign-in survives it.
func (s *Server) signIn(c echo.Context, u store.User) error {
	sid, err := s.db.CreateSession(c.Request().Context(), u.ID, sessionTTL)
	if err != nil {
		return err
	}
	sess := session(c)
	sess.Values[keySessionID] = sid
	sess.Values[keyCSRF] = store.NewToken(32)
	c.Set(ctxUser, &u)
	return sess.Save(c.Request(), c.Response())
}

// signOut ends the session in the database and in the cookie.
func (s *Server) signOut(c echo.Context) error {
	sess := session(c)
	if sid, _ := sess.Values[keySessionID].(string); sid != "" {
		if err := s.db.DeleteSession(c.Request().Context(), sid); err != nil {
			return err
		}
	}
	delete(sess.Values, keySessionID)
	sess.Values[keyCSRF] = store.NewToken(32)
	c.Set(ctxUser, nil)
	return sess.Save(c.Request(), c.Response())
}

// setFlash leaves a message for the next page; call before redirecting.
func setFlash(c echo.Context, msg string) error {
	sess := session(c)
	sess.Values[keyFlash] = msg
	return sess.Save(c.Request(), c.Response())
}

// flashAndRedirect leaves a message for the next page and sends the
// browser there: the end of most console changes.
func flashAndRedirect(c echo.Context, msg, to string) error {
	if err := setFlash(c, msg); err != nil {
		return err
	}
	return redirect(c, to)
}

// takeFlash returns and clears the pending message.
func takeFlash(c echo.Context) string {
	sess := session(c)
	if sess == nil {
		return ""
	}
	msg, _ := sess.Values[keyFlash].(string)
	if msg != "" {
		delete(sess.Values, keyFlash)
		sess.Save(c.Request(), c.Response())
	}
	return msg
}

// localPath returns next if it is a path on this site, otherwise "/": a
// sign-in link must not send anyone elsewhere.
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}
