package web

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// Every surface reads its request the same way before a handler sees it:
// a body within the surface's limit (413 however it is sent, with a length
// or in chunks), and text that is UTF-8. Errors are returned, so each
// surface answers them in its own dialect.

var (
	errBodyTooLarge = echo.NewHTTPError(http.StatusRequestEntityTooLarge, "The request body is too large.")
	errNotUTF8      = echo.NewHTTPError(http.StatusBadRequest, "The request holds text that is not valid UTF-8.")
	errBadForm      = echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
)

// bodyLimit refuses a body over limit bytes: at once when its declared
// length says so, and as the handler reads past the limit otherwise
// (chunked), through http.MaxBytesReader, whose error readBody and
// requireText turn into errBodyTooLarge. skip, if set, exempts requests.
func bodyLimit(limit int64, skip func(echo.Context) bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if skip != nil && skip(c) {
				return next(c)
			}
			req := c.Request()
			if req.ContentLength > limit {
				return errBodyTooLarge
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
// bodies are checked as they are read (readBody).
func requireText(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if !validQuery(req.URL.RawQuery) {
			return errNotUTF8
		}
		if err := parseForm(req); err != nil {
			return err
		}
		if !validValues(req.PostForm) {
			return errNotUTF8
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
	case tooLarge(err):
		return errBodyTooLarge
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

func tooLarge(err error) bool {
	var maxErr *http.MaxBytesError
	return errors.As(err, &maxErr)
}

// validJSONText reports whether a JSON document is UTF-8 and its \u
// escapes pair every surrogate: encoding/json would quietly turn either
// fault into U+FFFD and the request would store a different text than was
// sent. A backslash only occurs inside JSON strings, so no parse is needed.
func validJSONText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		i++
		if i >= len(b) || b[i] != 'u' {
			continue // any other escape, or \\ itself, is one character
		}
		r, ok := hex4(b[i+1:])
		if !ok {
			continue // the decoder reports a bad escape
		}
		i += 4
		switch {
		case 0xDC00 <= r && r <= 0xDFFF:
			return false
		case 0xD800 <= r && r <= 0xDBFF:
			if i+6 >= len(b) || b[i+1] != '\\' || b[i+2] != 'u' {
				return false
			}
			low, ok := hex4(b[i+3:])
			if !ok || low < 0xDC00 || low > 0xDFFF {
				return false
			}
			i += 6
		}
	}
	return true
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
