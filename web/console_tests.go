package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
)

func (s *Server) dashboard(c echo.Context) error {
	ctx := c.Request().Context()
	active, err := s.db.Tests(ctx, store.TestFilter{Teams: viewerTeams(c)})
	if err != nil {
		return err
	}
	archived, err := s.db.Tests(ctx, store.TestFilter{Archived: true, Teams: viewerTeams(c)})
	if err != nil {
		return err
	}
	counts, err := s.db.StatusCounts(ctx, viewerTeams(c))
	if err != nil {
		return err
	}
	funnels, err := s.db.LinkFunnels(ctx, viewerTeams(c), 12)
	if err != nil {
		return err
	}
	total, err := s.db.TotalFunnel(ctx, viewerTeams(c))
	if err != nil {
		return err
	}
	d := views.Dashboard{ActiveTests: active, ArchivedCount: len(archived), Counts: counts, Total: views.NewFunnelChart(total)}
	for _, f := range funnels {
		d.Funnels = append(d.Funnels, views.NewFunnelChart(f))
	}
	return render(c, http.StatusOK, views.DashboardPage(s.page(c, "Dashboard", views.SectionDashboard), d))
}

func (s *Server) listTests(c echo.Context) error {
	l := views.TestList{Query: c.QueryParam("q"), Archived: c.QueryParam("archived") == "1"}
	var err error
	if l.Tests, err = s.db.Tests(c.Request().Context(), store.TestFilter{Query: l.Query, Archived: l.Archived, Teams: viewerTeams(c)}); err != nil {
		return err
	}
	if isHTMX(c) && c.Request().Header.Get("HX-Target") == "tests-table" {
		c.Response().Header().Set("HX-Push-Url", l.URL())
		return render(c, http.StatusOK, views.TestsTable(s.page(c, "Tests", views.SectionTests), l))
	}
	return render(c, http.StatusOK, views.TestsPage(s.page(c, "Tests", views.SectionTests), l))
}

func (s *Server) newTestForm(c echo.Context) error {
	f := views.TestForm{Kind: string(store.KindAssessment), DurationMinutes: "30", PassingScore: "60"}
	var err error
	if f.Teams, err = s.teamChoices(c); err != nil {
		return err
	}
	if len(f.Teams) > 0 {
		f.Team = strconv.FormatInt(f.Teams[0].ID, 10)
	}
	return render(c, http.StatusOK, views.TestFormPage(s.page(c, "New test", views.SectionTests), f))
}

// parseTestForm reads the test form, keeping every value as typed.
func parseTestForm(c echo.Context) (views.TestForm, store.TestInput, store.FieldErrors) {
	f := views.TestForm{
		Name: c.FormValue("name"), Kind: c.FormValue("kind"), Instructions: c.FormValue("instructions"),
		DurationMinutes: c.FormValue("durationMinutes"), PassingScore: c.FormValue("passingScore"), Team: c.FormValue("team"),
		Labels: c.FormValue("labels"),
	}
	parsed := store.FieldErrors{}
	in := store.TestInput{
		Name: f.Name, Kind: store.TestKind(f.Kind), Instructions: f.Instructions,
		DurationMinutes: formInt(parsed, "durationMinutes", f.DurationMinutes, 0),
		PassingScore:    formInt(parsed, "passingScore", f.PassingScore, 0),
		Labels:          store.SplitLabels(f.Labels),
	}
	for i := range f.Bands {
		b := views.BandRow{Name: c.FormValue("bandName" + strconv.Itoa(i)), Min: c.FormValue("bandMin" + strconv.Itoa(i))}
		f.Bands[i] = b
		if strings.TrimSpace(b.Name) == "" && strings.TrimSpace(b.Min) == "" {
			continue // an unused row
		}
		if strings.TrimSpace(b.Min) == "" { // not 0 % by silence
			parsed["bands"] = "each band needs the percentage it starts from (0 for the lowest)"
		}
		in.Bands = append(in.Bands, store.Band{Name: b.Name, MinPercent: formInt(parsed, "bands", b.Min, 0)})
	}
	return f, in, parsed
}

func (s *Server) createTest(c echo.Context) error {
	f, in, parsed := parseTestForm(c)
	var err error
	if f.Teams, err = s.teamChoices(c); err != nil {
		return err
	}
	if in.TeamID, err = chosenTeam(f.Teams, f.Team); err != nil {
		parsed = store.FieldErrors{"team": err.Error()}.With(parsed)
	}
	if len(parsed) > 0 {
		f.Errors = in.Validate().With(parsed)
		return render(c, http.StatusUnprocessableEntity, views.TestFormPage(s.page(c, "New test", views.SectionTests), f))
	}
	t, err := s.db.CreateTest(c.Request().Context(), in, nil)
	if fe, ok := asFieldErrors(err); ok {
		f.Errors = fe
		return render(c, http.StatusUnprocessableEntity, views.TestFormPage(s.page(c, "New test", views.SectionTests), f))
	}
	if err != nil {
		return err
	}
	return flashAndRedirect(c, "Test created with a default link. Add its questions below.", testPath(t.ID))
}

func testPath(id int64) string { return "/tests/" + strconv.FormatInt(id, 10) }

func (s *Server) showTest(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := s.testDetail(c, id)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.TestPage(s.page(c, d.Test.Name, views.SectionTests), d))
}

