package apihttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"testgate/store"
)

// DecodeJSON reads one JSON object from the request body into dst. Unknown
// fields and wrong types are reported per field, so an integrator sees every
// typo at once rather than a silently ignored setting.
func DecodeJSON(c echo.Context, dst any) error {
	body, err := ReadBody(c)
	if err != nil {
		return err
	}
	return DecodeJSONBytes(body, dst)
}

func DecodeJSONBytes(body []byte, dst any) error {
	if trimmed := bytes.TrimSpace(body); len(trimmed) == 0 || string(trimmed) == "null" { // null decodes as nothing at all
		return echo.NewHTTPError(http.StatusBadRequest, "The request body must be a JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			return echo.NewHTTPError(http.StatusBadRequest, "The request body must hold a single JSON object.")
		}
		return nil
	}
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntaxErr):
		return echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("The request body is not valid JSON (at byte %d).", syntaxErr.Offset))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return echo.NewHTTPError(http.StatusBadRequest, "The request body is not valid JSON (it ends too early).")
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return echo.NewHTTPError(http.StatusBadRequest, "The request body must be a JSON object.")
		}
		return store.FieldErrors{typeErr.Field: "must be " + JSONTypeName(typeErr.Type.String())}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return store.FieldErrors{name: "is not a known field"}
	default:
		return echo.NewHTTPError(http.StatusBadRequest, "The request body is not valid JSON.")
	}
}

// JSONTypeName says in JSON terms what a Go type expects.
func JSONTypeName(goType string) string {
	goType = strings.TrimPrefix(goType, "*")
	switch {
	case goType == "string":
		return "a string"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"):
		return "a whole number"
	case strings.HasPrefix(goType, "float"):
		return "a number"
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	default:
		return "an object"
	}
}

// ReadBody reads the whole (size-limited) request body and refuses text
// that is not UTF-8.
func ReadBody(c echo.Context) ([]byte, error) {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		if TooLarge(err) {
			return nil, ErrBodyTooLarge
		}
		return nil, echo.NewHTTPError(http.StatusBadRequest, "The request body could not be read.")
	}
	if !ValidJSONText(body) {
		return nil, ErrNotUTF8
	}
	return body, nil
}

// ObjectFields reads the body as a JSON object with its keys lower-cased,
// for dialects that match field names in any case. ok is false when the
// body is not an object.
func ObjectFields(c echo.Context) (fields map[string]json.RawMessage, ok bool, err error) {
	body, err := ReadBody(c)
	if err != nil {
		return nil, false, err
	}
	fields, ok = DecodeFields(body)
	return fields, ok, nil
}

// DecodeFields reads a JSON object with its keys lower-cased (ok=false:
// the body is not one), for the dialects whose field names are
// case-insensitive.
func DecodeFields(body []byte) (fields map[string]json.RawMessage, ok bool) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil || raw == nil {
		return nil, false
	}
	return LowerKeys(raw), true
}

// LowerKeys is the object with its keys lower-cased.
func LowerKeys(raw map[string]json.RawMessage) map[string]json.RawMessage {
	fields := make(map[string]json.RawMessage, len(raw))
	for k, v := range raw {
		fields[strings.ToLower(k)] = v
	}
	return fields
}
