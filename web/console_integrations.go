package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
	"testgate/web/api/ashby"
	"testgate/web/api/callbacks"
)

// Settings → Integrations: the ATSs that call Testgate as an assessment
// partner. For each, an admin switches it on, names the link its
// candidates go through, and makes the key it calls with; for Greenhouse
// Testgate keeps that key sealed to PATCH Greenhouse back with, for Ashby
// the admin keeps an Ashby API key (and may test it).

// atsSpec is what the page knows of an ATS.
type atsSpec struct {
	name      string
	prefix    string   // where its calls are served
	endpoints []string // what its admin is given, in its order ("": the base URL)
	callsBack bool     // Testgate calls it with a key an admin keeps
	publicAPI string
}

var atsSpecs = map[string]atsSpec{
	store.ATSGreenhouse: {name: "Greenhouse", prefix: "/api/greenhouse/", endpoints: greenhouseEndpoints},
	store.ATSAshby:      {name: "Ashby", prefix: "/api/ashby", endpoints: []string{""}, callsBack: true, publicAPI: ashby.PublicAPI},
}

// atsOrder is the page's order.
var atsOrder = []string{store.ATSGreenhouse, store.ATSAshby}

// greenhouseEndpoints are the URLs Greenhouse is given, in its order.
var greenhouseEndpoints = []string{"list_tests", "send_test", "test_status", "response_error"}

// atsCard loads one ATS's card.
func (s *Server) atsCard(c echo.Context, ats string, keys []store.APIKey) (views.ATSCard, error) {
	spec := atsSpecs[ats]
	card := views.ATSCard{ATS: ats, Name: spec.name, CallsBack: spec.callsBack, PublicAPI: spec.publicAPI}
	var err error
	if card.Integration, err = s.db.ATSIntegration(c.Request().Context(), ats); err != nil {
		return card, err
	}
	if i := slices.IndexFunc(keys, func(k store.APIKey) bool { return k.ID == card.Integration.KeyID && k.RevokedAt == nil }); i >= 0 {
		card.Key = &keys[i]
	}
	for _, name := range spec.endpoints {
		label := name
		if label == "" {
			label = "base URL"
		}
		card.Endpoints = append(card.Endpoints, views.ATSEndpoint{Name: label, URL: s.cfg.BaseURL + spec.prefix + name})
	}
	return card, nil
}