// testDetail loads what the test page shows.
func (s *Server) testDetail(c echo.Context, id int64) (views.TestDetail, error) {
	ctx := c.Request().Context()
	t, err := s.db.Test(ctx, id)
	if err != nil {
		return views.TestDetail{}, err
	}
	qs, err := s.db.Questions(ctx, id)
	if err != nil {
		return views.TestDetail{}, err
	}
	links, err := s.db.Links(ctx, id)
	if err != nil {
		return views.TestDetail{}, err
	}
	sections, err := s.db.Sections(ctx, id)
	if err != nil {
		return views.TestDetail{}, err
	}
	d := views.TestDetail{Test: t, Questions: qs, NewQ: views.QuestionForm{Sections: sections}}
	for _, sec := range sections {
		picks, err := s.db.SectionPicks(ctx, sec.ID)
		if err != nil {
			return d, err
		}
		d.Sections = append(d.Sections, views.SectionDetail{Section: sec, Picks: picks})
	}
	if d.Topics, err = s.db.BankTopics(ctx, store.Teams{t.TeamID}); err != nil {
		return d, err
	}
	for _, l := range links {
		d.Links = append(d.Links, views.LinkRow{Link: l, URL: s.LinkURL(l)})
	}
	return d, nil
}

func (s *Server) editTestForm(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	t, err := s.db.Test(c.Request().Context(), id)
	if err != nil {
		return err
	}
	f := views.TestForm{ID: t.ID, Name: t.Name, Kind: string(t.Kind), Instructions: t.Instructions,
		DurationMinutes: strconv.Itoa(t.DurationMinutes), PassingScore: strconv.Itoa(t.PassingScore), Team: strconv.FormatInt(t.TeamID, 10),
		Labels: strings.Join(t.Labels, ", ")}
	if u := currentUser(c); u != nil && u.IsAdmin() { // only an admin moves a test between teams
		if f.Teams, err = s.teamChoices(c); err != nil {
			return err
		}
	}
	for i, b := range t.Bands {
		if i < len(f.Bands) {
			f.Bands[i] = views.BandRow{Name: b.Name, Min: strconv.Itoa(b.MinPercent)}
		}
	}
	return render(c, http.StatusOK, views.TestFormPage(s.page(c, "Edit "+t.Name, views.SectionTests), f))
}

func (s *Server) updateTest(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f, in, parsed := parseTestForm(c)
	f.ID = id
	move := int64(0)
	if u := currentUser(c); u != nil && u.IsAdmin() && f.Team != "" {
		if f.Teams, err = s.teamChoices(c); err != nil {
			return err
		}
		if move, err = chosenTeam(f.Teams, f.Team); err != nil {
			parsed = store.FieldErrors{"team": err.Error()}.With(parsed)
		}
	}
	if len(parsed) > 0 {
		f.Errors = in.Validate().With(parsed)
		return render(c, http.StatusUnprocessableEntity, views.TestFormPage(s.page(c, "Edit test", views.SectionTests), f))
	}
	_, err = s.db.UpdateTest(c.Request().Context(), id, in)
	if err == nil && move != 0 {
		err = s.db.MoveTest(c.Request().Context(), id, move)
	}
	if fe, ok := asFieldErrors(err); ok {
		f.Errors = fe
		return render(c, http.StatusUnprocessableEntity, views.TestFormPage(s.page(c, "Edit test", views.SectionTests), f))
	}
	if err != nil {
		return err
	}
	return flashAndRedirect(c, "Test saved.", testPath(id))
}

func (s *Server) archiveTest(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	return s.flip(c, toggle{off: c.FormValue("archived") != "0", section: views.SectionTests, back: testPath(id),
		ask: func() (views.Confirmation, error) {
			t, err := s.db.Test(ctx, id)
			if err != nil {
				return views.Confirmation{}, err
			}
			n, err := s.db.CountTouched(ctx, store.Touched{TestID: id, Statuses: []store.InvitationStatus{store.StatusInvited, store.StatusOpened}})
			return views.Confirmation{Title: "Archive this test?",
				Question: "“" + t.Name + "” and its links stop taking invitations; invitations already sent keep working.",
				Touches:  candidates(n, " invited who has not started", " invited who have not started"), Confirm: "Archive the test", Back: testPath(id), Danger: true}, err
		},
		set:     func(off bool) error { return s.db.SetTestArchived(ctx, id, off) },
		offSaid: "Test archived. Invitations already sent keep working; restore it to list it again.", onSaid: "Test restored."})
}

// duplicateTest: POST /tests/{id}/duplicate makes a copy of the test
// (settings, questions, sections, picks and rules; no invitations) and
// opens it. A rule the bank can no longer fill refuses the copy, saying
// which.
func (s *Server) duplicateTest(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	t, err := s.db.DuplicateTest(c.Request().Context(), id, "")
	if fe, bad := asFieldErrors(err); bad {
		d, derr := s.testDetail(c, id)
		if derr != nil {
			return derr
		}
		var problems []string
		for _, field := range fe.Fields() {
			switch {
			case strings.Contains(field, ".rules["):
				problems = append(problems, "a draw rule "+fe[field])
			case strings.Contains(field, ".picks["):
				problems = append(problems, fe[field])
			default:
				problems = append(problems, field+" "+fe[field])
			}
		}
		d.Problem = "Not duplicated: " + strings.Join(problems, "; ") + ". Change the test's sections, then duplicate it."
		return render(c, http.StatusUnprocessableEntity, views.TestPage(s.page(c, d.Test.Name, views.SectionTests), d))
	}
	if err != nil {
		return err
	}
	return flashAndRedirect(c, "This is a copy of the test, with a default link of its own and no invitations.", testPath(t.ID))
}
