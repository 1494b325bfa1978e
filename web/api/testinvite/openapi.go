package testinvite

import (
	_ "embed"
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"
)

//go:embed openapi.json
var openAPIDocument []byte

// Document is the dialect's OpenAPI document as embedded (its server is
// "/"), for tools that check answers against it.
func Document() []byte { return openAPIDocument }

// OpenAPI serves the dialect's OpenAPI 3.1 description, with this
// installation's base URL as its server. It needs no key: it is a manual.
func (h *Handler) OpenAPI(c echo.Context) error {
	var doc map[string]any
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		return err
	}
	doc["servers"] = []map[string]string{{"url": h.URLs.BaseURL()}}
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.JSON(http.StatusOK, doc)
}
