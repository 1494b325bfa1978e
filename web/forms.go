package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/store"
)

func asFieldErrors(err error) (store.FieldErrors, bool) {
	var fe store.FieldErrors
	ok := errors.As(err, &fe)
	return fe, ok
}

// pathID reads a positive integer path parameter; anything else is a 404,
// since no such page exists.
func pathID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.NewHTTPError(http.StatusNotFound)
	}
	return id, nil
}

// formInt parses an optional integer form field into dst; an empty field
// leaves dst at def. A malformed value is recorded in fe.
func formInt(fe store.FieldErrors, field, raw string, def int) int {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		fe[field] = "must be a whole number"
		return def
	}
	return n
}

// datetimeLocal is the format of <input type="datetime-local">; the console
// reads and writes these times in the viewer's zone.
const datetimeLocal = "2006-01-02T15:04"

// formTime parses an optional datetime-local field in the viewer's zone.
func formTime(fe store.FieldErrors, field, raw string, loc *time.Location) *time.Time {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil
	}
	for _, layout := range []string{datetimeLocal, "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, raw, loc); err == nil {
			t = t.UTC()
			return &t
		}
	}
	fe[field] = "must be a date and time like 2027-01-31T18:00"
	return nil
}

// formatLocal writes a time for a datetime-local field in the viewer's zone.
func formatLocal(t *time.Time, loc *time.Location) string {
	if t == nil {
		return ""
	}
	return t.In(loc).Format(datetimeLocal)
}

// checked reads an HTML checkbox.
func checked(c echo.Context, name string) bool {
	v := c.FormValue(name)
	return v == "1" || v == "on" || v == "true"
}
