package web

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
)

// The question bank in the console: browse and filter, add, edit,
// archive, import from CSV.

const bankPageSize = 50

// bankView lists the banks of teams (nil: every bank) with the
// organisation's, and offers the banks the viewer may add to.
func (s *Server) bankView(c echo.Context, teams store.Teams) (views.BankView, error) {
	ctx := c.Request().Context()
	v := views.BankView{Page: 1, Filter: store.BankFilter{Query: c.QueryParam("q"), Archived: c.QueryParam("archived") != "", Teams: teams}}
	choices, err := s.bankChoices(c)
	if err != nil {
		return v, err
	}
	v.Banks, v.Bank = choices, c.FormValue("bank")
	topics, err := s.db.BankTopics(ctx, teams)
	if err != nil {
		return v, err
	}
	v.Topics = topics
	if t := c.QueryParam("topic"); slices.Contains(topics, t) {
		v.Filter.Topic = t
	}
	if d := store.Difficulty(c.QueryParam("difficulty")); d != "" && d.Valid() {
		v.Filter.Difficulty = d
	}
	if p, err := strconv.Atoi(c.QueryParam("page")); err == nil && p > 1 {
		v.Page = p
	}
	v.Filter.Limit, v.Filter.Offset = bankPageSize, (v.Page-1)*bankPageSize
	if v.Questions, v.Total, err = s.db.BankQuestions(ctx, v.Filter); err != nil {
		return v, err
	}
	v.Pages = max(1, (v.Total+bankPageSize-1)/bankPageSize)
	return v, nil
}

func (s *Server) renderBank(c echo.Context, status int, v views.BankView) error {
	return render(c, status, views.BankPage(s.page(c, "Question bank", views.SectionBank), v))
}

// listBank: GET /bank.
func (s *Server) listBank(c echo.Context) error {
	v, err := s.bankView(c, viewerTeams(c))
	if err != nil {
		return err
	}
	return s.renderBank(c, http.StatusOK, v)
}

// addBankQuestion: POST /bank.
func (s *Server) addBankQuestion(c echo.Context) error {
	f, in, parsed := parseQuestionForm(c)
	var err error
	if len(parsed) > 0 {
		err = in.Validate(store.KindAssessment).With(parsed)
	} else {
		var team *int64
		if team, err = s.chosenBank(c); err == nil {
			_, err = s.db.AddBankQuestionsTo(c.Request().Context(), team, []store.QuestionInput{in})
		}
	}
	if fe, bad := asFieldErrors(err); bad {
		v, verr := s.bankView(c, viewerTeams(c))
		if verr != nil {
			return verr
		}
		f.Errors = fe
		v.Form = f
		return s.renderBank(c, http.StatusUnprocessableEntity, v)
	}
	if err != nil {
		return err
	}
	return flashAndRedirect(c, "Question added to the bank.", "/bank")
}

func bankForm(b store.BankQuestion) views.QuestionForm {
	return questionForm(store.Question{ID: b.ID, Kind: b.Kind, Text: b.Text, Options: b.Options, Correct: b.Correct,
		Points: b.Points, Topic: b.Topic, Difficulty: b.Difficulty, Spec: b.Spec})
}

// editBankQuestionForm: GET /bank/{id}/edit.
func (s *Server) editBankQuestionForm(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	b, err := s.bankQuestionFor(c, id, true)
	if err != nil {
		return err
	}
	stats, err := s.db.BankQuestionStatistics(c.Request().Context(), b)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.BankEditPage(s.page(c, "Edit bank question", views.SectionBank), id, bankForm(b), b.UsedBy, stats))
}

// updateBankQuestion: POST /bank/{id}.
func (s *Server) updateBankQuestion(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	b, err := s.bankQuestionFor(c, id, true)
	if err != nil {
		return err
	}
	f, in, parsed := parseQuestionForm(c)
	f.ID = id
	if len(parsed) > 0 {
		err = in.Validate(store.KindAssessment).With(parsed)
	} else {
		_, err = s.db.UpdateBankQuestion(ctx, id, in)
	}
	if fe, bad := asFieldErrors(err); bad {
		f.Errors = fe
		stats, err := s.db.BankQuestionStatistics(ctx, b)
		if err != nil {
			return err
		}
		return render(c, http.StatusUnprocessableEntity, views.BankEditPage(s.page(c, "Edit bank question", views.SectionBank), id, f, b.UsedBy, stats))
	}
	if err != nil {
		return err
	}
	return flashAndRedirect(c, "Bank question saved.", "/bank")
}

// archiveBankQuestion: POST /bank/{id}/archive (restore=1 puts it back),
// asking first when tests use it.
func (s *Server) archiveBankQuestion(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	restore := c.FormValue("restore") == "1"
	b, err := s.bankQuestionFor(c, id, true)
	if err != nil {
		return err
	}
	if !restore && b.UsedBy > 0 {
		if asked, err := s.askFirst(c, views.SectionBank, views.Confirmation{Title: "Archive this bank question?",
			Question: "“" + b.Text + "” will no longer be picked or drawn for new candidates; those who answered it keep it.",
			Touches:  views.Count(b.UsedBy, "test uses", "tests use") + " it.", Confirm: "Archive the question", Back: "/bank"}); asked {
			return err
		}
	}
	if err := s.db.SetBankQuestionArchived(ctx, id, !restore); err != nil {
		return err
	}
	msg := "Question archived: no test draws it any more."
	if restore {
		msg = "Question restored to the bank."
	}
	return flashAndRedirect(c, msg, "/bank")
}

// importBank: POST /bank/import, a CSV file or pasted lines.
func (s *Server) importBank(c echo.Context) error {
	var r io.Reader
	pasted := c.FormValue("pasted")
	if fh, err := c.FormFile("file"); err == nil && fh.Size > 0 {
		f, err := fh.Open()
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, "The file could not be read.")
		}
		defer f.Close()
		r = f
	} else {
		r = strings.NewReader(pasted)
	}
	questions, problems, err := parseBankCSV(r)
	if err != nil {
		return err
	}
	if len(problems) == 0 {
		var team *int64
		if team, err = s.chosenBank(c); err == nil {
			_, err = s.db.AddBankQuestionsTo(c.Request().Context(), team, questions)
		}
		var fe store.FieldErrors
		if errors.As(err, &fe) {
			for field, msg := range fe {
				problems = append(problems, field+" "+msg)
			}
			sort.Strings(problems)
		} else if err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		v, err := s.bankView(c, viewerTeams(c))
		if err != nil {
			return err
		}
		v.Import = views.BankImport{Pasted: pasted, Problems: problems}
		return s.renderBank(c, http.StatusUnprocessableEntity, v)
	}
	return flashAndRedirect(c, "Imported "+views.Count(len(questions), "question", "questions")+" into the bank.", "/bank")
}
