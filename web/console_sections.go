package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
)

// A test's sections from the console: add and change them, draw rules,
// and bank questions picked into them. A refused change comes back on the
// test page saying why.

func sectionIDs(c echo.Context) (testID, sectionID int64, err error) {
	if testID, err = pathID(c, "id"); err == nil {
		sectionID, err = pathID(c, "sid")
	}
	return testID, sectionID, err
}

func parseSectionSettings(c echo.Context) (store.SectionSettings, store.FieldErrors) {
	fe := store.FieldErrors{}
	in := store.SectionSettings{Name: c.FormValue("name"), ShuffleQuestions: checked(c, "shuffleQuestions"),
		ShuffleOptions: checked(c, "shuffleOptions"), Draw: formInt(fe, "draw", c.FormValue("draw"), 0),
		TimeLimit: formInt(fe, "timeLimitMinutes", c.FormValue("timeLimitMinutes"), 0),
		Marking:   store.SectionMarking{Penalty: formInt(fe, "penalty", c.FormValue("penalty"), 0), Floor: formInt(fe, "floor", c.FormValue("floor"), 0)}}
	return in, fe
}

// sectionChanged answers a section change: back to the test's sections,
// or the page with the reason it was refused.
func (s *Server) sectionChanged(c echo.Context, testID int64, err error, done string) error {
	if fe, bad := asFieldErrors(err); bad {
		d, derr := s.testDetail(c, testID)
		if derr != nil {
			return derr
		}
		var problems []string
		for field, msg := range fe {
			problems = append(problems, sectionFieldWords[field]+" "+msg)
		}
		sid, _ := strconv.ParseInt(c.Param("sid"), 10, 64)
		d.SectionRefusal = views.SectionsRefusal{Problem: "Not saved: " + strings.Join(problems, "; ") + ".", SectionID: sid,
			Rules: strings.HasSuffix(c.Path(), "/rules")}
		if d.SectionRefusal.Rules { // the form shows what was typed
			count, _ := strconv.Atoi(strings.TrimSpace(c.FormValue("count")))
			d.SectionRefusal.Rule = store.SectionRule{Count: count, Topic: c.FormValue("topic"), Difficulty: store.Difficulty(c.FormValue("difficulty"))}
		}
		return render(c, http.StatusUnprocessableEntity, views.TestPage(s.page(c, d.Test.Name, views.SectionTests), d))
	}
	if err != nil {
		return err
	}
	return flashAndRedirect(c, done, testPath(testID)+"#sections")
}

// sectionFieldWords name the fields of the section forms in a problem.
var sectionFieldWords = map[string]string{
	"name": "The name", "draw": "The number of questions", "timeLimitMinutes": "The time limit", "count": "The rule", "difficulty": "The difficulty",
}

// addSection: POST /tests/{id}/sections.
func (s *Server) addSection(c echo.Context) error {
	testID, err := pathID(c, "id")
	if err != nil {
		return err
	}
	in, fe := parseSectionSettings(c)
	if len(fe) == 0 {
		_, err = s.db.AddSection(c.Request().Context(), testID, in)
	} else {
		err = fe
	}
	return s.sectionChanged(c, testID, err, "Section added.")
}

// updateSection: POST /tests/{id}/sections/{sid}.
func (s *Server) updateSection(c echo.Context) error {
	testID, sectionID, err := sectionIDs(c)
	if err != nil {
		return err
	}
	in, fe := parseSectionSettings(c)
	if len(fe) == 0 {
		_, err = s.db.UpdateSection(c.Request().Context(), testID, sectionID, in)
	} else {
		err = fe
	}
	return s.sectionChanged(c, testID, err, "Section saved.")
}

// addRule: POST /tests/{id}/sections/{sid}/rules {count, topic, difficulty}.
func (s *Server) addRule(c echo.Context) error {
	testID, sectionID, err := sectionIDs(c)
	if err != nil {
		return err
	}
	fe := store.FieldErrors{}
	r := store.SectionRule{Topic: c.FormValue("topic"), Difficulty: store.Difficulty(c.FormValue("difficulty")),
		Count: formInt(fe, "count", c.FormValue("count"), 0)}
	if len(fe) == 0 {
		err = s.db.AddRule(c.Request().Context(), testID, sectionID, r)
	} else {
		err = fe
	}
	return s.sectionChanged(c, testID, err, "Rule added.")
}

// removeRule: POST /tests/{id}/sections/{sid}/rules/{n}/delete.
func (s *Server) removeRule(c echo.Context) error {
	testID, sectionID, err := sectionIDs(c)
	if err != nil {
		return err
	}
	n, err := pathID(c, "n")
	if err != nil {
		return err
	}
	return s.sectionChanged(c, testID, s.db.RemoveRule(c.Request().Context(), testID, sectionID, int(n)), "Rule removed.")
}

// pickForm: GET /tests/{id}/sections/{sid}/pick lists the bank to pick from.
func (s *Server) pickForm(c echo.Context) error {
	testID, sectionID, err := sectionIDs(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	t, err := s.db.Test(ctx, testID)
	if err != nil {
		return err
	}
	sections, err := s.db.Sections(ctx, testID)
	if err != nil {
		return err
	}
	v := views.BankPickView{Test: t}
	found := false
	for _, sec := range sections {
		if sec.ID == sectionID {
			v.Section, found = sec, true
		}
	}
	if !found {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	// The test's team's bank and the organisation's: what its sections may use.
	if v.Bank, err = s.bankView(c, store.Teams{t.TeamID}); err != nil {
		return err
	}
	return render(c, http.StatusOK, views.BankPickPage(s.page(c, "Pick from the bank", views.SectionTests), v))
}

// pickQuestions: POST /tests/{id}/sections/{sid}/picks {bankQuestionId…}.
func (s *Server) pickQuestions(c echo.Context) error {
	testID, sectionID, err := sectionIDs(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
	}
	var ids []int64
	for _, v := range form["bankQuestionId"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return echo.NewHTTPError(http.StatusBadRequest, "A picked question is not a bank question.")
		}
		ids = append(ids, id)
	}
	n, err := s.db.PickBankQuestions(c.Request().Context(), testID, sectionID, ids)
	if errors.Is(err, store.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	return s.sectionChanged(c, testID, err, views.Count(n, "question", "questions")+" picked from the bank.")
}

// unpickQuestion: POST /tests/{id}/sections/{sid}/picks/{bid}/delete.
func (s *Server) unpickQuestion(c echo.Context) error {
	testID, sectionID, err := sectionIDs(c)
	if err != nil {
		return err
	}
	bankID, err := pathID(c, "bid")
	if err != nil {
		return err
	}
	return s.sectionChanged(c, testID, s.db.UnpickBankQuestion(c.Request().Context(), testID, sectionID, bankID),
		"Question taken out of the section.")
}
