package web

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

// decodeJSON reads one JSON object from the request body into dst. Unknown
// fields and wrong types are reported per field, so an integrator sees every
// typo at once rather than a silently ignored setting.
func decodeJSON(c echo.Context, dst any) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	return decodeJSONBytes(body, dst)
}

func decodeJSONBytes(body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
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
		return store.FieldErrors{typeErr.Field: "must be " + jsonTypeName(typeErr.Type.String())}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return store.FieldErrors{name: "is not a known field"}
	default:
		return echo.NewHTTPError(http.StatusBadRequest, "The request body is not valid JSON.")
	}
}

// jsonTypeName says in JSON terms what a Go type expects.
func jsonTypeName(goType string) string {
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

// readBody reads the whole (size-limited) request body and refuses text
// that is not UTF-8.
func readBody(c echo.Context) ([]byte, error) {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		if tooLarge(err) {
			return nil, errBodyTooLarge
		}
		return nil, echo.NewHTTPError(http.StatusBadRequest, "The request body could not be read.")
	}
	if !validJSONText(body) {
		return nil, errNotUTF8
	}
	return body, nil
}

// objectFields reads the body as a JSON object with its keys lower-cased,
// for dialects that match field names in any case. ok is false when the
// body is not an object.
func objectFields(c echo.Context) (fields map[string]json.RawMessage, ok bool, err error) {
	body, err := readBody(c)
	if err != nil {
		return nil, false, err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil || raw == nil {
		return nil, false, nil
	}
	fields = make(map[string]json.RawMessage, len(raw))
	for k, v := range raw {
		fields[strings.ToLower(k)] = v
	}
	return fields, true, nil
}
