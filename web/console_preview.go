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
// A test with timed sections is walked as a candidate walks it: one
// section a page, with its own clock; the answers of the sections behind
// travel in the form, since a preview keeps nothing.
func (s *Server) previewAttempt(c echo.Context, v views.CandidateView, d previewDraw, qs []store.Question, answers map[int64]store.Answer,
	notice string, unanswered, section int) error {
	minutes := v.Test.DurationMinutes
	av := views.AttemptView{CandidateView: v, Questions: qs, Answers: answers, Notice: notice, Unanswered: unanswered}
	if section > 0 {
		walk := store.Invitation{SectionAt: section}
		av.Questions = store.SectionOf(walk, qs)
		av.SectionN, av.SectionTotal = store.SectionPlace(walk, qs)
		av.PreviewSection = section
		if limit := d.limit(section); limit > 0 {
			minutes, av.SectionTimed = limit, true
		}
		on := map[int64]bool{}
		for _, q := range av.Questions {
			on[q.ID] = true
		}
		for _, q := range qs {
			if a, ok := answers[q.ID]; ok && !on[q.ID] {
				for _, value := range q.Rules().FormValues(q, a) {
					av.Carried = append(av.Carried, views.CarriedAnswer{Name: "q" + strconv.FormatInt(q.ID, 10), Value: value})
				}
			}
		}
	}
	deadline := s.db.Now().Add(time.Duration(minutes) * time.Minute)
	av.Deadline, av.Remaining = deadline.UTC().Format(time.RFC3339), fmt.Sprintf("%d:00", minutes)
	av.Ends = deadline.In(viewerLocation(c)).Format("15:04 MST")
	return render(c, http.StatusOK, views.CandidateAttemptPage(s.previewPage(c, v, d), av))
}

// limit is a section's own minutes (0: none).
func (d previewDraw) limit(position int) int {
	for _, sec := range d.sections {
		if sec.Position == position {
			return sec.TimeLimit
		}
	}
	return 0
}

// walked reports whether the test is taken section by section (a section
// has a clock of its own), and the paper's first section.
func (d previewDraw) walked(qs []store.Question) (bool, int) {
	timed := slices.ContainsFunc(d.sections, func(sec store.Section) bool { return sec.TimeLimit > 0 })
	if !timed || len(qs) == 0 {
		return false, 0
	}
	return true, qs[0].SectionPosition
}

// nextSection is the position after section on the paper (0: none).
func nextSection(qs []store.Question, section int) int {
	for _, q := range qs {
		if q.SectionPosition > section {
			return q.SectionPosition
		}
	}
	return 0
}

func (s *Server) previewStart(c echo.Context) error {
	v, qs, d, err := s.previewTest(c)
	if err != nil {
		return err
	}
	_, first := d.walked(qs)
	return s.previewAttempt(c, v, d, qs, nil, "", 0, first)
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
	for _, a := range inputs {
		answers[a.QuestionID] = store.Answer{QuestionID: a.QuestionID, Choices: a.Choices, Text: a.Text}
	}
	action := c.FormValue("action")
	walked, section := d.walked(qs)
	if walked {
		if at, err := strconv.Atoi(c.FormValue("section")); err == nil && slices.ContainsFunc(qs, func(q store.Question) bool { return q.SectionPosition == at }) {
			section = at
		}
	}
	if c.FormValue("unanswered") == "ok" && action != "next" {
		action = "submit" // "Submit anyway" sends the attempt form with its answers
	}
	if walked && action == "submit" && nextSection(qs, section) != 0 {
		action = "next" // a section's end moves on; only the last submits
	}
	switch action {
	case "autosave":
		return c.HTML(http.StatusOK, "Preview: answers are not saved.")
	case "next":
		here := store.SectionOf(store.Invitation{SectionAt: section}, qs)
		if n := store.Unanswered(here, answers); n > 0 && c.FormValue("timeout") != "1" && c.FormValue("unanswered") != "ok" {
			return s.previewAttempt(c, v, d, qs, answers, "", n, section)
		}
		return s.previewAttempt(c, v, d, qs, answers, "", 0, nextSection(qs, section))
	case "submit":
		timedOut := c.FormValue("timeout") == "1"
		n := store.Unanswered(qs, answers)
		if walked {
			n = store.Unanswered(store.SectionOf(store.Invitation{SectionAt: section}, qs), answers)
		}
		if n > 0 && !timedOut && c.FormValue("unanswered") != "ok" {
			return s.previewAttempt(c, v, d, qs, answers, "", n, section)
		}
		n = store.Unanswered(qs, answers)
		score, maxScore, _ := store.Grade(qs, answers)
		done := views.DoneView{CandidateView: v, TimedOut: timedOut, Total: len(qs), Answered: len(qs) - n}
		scored := store.Invitation{Score: &score, MaxScore: &maxScore}
		done.PreviewScore = views.ScoreText(scored)
		if slices.ContainsFunc(qs, func(q store.Question) bool { return q.Rules().Reviewed() }) {
			done.PreviewScore += " before a reviewer grades the written answers"
		}
		return render(c, http.StatusOK, views.CandidateDonePage(s.previewPage(c, v, d), done))
	default:
		return s.previewAttempt(c, v, d, qs, answers, "Preview: answers stay on this page only.", 0, section)
	}
}
