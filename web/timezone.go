package web

import (
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// The browser reports its time zone in the "tz" cookie (static/app.js);
// without it, or with a name Go does not know, times are shown in UTC.
const tzCookie = "tz"

var zoneCache sync.Map // name → *time.Location

// viewerLocation is the time zone the console shows times in.
func viewerLocation(c echo.Context) *time.Location {
	ck, err := c.Cookie(tzCookie)
	if err != nil {
		return time.UTC
	}
	name, err := url.QueryUnescape(ck.Value)
	if err != nil {
		return time.UTC
	}
	return loadZone(name)
}

func loadZone(name string) *time.Location {
	if name == "" || len(name) > 64 || strings.Contains(name, "..") || strings.ContainsAny(name, " \\") {
		return time.UTC
	}
	if loc, ok := zoneCache.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		return time.UTC
	}
	zoneCache.Store(name, loc)
	return loc
}
