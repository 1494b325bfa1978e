package web

import (
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"testgate/web/api/apihttp"
)

// Every surface reads its request the same way before a handler sees it:
// a body within the surface's limit (413 however it is sent, with a length
// or in chunks), and text that is UTF-8. Errors are returned, so each
// surface answers them in its own dialect.

var errBadForm = echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")

// bodyLimit refuses a body over limit bytes: at once when its declared
// length says so, and as the handler reads past the limit otherwise
// (chunked), through http.MaxBytesReader, whose error apihttp.ReadBody and
// requireText turn into apihttp.ErrBodyTooLarge. skip, if set, exempts requests.
func bodyLimit(limit int64, skip func(echo.Context) bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if skip != nil && skip(c) {
				return next(c)
			}
			req := c.Request()
			if req.ContentLength > limit {
				return apihttp.ErrBodyTooLarge
			}
			req.Body = http.MaxBytesReader(c.Response(), req.Body, limit)
			return next(c)
		}
	}
}

// maxFormMemory is how much of a multipart form is kept in memory; every
// body limit is below it, so nothing goes to temporary files.
const maxFormMemory = 32 << 20

// requireText refuses a query string or form whose text is not UTF-8
// (net/url and the form parser keep such bytes as they are, and a store
// would keep them as U+FFFD), and reads forms once, here, so that a form
// over the body limit is a 413 rather than a form that looks empty. JSON
// bodies are checked as they are read (apihttp.ReadBody).
func requireText(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if !validQuery(req.URL.RawQuery) {
			return apihttp.ErrNotUTF8
		}
		if err := parseForm(req); err != nil {
			return err
		}
		if !validValues(req.PostForm) {
			return apihttp.ErrNotUTF8
		}
		return next(c)
	}
}

// requireAPIText refuses an API request whose query string is not UTF-8.
// The API reads its body as JSON whatever the Content-Type says (curl's
// -d sends a form's), and ReadBody checks that text, so the body is never
// parsed as a form here: that would leave the JSON unread.
func requireAPIText(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !validQuery(c.Request().URL.RawQuery) {
			return apihttp.ErrNotUTF8
		}
		return next(c)
	}
}

// parseForm reads a form body, if the request has one. (ParseMultipartForm
// would drop ParseForm's error for a URL-encoded body, an overrun
// included, so each kind is parsed by its own call.)
func parseForm(req *http.Request) error {
	if req.Method == http.MethodGet || req.Method == http.MethodHead {
		return nil
	}
	var err error
	switch mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType)); mt {
	case echo.MIMEApplicationForm:
		err = req.ParseForm()
	case echo.MIMEMultipartForm:
		err = req.ParseMultipartForm(maxFormMemory)
	}
	switch {
	case err == nil:
		return nil
	case apihttp.TooLarge(err):
		return apihttp.ErrBodyTooLarge
	default:
		return errBadForm
	}
}

func validQuery(raw string) bool {
	if !strings.Contains(raw, "%") {
		return utf8.ValidString(raw)
	}
	values, err := url.ParseQuery(raw)
	return err == nil && validValues(values)
}

func validValues(values url.Values) bool {
	for k, vs := range values {
		if !utf8.ValidString(k) {
			return false
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return false
			}
		}
	}
	return true
}
