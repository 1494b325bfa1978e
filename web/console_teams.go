package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
)

// teamsView gathers the Teams page; failed, when set, is the team whose
// form is shown again with its errors.
func (s *Server) teamsView(c echo.Context, failed *views.TeamCard) (views.TeamsView, error) {
	ctx := c.Request().Context()
	teams, err := s.db.ListTeams(ctx)
	if err != nil {
		return views.TeamsView{}, err
	}
	var v views.TeamsView
	if v.Users, err = s.db.Users(ctx); err != nil {
		return v, err
	}
	for _, t := range teams {
		card := views.TeamCard{Team: t, Members: map[int64]bool{}}
		if t.RetentionDays != nil {
			card.Retention = strconv.Itoa(*t.RetentionDays)
		}
		if failed != nil && failed.Team.ID == t.ID {
			card = *failed
		} else {
			ids, err := s.db.TeamMembers(ctx, t.ID)
			if err != nil {
				return v, err
			}
			for _, id := range ids {
				card.Members[id] = true
			}
		}
		v.Teams = append(v.Teams, card)
	}
	return v, nil
}

// teamsPage: GET /settings/teams (admins).
func (s *Server) teamsPage(c echo.Context) error {
	v, err := s.teamsView(c, nil)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.TeamsPage(s.page(c, "Teams", views.SectionTeams), v))
}

// createTeam: POST /settings/teams.
func (s *Server) createTeam(c echo.Context) error {
	name := c.FormValue("name")
	t, err := s.db.CreateTeam(c.Request().Context(), name)
	if fe, ok := asFieldErrors(err); ok {
		v, err := s.teamsView(c, nil)
		if err != nil {
			return err
		}
		v.NewName, v.Errors = name, fe
		return render(c, http.StatusUnprocessableEntity, views.TeamsPage(s.page(c, "Teams", views.SectionTeams), v))
	}
	if err != nil {
		return err
	}
	return flashAndRedirect(c, "Team “"+t.Name+"” added: choose its members.", "/settings/teams")
}

// updateTeam: POST /settings/teams/{id}, its name and members.
func (s *Server) updateTeam(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	form, _ := c.FormParams()
	card := views.TeamCard{Team: store.Team{ID: id, Name: c.FormValue("name")}, Members: map[int64]bool{},
		Retention: strings.TrimSpace(c.FormValue("retentionDays"))}
	var retention *int
	if card.Retention != "" {
		days, err := strconv.Atoi(card.Retention)
		if err != nil {
			days = -1 // refused with the range
		}
		retention = &days
	}
	var members []int64
	for _, raw := range form["member"] {
		if uid, err := strconv.ParseInt(raw, 10, 64); err == nil {
			members, card.Members[uid] = append(members, uid), true
		}
	}
	err = s.db.UpdateTeam(ctx, id, card.Team.Name, retention)
	if err == nil {
		err = s.db.SetTeamMembers(ctx, id, members)
	}
	if fe, ok := asFieldErrors(err); ok {
		card.Errors = fe
		v, err := s.teamsView(c, &card)
		if err != nil {
			return err
		}
		return render(c, http.StatusUnprocessableEntity, views.TeamsPage(s.page(c, "Teams", views.SectionTeams), v))
	}
	if err != nil {
		return err
	}
	return flashAndRedirect(c, "Team “"+card.Team.Name+"” saved.", "/settings/teams")
}
