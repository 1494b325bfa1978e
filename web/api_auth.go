package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"testgate/store"
)

const ctxAPIKey = "api-key"

// presentedKey reads an API key from X-API-Key (any case: Go canonicalises
// header names) or Authorization: Bearer.
func presentedKey(r *http.Request) string {
	if k := strings.TrimSpace(r.Header.Get("X-API-Key")); k != "" {
		return k
	}
	scheme, token, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if ok && strings.EqualFold(scheme, "Bearer") {
		return strings.TrimSpace(token)
	}
	return ""
}

var (
	errNoAPIKey = echo.NewHTTPError(http.StatusUnauthorized,
		"An API key is required: send it in the X-API-Key header or as Authorization: Bearer <key>.")
	errBadAPIKey = echo.NewHTTPError(http.StatusUnauthorized, "The API key is not valid or has been revoked.")
)

// requireAPIKey authenticates API requests by key.
func (s *Server) requireAPIKey(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		key := presentedKey(c.Request())
		if key == "" {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="testgate"`)
			return errNoAPIKey
		}
		k, err := s.db.APIKeyBySecret(c.Request().Context(), key)
		if errors.Is(err, store.ErrNotFound) {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="testgate", error="invalid_token"`)
			return errBadAPIKey
		}
		if err != nil {
			return err
		}
		if err := s.db.TouchAPIKey(c.Request().Context(), k); err != nil {
			s.log.Warn("recording api key use", "api_key_id", k.ID, "err", err)
		}
		c.Set(ctxAPIKey, k)
		return next(c)
	}
}