func (s *Server) integrationsView(c echo.Context) (views.IntegrationsView, error) {
	ctx := c.Request().Context()
	var v views.IntegrationsView
	var err error
	if v.Teams, err = s.db.ListTeams(ctx); err != nil {
		return v, err
	}
	keys, err := s.db.APIKeys(ctx)
	if err != nil {
		return v, err
	}
	for _, ats := range atsOrder {
		card, err := s.atsCard(c, ats, keys)
		if err != nil {
			return v, err
		}
		v.Cards = append(v.Cards, card)
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

// atsPath reads the ATS in the path; an unknown one is a 404.
func atsPath(c echo.Context) (string, error) {
	ats := c.Param("ats")
	if _, ok := atsSpecs[ats]; !ok {
		return "", echo.ErrNotFound
	}
	return ats, nil
}

// renderATS shows an ATS's page, changed by edit (a refusal's errors, a key
// just made).
func (s *Server) renderATS(c echo.Context, status int, ats string, edit func(*views.ATSCard)) error {
	v, err := s.integrationsView(c)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(v.Cards, func(card views.ATSCard) bool { return card.ATS == ats })
	if edit != nil {
		edit(&v.Cards[i])
	}
	return render(c, status, views.ATSPage(s.page(c, v.Cards[i].Name, views.SectionIntegrations), v, v.Cards[i]))
}

// atsPage: GET /settings/integrations/{ats}.
func (s *Server) atsPage(c echo.Context) error {
	ats, err := atsPath(c)
	if err != nil {
		return err
	}
	return s.renderATS(c, http.StatusOK, ats, nil)
}

// saveATS: POST /settings/integrations/{ats} {enabled, linkName, baseUrl}.
func (s *Server) saveATS(c echo.Context) error {
	ats, err := atsPath(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	a, err := s.db.ATSIntegration(ctx, ats)
	if err != nil {
		return err
	}
	a.Enabled, a.LinkName = checked(c, "enabled"), c.FormValue("linkName")
	if atsSpecs[ats].callsBack {
		a.BaseURL = c.FormValue("baseUrl")
	}
	if fe, bad := asFieldErrors(s.db.SaveATSIntegration(ctx, a)); bad {
		return s.renderATS(c, http.StatusUnprocessableEntity, ats, func(card *views.ATSCard) { card.Integration, card.Errors = a, fe })
	}
	msg := atsSpecs[ats].name + " is switched off: its calls are refused."
	if a.Enabled {
		msg = atsSpecs[ats].name + " may call Testgate."
	}
	return flashAndRedirect(c, msg, "/settings/integrations/"+ats)
}

// makeATSKey: POST /settings/integrations/{ats}/key {team} makes an
// invite-scope key for the ATS and shows it once; Greenhouse's is kept
// sealed as the credential of its callbacks too.
func (s *Server) makeATSKey(c echo.Context) error {
	ats, err := atsPath(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	var team *int64
	if raw := c.FormValue("team"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return s.renderATS(c, http.StatusUnprocessableEntity, ats, func(card *views.ATSCard) {
				card.Errors = store.FieldErrors{"team": "must be one of the teams"}
			})
		}
		team = &id
	}
	by := currentUser(c).ID
	k, err := s.db.CreateAPIKey(ctx, store.NewAPIKey{Name: atsSpecs[ats].name, Scope: store.ScopeInvite, CreatedBy: &by, TeamID: team})
	if fe, bad := asFieldErrors(err); bad {
		return s.renderATS(c, http.StatusUnprocessableEntity, ats, func(card *views.ATSCard) { card.Errors = fe })
	}
	if err != nil {
		return err
	}
	a, err := s.db.ATSIntegration(ctx, ats)
	if err != nil {
		return err
	}
	if ats == store.ATSGreenhouse { // Greenhouse's PATCH carries Greenhouse's own key
		if a.Credential, err = s.sealer().Seal(k.Key); err != nil {
			return err
		}
	}
	a.KeyID = k.ID
	if err := s.db.SaveATSIntegration(ctx, a); err != nil {
		return err
	}
	s.log.Info("ats key made", "ats", ats, "api_key_id", k.ID, "by", by)
	return s.renderATS(c, http.StatusCreated, ats, func(card *views.ATSCard) { card.Created = &k })
}

// keepATSCredential: POST /settings/integrations/{ats}/credential {apiKey}
// keeps, sealed, the key Testgate calls the ATS with (Ashby's API key).
func (s *Server) keepATSCredential(c echo.Context) error {
	ats, err := atsPath(c)
	if err != nil {
		return err
	}
	if !atsSpecs[ats].callsBack {
		return echo.ErrNotFound
	}
	key := c.FormValue("apiKey")
	if key == "" || len(key) > 500 || store.HasUnsafeChars(key) {
		return s.renderATS(c, http.StatusUnprocessableEntity, ats, func(card *views.ATSCard) {
			card.Errors = store.FieldErrors{"apiKey": "must be the API key, on one line"}
		})
	}
	ctx := c.Request().Context()
	a, err := s.db.ATSIntegration(ctx, ats)
	if err != nil {
		return err
	}
	if a.Credential, err = s.sealer().Seal(key); err != nil {
		return err
	}
	if err := s.db.SaveATSIntegration(ctx, a); err != nil {
		return err
	}
	return flashAndRedirect(c, "The "+atsSpecs[ats].name+" API key is kept.", "/settings/integrations/"+ats)
}

// testATS: POST /settings/integrations/{ats}/test calls the ATS with the
// kept key (Ashby's apiKey.info) and says what came back.
func (s *Server) testATS(c echo.Context) error {
	ats, err := atsPath(c)
	if err != nil {
		return err
	}
	if ats != store.ATSAshby {
		return echo.ErrNotFound
	}
	title, err := ashby.TestConnection(c.Request().Context(), s.db, s.sealer(), callbacks.NewClient(s.cfg.AllowPrivateCallbacks))
	if err != nil {
		return s.renderATS(c, http.StatusBadGateway, ats, func(card *views.ATSCard) { card.Problem = "The connection failed. " + err.Error() })
	}
	return flashAndRedirect(c, "Ashby answered: the key “"+title+"” works.", "/settings/integrations/"+ats)
}
