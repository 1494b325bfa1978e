package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
)

func (s *Server) renderAPIKeys(c echo.Context, status int, v views.APIKeysView) error {
	var err error
	if v.Keys, err = s.db.APIKeys(c.Request().Context()); err != nil {
		return err
	}
	if v.Teams, err = s.db.ListTeams(c.Request().Context()); err != nil {
		return err
	}
	// The page may show a fresh secret: keep it out of every cache.
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, status, views.APIKeysPage(s.page(c, "API keys", views.SectionAPIKeys), v))
}

func (s *Server) listAPIKeys(c echo.Context) error {
	return s.renderAPIKeys(c, http.StatusOK, views.APIKeysView{})
}

// createAPIKey answers with the page itself, not a redirect: the key is
// shown this once and must not travel through the session.
func (s *Server) createAPIKey(c echo.Context) error {
	form := views.APIKeysView{Name: c.FormValue("name"), Scope: c.FormValue("scope"), ExpiresAt: c.FormValue("expiresAt"),
		Team: c.FormValue("team"), Errors: store.FieldErrors{}}
	by := currentUser(c).ID
	expires := formTime(form.Errors, "expiresAt", form.ExpiresAt, viewerLocation(c))
	var team *int64
	if form.Team != "" {
		id, err := strconv.ParseInt(form.Team, 10, 64)
		if err != nil {
			form.Errors["team"] = "must be one of the teams"
		}
		team = &id
	}
	if len(form.Errors) > 0 {
		return s.renderAPIKeys(c, http.StatusUnprocessableEntity, form)
	}
	k, err := s.db.CreateAPIKey(c.Request().Context(), store.NewAPIKey{Name: form.Name, Scope: store.KeyScope(form.Scope), ExpiresAt: expires, CreatedBy: &by, TeamID: team})
	if fe, ok := asFieldErrors(err); ok {
		form.Errors = fe
		return s.renderAPIKeys(c, http.StatusUnprocessableEntity, form)
	}
	if err != nil {
		return err
	}
	s.log.Info("api key created", "api_key_id", k.ID, "ak", k.PublicID, "scope", k.Scope, "by", by)
	return s.renderAPIKeys(c, http.StatusCreated, views.APIKeysView{Created: &k})
}

func (s *Server) revokeAPIKey(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	keys, err := s.db.APIKeys(c.Request().Context())
	if err != nil {
		return err
	}
	i := slices.IndexFunc(keys, func(k store.APIKey) bool { return k.ID == id })
	if i < 0 {
		return echo.ErrNotFound
	}
	if asked, err := s.askFirst(c, views.SectionAPIKeys, views.Confirmation{Title: "Revoke this API key?",
		Question: "Integrations that use the key “" + keys[i].Name + "” are refused from now on. This cannot be undone.",
		Confirm:  "Revoke the key", Back: "/settings/api-keys", Danger: true}); asked {
		return err
	}
	if err := s.db.RevokeAPIKey(c.Request().Context(), id); err != nil {
		return err
	}
	s.log.Info("api key revoked", "api_key_id", id, "by", currentUser(c).ID)
	return flashAndRedirect(c, "Key revoked: requests using it are now refused.", "/settings/api-keys")
}
