package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
)

// Settings → Integrations: the ATSs that call Testgate as an assessment
// partner. An admin switches one on, names the link its candidates go
// through, and makes the key it calls with; Testgate keeps that key sealed
// to call the ATS back with.

// greenhouseEndpoints are the URLs Greenhouse is given, in its order.
var greenhouseEndpoints = []string{"list_tests", "send_test", "test_status", "response_error"}

func (s *Server) integrationsView(c echo.Context) (views.IntegrationsView, error) {
	ctx := c.Request().Context()
	var v views.IntegrationsView
	var err error
	if v.Greenhouse, err = s.db.ATSIntegration(ctx, store.ATSGreenhouse); err != nil {
		return v, err
	}
	if v.Teams, err = s.db.ListTeams(ctx); err != nil {
		return v, err
	}
	keys, err := s.db.APIKeys(ctx)
	if err != nil {
		return v, err
	}
	if i := slices.IndexFunc(keys, func(k store.APIKey) bool { return k.ID == v.Greenhouse.KeyID && k.RevokedAt == nil }); i >= 0 {
		v.GreenhouseKey = &keys[i]
	}
	for _, name := range greenhouseEndpoints {
		v.Endpoints = append(v.Endpoints, views.ATSEndpoint{Name: name, URL: s.cfg.BaseURL + "/api/greenhouse/" + name})
	}
	return v, nil
}

// integrationsPage: GET /settings/integrations.
func (s *Server) integrationsPage(c echo.Context) error {
	v, err := s.integrationsView(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.IntegrationsPage(s.page(c, "Integrations", views.SectionIntegrations), v))
}

// saveGreenhouse: POST /settings/integrations/greenhouse {enabled, linkName}.
func (s *Server) saveGreenhouse(c echo.Context) error {
	ctx := c.Request().Context()
	a, err := s.db.ATSIntegration(ctx, store.ATSGreenhouse)
	if err != nil {
		return err
	}
	a.Enabled, a.LinkName = checked(c, "enabled"), c.FormValue("linkName")
	if fe, bad := asFieldErrors(s.db.SaveATSIntegration(ctx, a)); bad {
		v, err := s.integrationsView(c)
		if err != nil {
			return err
		}
		v.Greenhouse.Enabled, v.Greenhouse.LinkName, v.Errors = a.Enabled, a.LinkName, fe
		return render(c, http.StatusUnprocessableEntity, views.IntegrationsPage(s.page(c, "Integrations", views.SectionIntegrations), v))
	}
	msg := "Greenhouse is switched off: its calls are refused."
	if a.Enabled {
		msg = "Greenhouse may call Testgate."
	}
	return flashAndRedirect(c, msg, "/settings/integrations#greenhouse")
}

// makeGreenhouseKey: POST /settings/integrations/greenhouse/key {team}
// makes an invite-scope key for Greenhouse, shows it once and keeps it
// sealed as the credential of Greenhouse's callbacks.
func (s *Server) makeGreenhouseKey(c echo.Context) error {
	ctx := c.Request().Context()
	var team *int64
	if raw := c.FormValue("team"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return store.FieldErrors{"team": "must be one of the teams"}
		}
		team = &id
	}
	by := currentUser(c).ID
	k, err := s.db.CreateAPIKey(ctx, store.NewAPIKey{Name: "Greenhouse", Scope: store.ScopeInvite, CreatedBy: &by, TeamID: team})
	if fe, bad := asFieldErrors(err); bad {
		v, verr := s.integrationsView(c)
		if verr != nil {
			return verr
		}
		v.Errors = fe
		return render(c, http.StatusUnprocessableEntity, views.IntegrationsPage(s.page(c, "Integrations", views.SectionIntegrations), v))
	}
	if err != nil {
		return err
	}
	a, err := s.db.ATSIntegration(ctx, store.ATSGreenhouse)
	if err != nil {
		return err
	}
	if a.Credential, err = s.sealer().Seal(k.Key); err != nil {
		return err
	}
	a.KeyID = k.ID
	if err := s.db.SaveATSIntegration(ctx, a); err != nil {
		return err
	}
	s.log.Info("greenhouse key made", "api_key_id", k.ID, "by", by)
	v, err := s.integrationsView(c)
	if err != nil {
		return err
	}
	v.Created = &k
	return render(c, http.StatusCreated, views.IntegrationsPage(s.page(c, "Integrations", views.SectionIntegrations), v))
}
