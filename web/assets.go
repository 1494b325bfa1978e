package web

import (
	"mime"
	"net/http"
	"path"

	"github.com/labstack/echo/v4"

	"testgate/views"
)

// assetURL is the fingerprinted URL of an embedded file: the version query
// changes with the content, so browsers may cache it for good.
func (s *Server) assetURL(name string) string {
	return "/static/" + name + "?v=" + s.assets[name].Version
}

func (s *Server) viewAssets() views.Assets {
	return views.Assets{CSS: s.assetURL("app.css"), JS: s.assetURL("app.js"), HTMX: s.assetURL("htmx.min.js"), Icon: s.assetURL("favicon.svg"),
		Candidate: s.assetURL("candidate.js")}
}

// serveAsset serves an embedded file: immutable for a year when the request
// names the current version, otherwise revalidated by ETag.
func (s *Server) serveAsset(c echo.Context) error {
	a, ok := s.assets[c.Param("name")]
	if !ok {
		return echo.ErrNotFound
	}
	h := c.Response().Header()
	etag := `"` + a.Version + `"`
	h.Set("ETag", etag)
	if c.QueryParam("v") == a.Version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, no-cache")
	}
	if c.Request().Header.Get("If-None-Match") == etag {
		return c.NoContent(http.StatusNotModified)
	}
	ctype := mime.TypeByExtension(path.Ext(a.Name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	return c.Blob(http.StatusOK, ctype, a.Body)
}
