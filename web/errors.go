package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
	"testgate/web/api/apihttp"
)

// API groups set their dialect's error writer on the context
// (apihttp.Dialect); the console's HTML page is the default.

// handleError is echo's one error handler: it picks the status, logs what
// was not expected, and lets the surface's dialect render it.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, message, fields := classify(err)
	if status >= 500 {
		s.log.Error("request failed", "method", c.Request().Method, "route", c.Path(), "err", err,
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	}
	write := apihttp.WriterOf(c)
	if write == nil {
		write = s.writeConsoleError
	}
	// A HEAD gets the same answer; net/http sends it without the body.
	if err := write(c, status, message, fields); err != nil {
		s.log.Error("writing error response", "err", err)
	}
}

const notFoundMessage = apihttp.NotFoundMessage

// classify maps an error to a status and a message safe to show.
func classify(err error) (int, string, store.FieldErrors) {
	var he *echo.HTTPError
	var fe store.FieldErrors
	switch {
	case errors.As(err, &fe):
		return http.StatusBadRequest, "The request has invalid fields.", fe
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, notFoundMessage, nil
	case errors.Is(err, store.ErrClosed), errors.Is(err, store.ErrAlreadyStarted), errors.Is(err, store.ErrNotCompleted), errors.Is(err, store.ErrErased):
		return http.StatusConflict, err.Error(), nil
	case errors.Is(err, store.ErrConflict):
		return http.StatusConflict, "That conflicts with the current state; reload and try again.", nil
	case errors.As(err, &he):
		msg, _ := he.Message.(string)
		switch {
		case he.Code == http.StatusNotFound && msg == "Not Found":
			msg = notFoundMessage
		case msg == "" || he.Code >= 500:
			msg = http.StatusText(he.Code)
		}
		return he.Code, msg, nil
	default:
		return http.StatusInternalServerError, "Something went wrong on our side. It has been logged; please try again.", nil
	}
}

var statusTitles = map[int]string{
	http.StatusBadRequest:            "Bad request",
	http.StatusForbidden:             "Not allowed",
	http.StatusNotFound:              "Page not found",
	http.StatusMethodNotAllowed:      "Method not allowed",
	http.StatusConflict:              "Conflict",
	http.StatusRequestEntityTooLarge: "Too large",
	http.StatusTooManyRequests:       "Too many requests",
}

func (s *Server) writeConsoleError(c echo.Context, status int, message string, _ store.FieldErrors) error {
	title, ok := statusTitles[status]
	if !ok {
		title = "Something went wrong"
	}
	return render(c, status, views.ErrorPage(s.page(c, title, ""), status, message))
}
