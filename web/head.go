package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// HEAD answers on every GET route as GET would, without a body: link
// checkers, uptime monitors and mail clients' link previews send it. The
// router knows GET routes only, so a HEAD is routed as a GET and then is
// a HEAD again for the handlers (the candidate's page changes nothing for
// one) and for net/http, which sends no body.

const ctxHead = "testgate.head"

// routeHeadAsGet, before routing, has a HEAD routed as a GET.
func routeHeadAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if r := c.Request(); r.Method == http.MethodHead {
			r.Method = http.MethodGet
			c.Set(ctxHead, true)
		}
		return next(c)
	}
}

// headAgain, once routed, makes the request a HEAD again.
func headAgain(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if head, _ := c.Get(ctxHead).(bool); head {
			c.Request().Method = http.MethodHead
		}
		return next(c)
	}
}
