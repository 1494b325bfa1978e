package web

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
)

// A recruiter previews a test as its candidates see it: the same pages, the
// questions of the test's current version, answers kept only in the page
// and scored by the same rule. No invitation, attempt, answer, event or
// count is written; the pages say so on a banner.

// previewTest loads the test, a sample paper drawn from the seed the
// preview carries (a new one when it starts), and the candidate view the
// preview pages are drawn from.
func (s *Server) previewTest(c echo.Context) (views.CandidateView, []store.Question, previewDraw, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return views.CandidateView{}, nil, previewDraw{}, err
	}
	ctx := c.Request().Context()
	t, err := s.db.Test(ctx, id)
	if err != nil {
		return views.CandidateView{}, nil, previewDraw{}, err
	}
	seed, err := strconv.ParseInt(c.FormValue("seed"), 10, 64)
	if err != nil || seed <= 0 {
		seed = store.NewSeed()
	}
	qs, err := s.db.SamplePaper(ctx, t.ID, seed)
	if err != nil {
		return views.CandidateView{}, nil, previewDraw{}, err
	}
	sections, err := s.db.Sections(ctx, t.ID)
	if err != nil {
		return views.CandidateView{}, nil, previewDraw{}, err
	}
	name := currentUser(c).Name
	if name == "" {
		name = "there"
	}
	return views.CandidateView{Invitation: store.Invitation{Name: name}, Test: t, QuestionCount: len(qs),
		Action: "/tests/" + strconv.FormatInt(t.ID, 10) + "/preview"}, qs, previewDraw{seed, sections}, nil
}

// previewDraw is what a preview's sample paper was drawn with.
type previewDraw struct {
	seed     int64
	sections []store.Section
}

// previewPage is a candidate page marked as a preview, with the console's
// CSRF token for its forms and, for a drawn test, its seed and what each
// section and rule draws from.
func (s *Server) previewPage(c echo.Context, v views.CandidateView, d previewDraw) views.CandidatePage {
	p := s.candidatePage(c, "Preview: "+v.Test.Name)
	p.CSRF, p.PreviewOf = csrfToken(c), "/tests/"+strconv.FormatInt(v.Test.ID, 10)
	if len(d.sections) > 0 {
		p.PreviewSeed = strconv.FormatInt(d.seed, 10)
		p.PreviewDraw = drawLines(d.sections)
	}
	return p
}

// drawLines say, per section and rule, what a draw takes from how many.
func drawLines(sections []store.Section) []string {
	var lines []string
	for _, sec := range sections {
		lines = append(lines, fmt.Sprintf("%s: %s; each candidate gets %d", cmp.Or(sec.Name, "Section "+strconv.Itoa(sec.Position)),
			views.SectionSummary(sec), sec.Gets()))
		for _, r := range sec.Rules {
			line := fmt.Sprintf("Rule: %d of %s — %s in the bank", r.Count, store.RuleWords(r), views.Count(r.Matching, "question matches", "questions match"))
			if r.Short() {
				line += " (too few: candidates get fewer)"
			}
			lines = append(lines, line)
		}
	}
	return lines
}

func (s *Server) previewIntro(c echo.Context) error {
	v, _, d, err := s.previewTest(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.CandidateIntroPage(s.previewPage(c, v, d), v))
}

// previewAttempt is the attempt page of a preview, its clock starting now.
func (s *Server) previewAttempt(c echo.Context, v views.CandidateView, d previewDraw, qs []store.Question, answers map[int64]store.Answer,
	notice string, unanswered int) error {
	deadline := s.db.Now().Add(time.Duration(v.Test.DurationMinutes) * time.Minute)
	return render(c, http.StatusOK, views.CandidateAttemptPage(s.previewPage(c, v, d), views.AttemptView{
		CandidateView: v, Questions: qs, Answers: answers, Notice: notice, Unanswered: unanswered,
		Deadline:  deadline.UTC().Format(time.RFC3339),
		Remaining: fmt.Sprintf("%d:00", v.Test.DurationMinutes),
		Ends:      deadline.In(viewerLocation(c)).Format("15:04 MST"),
	}))
}

func (s *Server) previewStart(c echo.Context) error {
	v, qs, d, err := s.previewTest(c)
	if err != nil {
		return err
	}
	return s.previewAttempt(c, v, d, qs, nil, "", 0)
}

// previewAnswers takes the attempt form as saveAnswers does, and answers as
// it would, without keeping anything.
func (s *Server) previewAnswers(c echo.Context) error {
	v, qs, d, err := s.previewTest(c)
	if err != nil {
		return err
	}
	inputs, err := answersFromForm(c, qs)
	if err != nil {
		return err
	}
	answers := make(map[int64]store.Answer, len(inputs))
	choices := make(map[int64][]int, len(inputs))
	for _, a := range inputs {
		answers[a.QuestionID] = store.Answer{QuestionID: a.QuestionID, Choices: a.Choices, Text: a.Text}
		choices[a.QuestionID] = a.Choices
	}
	action := c.FormValue("action")
	if c.FormValue("unanswered") == "ok" {
		action = "submit" // "Submit anyway" sends the attempt form with its answers
	}
	switch action {
	case "autosave":
		return c.HTML(http.StatusOK, "Preview: answers are not saved.")
	case "submit":
		timedOut := c.FormValue("timeout") == "1"
		n := store.Unanswered(qs, answers)
		if n > 0 && !timedOut && c.FormValue("unanswered") != "ok" {
			return s.previewAttempt(c, v, d, qs, answers, "", n)
		}
		score, maxScore, _ := store.Grade(qs, choices)
		done := views.DoneView{CandidateView: v, TimedOut: timedOut, Total: len(qs), Answered: len(qs) - n}
		scored := store.Invitation{Score: &score, MaxScore: &maxScore}
		done.PreviewScore = views.ScoreText(scored)
		if slices.ContainsFunc(qs, func(q store.Question) bool { return q.Rules().Reviewed() }) {
			done.PreviewScore += " before a reviewer grades the written answers"
		}
		return render(c, http.StatusOK, views.CandidateDonePage(s.previewPage(c, v, d), done))
	default:
		return s.previewAttempt(c, v, d, qs, answers, "Preview: answers stay on this page only.", 0)
	}
}
