package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// guardedRoutes are the routes that name a record of a team in their path:
// the route's prefix, the kind of record and the parameter holding its id.
// A route below a prefix is guarded by it ("/tests/:id/links/new").
var guardedRoutes = []struct{ prefix, kind, param string }{
	{"/tests/:id", "tests", "id"},
	{"/links/:id", "links", "id"},
	{"/invitations/:id", "invitations", "id"},
	{"/imports/:id", "imports", "id"},
	{"/outbox/:id", "outbox", "id"},
	{"/deliveries/:id", "deliveries", "id"},
	{"/api/native/tests/:id", "tests", "id"},
	{"/api/native/links/:id", "links", "id"},
	{"/api/native/invitations/:id", "invitations", "id"},
	{"/v3/tests/:testId", "tests", "testId"},
	{"/v3/invitations/:id", "invitations", "id"},
	{"/v3/reports/:id", "invitations", "id"},
	{"/api/integration/rest/v1/tasks/:taskId", "tests", "taskId"},
	{"/assessments/report/:report_id", "invitations", "report_id"},
	{"/assessments/reports/:report_id", "invitations", "report_id"},
	{"/api/v2/assessments/report/:report_id", "invitations", "report_id"},
	{"/api/v2/assessments/reports/:report_id", "invitations", "report_id"},
	{"/ai-interviews/report/:response_id", "invitations", "response_id"},
	{"/api/v2/ai-interviews/report/:response_id", "invitations", "response_id"},
	{"/ai-interviews/invited/:ai_interview_id", "tests", "ai_interview_id"},
	{"/api/v2/ai-interviews/invited/:ai_interview_id", "tests", "ai_interview_id"},
}

// guardedFilters are the query parameters that name a team's record in
// the lists that filter by them: a filter naming another team's test or
// link answers 404 as its page would (and an export would otherwise head
// its columns with that test's questions).
var guardedFilters = map[string][]struct{ param, kind string }{
	"/invitations":     {{"test", "tests"}, {"link", "links"}},
	"/invitations.csv": {{"test", "tests"}, {"link", "links"}},
}

// guardedRecord finds the record a route names, if any.
func guardedRecord(route string) (kind, param string, ok bool) {
	for _, g := range guardedRoutes {
		if route == g.prefix || strings.HasPrefix(route, g.prefix+"/") {
			return g.kind, g.param, true
		}
	}
	return "", "", false
}

// teamScope holds a request to its teams: it records which teams' data the
// request may see (an admin and an organisation-wide key: all; a
// recruiter: their teams; a team's key: that team), and answers 404 — the
// same as for a record that does not exist — to a route naming a record
// of another team. Lists and searches read the recorded teams.
func (s *Server) teamScope(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		var teams store.Teams
		if u := currentUser(c); u != nil && !u.IsAdmin() {
			var err error
			if teams, err = s.db.UserTeams(ctx, u.ID); err != nil {
				return err
			}
		} else if k, ok := apihttp.Key(c); ok {
			teams = k.Teams()
		}
		apihttp.SetTeams(c, teams)
		if teams == nil {
			return next(c)
		}
		if kind, param, ok := guardedRecord(c.Path()); ok {
			if err := s.inTeams(c, teams, kind, c.Param(param), false); err != nil {
				return err
			}
		}
		for _, f := range guardedFilters[c.Path()] {
			if err := s.inTeams(c, teams, f.kind, c.QueryParam(f.param), true); err != nil {
				return err
			}
		}
		return next(c)
	}
}

// inTeams answers 404 when raw is the id of a record of kind outside
// teams; a record that does not exist is the handler's to answer, or, for
// a filter (missingToo), 404 as well, so that an id tells nothing.
func (s *Server) inTeams(c echo.Context, teams store.Teams, kind, raw string, missingToo bool) error {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id == 0 {
		return nil
	}
	team, err := s.db.TeamOf(c.Request().Context(), kind, id)
	switch {
	case errors.Is(err, store.ErrNotFound) && !missingToo:
		return nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return err
	case err != nil || !teams.Has(team):
		return echo.NewHTTPError(http.StatusNotFound, notFoundMessage)
	}
	return nil
}

// viewerTeams is what the request may see (see teamScope).
func viewerTeams(c echo.Context) store.Teams { return apihttp.Teams(c) }

// teamChoices are the teams a viewer may put a test in: an admin any, a
// recruiter their own.
func (s *Server) teamChoices(c echo.Context) ([]store.Team, error) {
	all, err := s.db.ListTeams(c.Request().Context())
	if err != nil {
		return nil, err
	}
	mine := viewerTeams(c)
	out := all[:0:0]
	for _, t := range all {
		if mine.Has(t.ID) {
			out = append(out, t)
		}
	}
	return out, nil
}

// errNoSuchTeam refuses a team the viewer may not choose.
var errNoSuchTeam = errors.New("must be one of your teams")

// chosenTeam is the team picked in a form among the choices: the only one
// when the form offered none, an error for one not offered.
func chosenTeam(choices []store.Team, raw string) (int64, error) {
	if raw == "" && len(choices) > 0 {
		return choices[0].ID, nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	for _, t := range choices {
		if err == nil && t.ID == id {
			return id, nil
		}
	}
	return 0, errNoSuchTeam
}
