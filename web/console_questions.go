package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
)

// parseQuestionForm reads the question form: blank option rows are dropped
// and the ticked boxes renumbered to the options that remain.
func parseQuestionForm(c echo.Context) (views.QuestionForm, store.QuestionInput, store.FieldErrors) {
	f := views.QuestionForm{Text: c.FormValue("text"), Kind: c.FormValue("kind"), Points: c.FormValue("points"),
		SectionID: c.FormValue("sectionId"), Topic: c.FormValue("topic"), Difficulty: c.FormValue("difficulty")}
	parsed := store.FieldErrors{}
	form, _ := c.FormParams()
	for _, v := range form["correct"] {
		if i, err := strconv.Atoi(v); err == nil && i >= 0 && i < views.QuestionSlots {
			f.Correct[i] = true
		}
	}
	in := store.QuestionInput{Text: f.Text, Kind: store.QuestionKind(f.Kind), Points: formInt(parsed, "points", f.Points, 0),
		SectionID: int64(formInt(parsed, "sectionId", f.SectionID, 0)), Topic: f.Topic, Difficulty: store.Difficulty(f.Difficulty)}
	var distractors []string
	for i := range views.QuestionSlots {
		f.Options[i] = c.FormValue("option" + strconv.Itoa(i))
		f.Matches[i] = c.FormValue("match" + strconv.Itoa(i))
		if strings.TrimSpace(f.Options[i]) == "" {
			if f.Correct[i] && in.Kind.Valid() && in.Kind.Rules().HasOptions() {
				parsed["correct"] = fmt.Sprintf("option %d is ticked but empty", i+1)
			}
			if strings.TrimSpace(f.Matches[i]) != "" {
				distractors = append(distractors, f.Matches[i])
			}
			continue
		}
		if f.Correct[i] {
			in.Correct = append(in.Correct, len(in.Options))
		}
		in.Options = append(in.Options, f.Options[i])
		in.Spec.Matches = append(in.Spec.Matches, f.Matches[i])
	}
	in.Spec.Matches = append(in.Spec.Matches, distractors...)
	if strings.TrimSpace(strings.Join(in.Spec.Matches, "")) == "" {
		in.Spec.Matches = nil
	}
	parseKindSettings(c, &f, &in, parsed)
	if in.Kind.Valid() && !in.Kind.Rules().ListsOptions() {
		// Options typed (and boxes ticked) before switching to a kind that
		// has none are not kept; a kind picked by a tick alone takes the
		// row's number (true or false: row 1 or 2).
		in.Options, in.Correct = nil, nil
		for i, ticked := range f.Correct {
			if ticked && in.Kind.Rules().ChoiceLabels(store.Question{Kind: in.Kind}) != nil {
				in.Correct = append(in.Correct, i)
			}
		}
	}
	if in.Kind.Valid() {
		in.Spec = in.Spec.Only(in.Kind) // what was typed for another kind is not kept
	}
	return f, in, parsed
}

// parseKindSettings reads the settings of the kinds and the marking.
func parseKindSettings(c echo.Context, f *views.QuestionForm, in *store.QuestionInput, parsed store.FieldErrors) {
	f.Answer, f.Tolerance, f.Unit = c.FormValue("answer"), c.FormValue("tolerance"), c.FormValue("unit")
	f.Blanks, f.CaseSensitive = c.FormValue("blanks"), c.FormValue("caseSensitive") == "1"
	f.MinWords, f.MaxWords, f.Language = c.FormValue("minWords"), c.FormValue("maxWords"), c.FormValue("language")
	f.Partial, f.Penalty, f.Floor = c.FormValue("partial") == "1", c.FormValue("penalty"), c.FormValue("floor")
	s := &in.Spec
	if strings.TrimSpace(f.Answer) != "" {
		if n, ok := store.ParseNumber(f.Answer, ""); ok {
			s.Answer = &n
		} else {
			parsed["answer"] = "must be a number"
		}
	}
	if strings.TrimSpace(f.Tolerance) != "" {
		if n, ok := store.ParseNumber(f.Tolerance, ""); ok {
			s.Tolerance = n
		} else {
			parsed["tolerance"] = "must be a number"
		}
	}
	s.Unit, s.Language, s.CaseSensitive, s.Partial = f.Unit, f.Language, f.CaseSensitive, f.Partial
	s.Blanks = store.ParseBlanks(f.Blanks)
	s.MinWords = formInt(parsed, "minWords", f.MinWords, 0)
	s.MaxWords = formInt(parsed, "maxWords", f.MaxWords, 0)
	s.Penalty = formInt(parsed, "penalty", f.Penalty, 0)
	s.Floor = formInt(parsed, "floor", f.Floor, 0)
}

// questionIDs reads the test and question ids of a question's URL.
func questionIDs(c echo.Context) (testID, qid int64, err error) {
	if testID, err = pathID(c, "id"); err == nil {
		qid, err = pathID(c, "qid")
	}
	return testID, qid, err
}

