// Package apihttp holds what every API dialect shares: how a request body
// is read and decoded, how a dialect's error writer is installed for the
// one error handler to use, the API key and actor of a request, and the
// URLs and reports a dialect hands out. A dialect package takes these and
// words everything in its vendor's language.
package apihttp

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/store"
)

// ErrorWriter renders an error in one surface's dialect.
type ErrorWriter func(c echo.Context, status int, message string, fields store.FieldErrors) error

const (
	ctxErrorWriter = "testgate.error-writer"
	ctxAPIKey      = "testgate.api-key"
	ctxTeams       = "testgate.teams"
)

// Dialect installs a dialect's error writer on every request of a route
// group, for the server's one error handler to use.
func Dialect(write ErrorWriter) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Set(ctxErrorWriter, write)
			return next(c)
		}
	}
}

// WriterOf is the error writer of the request's dialect, or nil.
func WriterOf(c echo.Context) ErrorWriter {
	w, _ := c.Get(ctxErrorWriter).(ErrorWriter)
	return w
}

// NotFoundMessage is the generic 404's message, which dialects replace
// with their own words.
const NotFoundMessage = "There is nothing here. It may have been removed, or the address is mistyped."

// SetTeams records which teams' data the request may see (nil: all).
func SetTeams(c echo.Context, ts store.Teams) { c.Set(ctxTeams, ts) }

// Teams is which teams' data the request may see: nil for all (an admin,
// an organisation-wide key).
func Teams(c echo.Context) store.Teams {
	ts, _ := c.Get(ctxTeams).(store.Teams)
	return ts
}

// Key is the API key a request authenticated with, if any.
func Key(c echo.Context) (store.APIKey, bool) {
	k, ok := c.Get(ctxAPIKey).(store.APIKey)
	return k, ok
}

// Authenticated records the API key a request authenticated with, however
// its dialect checked it, and notes the key's use (its "last used").
func Authenticated(c echo.Context, db *store.DB, log *slog.Logger, k store.APIKey) {
	if err := db.TouchAPIKey(c.Request().Context(), k); err != nil {
		log.Warn("recording api key use", "api_key_id", k.ID, "err", err)
	}
	c.Set(ctxAPIKey, k)
}

// Actor names who made an API request, for timelines: "api:<key name>".
func Actor(c echo.Context) string {
	if k, ok := c.Get(ctxAPIKey).(store.APIKey); ok {
		return "api:" + k.Name
	}
	return "api"
}

// PathID reads a positive integer path parameter; anything else is a 404.
func PathID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.NewHTTPError(http.StatusNotFound)
	}
	return id, nil
}

// URLs are the addresses Testgate hands out.
type URLs interface {
	TestURL(store.Invitation) string // the candidate's personal URL
	LinkURL(store.TestLink) string   // a link's shareable URL
	BaseURL() string
}

// Reports hands out and serves the PDF report of an attempt.
type Reports interface {
	// ReportLink is a signed report URL valid for ttl, and its expiry.
	ReportLink(id int64, ttl time.Duration) (string, time.Time)
	// ServePDF writes the attempt's PDF report as the response.
	ServePDF(c echo.Context, id int64) error
}

// ReportLinkTTL is how long a report link handed to an integrator works,
// unless its dialect documents another span.
const ReportLinkTTL = 30 * 24 * time.Hour

// Deps is what a dialect's handler needs.
type Deps struct {
	DB      *store.DB
	URLs    URLs
	Reports Reports
}

// Base is what every dialect's handler holds, embedded: the store, the
// URLs and reports it hands out, and its logger.
type Base struct {
	DB      *store.DB
	URLs    URLs
	Reports Reports
	Log     *slog.Logger
}

// NewBase checks a dialect's collaborators and makes its base.
func NewBase(d Deps, log *slog.Logger) (Base, error) {
	if err := d.Check(); err != nil {
		return Base{}, err
	}
	return Base{DB: d.DB, URLs: d.URLs, Reports: d.Reports, Log: log}, nil
}

// Check reports a missing collaborator: wiring fails at start, not later.
func (d Deps) Check() error {
	if d.DB == nil || d.URLs == nil || d.Reports == nil {
		return errors.New("apihttp: a dialect needs the store, the URLs and the reports")
	}
	return nil
}

// Reaches reports whether the request's teams reach a record of a kind
// ("tests", "invitations", …) named in its body rather than its path; a
// record that does not exist is not reached.
func Reaches(c echo.Context, db *store.DB, kind string, id int64) (bool, error) {
	teams := Teams(c)
	if teams == nil {
		return true, nil
	}
	team, err := db.TeamOf(c.Request().Context(), kind, id)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil && teams.Has(team), err
}

// ServeOpenAPI answers a dialect's OpenAPI document (as embedded, its
// server "/") with base, this installation's URL, as its server. It needs
// no key: it is a manual.
func ServeOpenAPI(c echo.Context, doc []byte, base string) error {
	var d map[string]any
	if err := json.Unmarshal(doc, &d); err != nil {
		return err
	}
	d["servers"] = []map[string]string{{"url": base}}
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.JSON(http.StatusOK, d)
}

// LinkNamed is the link an ATS's candidate is invited through: the test's
// link of that name (its case aside), else (0) the test's default link.
func LinkNamed(c echo.Context, db *store.DB, testID int64, name string) (int64, error) {
	if name == "" {
		return 0, nil
	}
	links, err := db.Links(c.Request().Context(), testID)
	if err != nil {
		return 0, err
	}
	for _, l := range links {
		if strings.EqualFold(l.Name, name) {
			return l.ID, nil
		}
	}
	return 0, nil
}
