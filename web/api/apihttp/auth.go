package apihttp

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"testgate/store"
)

// presentedKey reads an API key from X-API-Key (any case: Go canonicalises
// header names), Authorization: Bearer, or HTTP Basic with the key as the
// user name (Greenhouse's way).
func presentedKey(r *http.Request) string {
	if k := strings.TrimSpace(r.Header.Get("X-API-Key")); k != "" {
		return k
	}
	if user, _, ok := r.BasicAuth(); ok {
		return strings.TrimSpace(user)
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
	errBadAPIKey = echo.NewHTTPError(http.StatusUnauthorized, "The API key is not valid, has expired or has been revoked.")
)

// RequireKey authenticates API requests by key (X-API-Key or Bearer), and
// notes the key's use.
func RequireKey(db *store.DB, log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			key := presentedKey(c.Request())
			if key == "" {
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="testgate"`)
				return errNoAPIKey
			}
			k, err := db.APIKeyBySecret(c.Request().Context(), key)
			if errors.Is(err, store.ErrNotFound) {
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="testgate", error="invalid_token"`)
				return errBadAPIKey
			}
			if err != nil {
				return err
			}
			Authenticated(c, db, log, k)
			return next(c)
		}
	}
}

// Needs refuses a request whose key's scope does not reach scope: 403 in
// the dialect's shape, naming what the key may do.
func Needs(scope store.KeyScope) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if err := RequireScope(c, scope); err != nil {
				return err
			}
			return next(c)
		}
	}
}

// RequireScope refuses, as Needs does, a request whose key's scope does
// not reach scope: for what only some bodies of a route do.
func RequireScope(c echo.Context, scope store.KeyScope) error {
	k, ok := c.Get(ctxAPIKey).(store.APIKey)
	if !ok || !k.Scope.Reaches(scope) {
		return echo.NewHTTPError(http.StatusForbidden, scopeRefusal(k.Scope))
	}
	return nil
}

func scopeRefusal(has store.KeyScope) string {
	switch has {
	case store.ScopeRead:
		return "This API key may only read: ask for a key with the invite or full scope."
	case store.ScopeInvite:
		return "This API key may only invite, cancel and read: ask for a key with the full scope."
	}
	return "This API key may not do this."
}