func questionForm(q store.Question) views.QuestionForm {
	f := views.QuestionForm{ID: q.ID, Text: q.Text, Kind: string(q.Kind), Points: strconv.Itoa(q.Points),
		SectionID: strconv.FormatInt(q.SectionID, 10), Topic: q.Topic, Difficulty: string(q.Difficulty)}
	for i, o := range q.Options {
		if i < views.QuestionSlots {
			f.Options[i] = o
			f.Correct[i] = q.IsCorrect(i)
		}
	}
	if !q.Rules().ListsOptions() {
		for _, i := range q.Correct {
			if i >= 0 && i < views.QuestionSlots {
				f.Correct[i] = true
			}
		}
	}
	// A matching question's distractors fill the rows after its prompts.
	for i, m := range q.Spec.Matches {
		if i < views.QuestionSlots {
			f.Matches[i] = m
		}
	}
	s := q.Spec
	if s.Answer != nil {
		f.Answer = strconv.FormatFloat(*s.Answer, 'f', -1, 64)
	}
	if s.Tolerance != 0 {
		f.Tolerance = strconv.FormatFloat(s.Tolerance, 'f', -1, 64)
	}
	f.Unit, f.Blanks, f.CaseSensitive, f.Language, f.Partial = s.Unit, store.BlanksText(s.Blanks), s.CaseSensitive, s.Language, s.Partial
	f.MinWords, f.MaxWords, f.Penalty, f.Floor = optionalInt(s.MinWords), optionalInt(s.MaxWords), optionalInt(s.Penalty), optionalInt(s.Floor)
	return f
}

// optionalInt is a number for a form field that is empty when 0.
func optionalInt(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// renderQuestions answers a question change: the questions section for
// htmx, otherwise the whole test page (or a redirect back to it).
func (s *Server) renderQuestions(c echo.Context, testID int64, f views.QuestionForm, status int) error {
	if status < 300 && !isHTMX(c) {
		return redirect(c, testPath(testID)+"#questions")
	}
	d, err := s.testDetail(c, testID)
	if err != nil {
		return err
	}
	f.Sections = d.NewQ.Sections
	d.NewQ = f
	if isHTMX(c) {
		return render(c, status, views.QuestionsSection(s.page(c, d.Test.Name, views.SectionTests), d.Test, d.Questions, d.NewQ))
	}
	return render(c, status, views.TestPage(s.page(c, d.Test.Name, views.SectionTests), d))
}

func (s *Server) addQuestion(c echo.Context) error {
	testID, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f, in, parsed := parseQuestionForm(c)
	if len(parsed) > 0 {
		t, err := s.db.Test(c.Request().Context(), testID)
		if err != nil {
			return err
		}
		f.Errors = in.Validate(t.Kind).With(parsed)
		return s.renderQuestions(c, testID, f, http.StatusUnprocessableEntity)
	}
	_, err = s.db.AddQuestion(c.Request().Context(), testID, in)
	if fe, ok := asFieldErrors(err); ok {
		f.Errors = fe
		return s.renderQuestions(c, testID, f, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	return s.renderQuestions(c, testID, views.QuestionForm{Kind: f.Kind}, http.StatusOK)
}

func (s *Server) editQuestionForm(c echo.Context) error {
	testID, qid, err := questionIDs(c)
	if err != nil {
		return err
	}
	t, err := s.db.Test(c.Request().Context(), testID)
	if err != nil {
		return err
	}
	q, err := s.db.Question(c.Request().Context(), testID, qid)
	if err != nil {
		return err
	}
	f := questionForm(q)
	if f.Sections, err = s.db.Sections(c.Request().Context(), testID); err != nil {
		return err
	}
	return render(c, http.StatusOK, views.QuestionEditPage(s.page(c, "Edit question", views.SectionTests), t, f))
}

func (s *Server) updateQuestion(c echo.Context) error {
	ctx := c.Request().Context()
	testID, qid, err := questionIDs(c)
	if err != nil {
		return err
	}
	t, err := s.db.Test(ctx, testID)
	if err != nil {
		return err
	}
	f, in, parsed := parseQuestionForm(c)
	f.ID = qid
	if f.Sections, err = s.db.Sections(ctx, testID); err != nil {
		return err
	}
	if len(parsed) > 0 {
		f.Errors = in.Validate(t.Kind).With(parsed)
		return render(c, http.StatusUnprocessableEntity, views.QuestionEditPage(s.page(c, "Edit question", views.SectionTests), t, f))
	}
	_, err = s.db.UpdateQuestion(ctx, testID, qid, in)
	if fe, ok := asFieldErrors(err); ok {
		f.Errors = fe
		return render(c, http.StatusUnprocessableEntity, views.QuestionEditPage(s.page(c, "Edit question", views.SectionTests), t, f))
	}
	if err != nil {
		return err
	}
	return flashAndRedirect(c, "Question saved.", testPath(testID)+"#questions")
}

func (s *Server) moveQuestion(c echo.Context) error {
	testID, qid, err := questionIDs(c)
	if err != nil {
		return err
	}
	dir := c.FormValue("dir")
	if dir != "up" && dir != "down" {
		return echo.NewHTTPError(http.StatusBadRequest, "dir must be up or down")
	}
	if err := s.db.MoveQuestion(c.Request().Context(), testID, qid, dir == "up"); err != nil {
		return err
	}
	return s.renderQuestions(c, testID, views.QuestionForm{}, http.StatusOK)
}

func (s *Server) deleteQuestion(c echo.Context) error {
	testID, qid, err := questionIDs(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	q, err := s.db.Question(ctx, testID, qid)
	if err != nil {
		return err
	}
	n, err := s.db.CountTouched(ctx, store.Touched{TestID: testID, Statuses: []store.InvitationStatus{store.StatusStarted, store.StatusCompleted}})
	if err != nil {
		return err
	}
	touches := ""
	if n > 0 {
		touches = candidates(n, " who has started or finished this test", " who have started or finished this test")
	}
	if asked, err := s.askFirst(c, views.SectionTests, views.Confirmation{Title: "Delete this question?",
		Question: "“" + q.Text + "” is removed from the test.", Touches: touches,
		Confirm: "Delete the question", Back: testPath(testID) + "#questions", Danger: true}); asked {
		return err
	}
	if err := s.db.DeleteQuestion(ctx, testID, qid); err != nil {
		return err
	}
	return s.renderQuestions(c, testID, views.QuestionForm{}, http.StatusOK)
}
