package apihttp

import (
	"errors"
	"net/http"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// Refusals of a request's body, answered in each dialect's shape.
var (
	ErrBodyTooLarge = echo.NewHTTPError(http.StatusRequestEntityTooLarge, "The request body is too large.")
	ErrNotUTF8      = echo.NewHTTPError(http.StatusBadRequest, "The request holds text that is not valid UTF-8.")
)

// TooLarge reports whether a read stopped at the body limit.
func TooLarge(err error) bool {
	var maxErr *http.MaxBytesError
	return errors.As(err, &maxErr)
}

// ValidJSONText reports whether a JSON document is UTF-8 and its \u
// escapes pair every surrogate: encoding/json would quietly turn either
// fault into U+FFFD and the request would store a different text than was
// sent. A backslash only occurs inside JSON strings, so no parse is needed.
func ValidJSONText(b []byte) bool {
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
