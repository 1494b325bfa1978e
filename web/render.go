package web

import (
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"testgate/views"
)

// render writes a templ component with the given status, through a buffer
// so that a rendering error still becomes a proper error page.
func render(c echo.Context, status int, comp templ.Component) error {
	buf := templ.GetBuffer()
	defer templ.ReleaseBuffer(buf)
	if err := comp.Render(c.Request().Context(), buf); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// page is the layout state for a console page.
func (s *Server) page(c echo.Context, title, section string) views.ConsolePage {
	return views.ConsolePage{
		PageBase:   views.PageBase{Title: title, CSRF: csrfToken(c), Assets: s.viewAssets(), Loc: viewerLocation(c)},
		User:       currentUser(c),
		Section:    section,
		Flash:      takeFlash(c),
		DevMailbox: s.cfg.DevMailbox,
	}
}

// redirect answers a form post or a plain GET with 303 See Other; htmx
// requests get HX-Redirect so the whole page moves, not a fragment.
func redirect(c echo.Context, to string) error {
	if isHTMX(c) {
		c.Response().Header().Set("HX-Redirect", to)
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// isHTMX reports whether htmx sent the request (and wants a fragment).
func isHTMX(c echo.Context) bool {
	h := c.Request().Header
	return h.Get("HX-Request") == "true" && h.Get("HX-History-Restore-Request") != "true"
}
