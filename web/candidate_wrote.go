package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/store"
)

// On PostgreSQL another process's write reaches this process's cached
// candidate page a notice's delay later. Behind a proxy that spreads a
// candidate's requests, the page after their own start could be that
// moment old and offer the start again. So a candidate's write answers
// with a short-lived cookie naming the invitation's time after it, and a
// page that has not caught up with it is read from the database.

// wroteCookie names the cookie of an invitation's last write seen by the
// candidate's browser.
func wroteCookie(inv store.Invitation) string { return "tg_wrote_" + strconv.FormatInt(inv.ID, 10) }

// wroteFor is how long the cookie lasts: far beyond any notice's delay.
const wroteFor = time.Minute

// noteWrite gives the candidate the cookie of the write that made inv
// (PostgreSQL only: SQLite's cache is never behind).
func (s *Server) noteWrite(c echo.Context, inv store.Invitation) {
	if !s.db.Postgres() || inv.UpdatedAt.IsZero() {
		return
	}
	c.SetCookie(&http.Cookie{
		Name: wroteCookie(inv), Value: strconv.FormatInt(inv.UpdatedAt.UnixMilli(), 10), Path: tokenPath(inv),
		MaxAge: int(wroteFor.Seconds()), HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: strings.HasPrefix(s.cfg.BaseURL, "https://"),
	})
}

// behindTheirWrite reports whether a cached page is older than the last
// write the candidate's browser saw.
func behindTheirWrite(c echo.Context, inv store.Invitation) bool {
	cookie, err := c.Cookie(wroteCookie(inv))
	if err != nil {
		return false
	}
	at, err := strconv.ParseInt(cookie.Value, 10, 64)
	return err == nil && inv.UpdatedAt.UnixMilli() < at
}
