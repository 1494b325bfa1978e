package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
)

// The attempt report: the result, every answer with its grading, the
// integrity signals and the timeline; the page a reviewer grades on and a
// recruiter adds time from.

func reportPath(id int64) string { return invitationPath(id) + "/report" }

// attemptReport reads everything an attempt's report shows, for the page
// and the PDF alike.
func (s *Server) attemptReport(ctx context.Context, id int64) (views.AttemptReport, error) {
	inv, err := s.db.Invitation(ctx, id)
	if err != nil {
		return views.AttemptReport{}, err
	}
	r := views.AttemptReport{Invitation: inv, GeneratedAt: s.db.Now()}
	if inv.StartedAt != nil {
		if r.Questions, err = s.db.AttemptQuestions(ctx, inv); err != nil {
			return r, err
		}
	}
	if r.Answers, err = s.db.Answers(ctx, id); err != nil {
		return r, err
	}
	if r.Changes, err = s.db.ScoreChanges(ctx, id); err != nil {
		return r, err
	}
	if r.Signals, err = s.db.Signals(ctx, id); err != nil {
		return r, err
	}
	if r.Timeline, err = s.db.Timeline(ctx, id); err != nil {
		return r, err
	}
	r.Reason, err = s.db.CompletionReason(ctx, id)
	return r, err
}

func (s *Server) renderReport(c echo.Context, status int, v views.ReportView) error {
	return render(c, status, views.AttemptReportPage(s.page(c, "Report: "+v.Invitation.Name, views.SectionInvitations), v))
}

// showReport: GET /invitations/{id}/report.
func (s *Server) showReport(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := s.attemptReport(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.renderReport(c, http.StatusOK, views.ReportView{AttemptReport: r})
}

// gradeAnswer: POST /invitations/{id}/grades {questionId, points, comment}.
func (s *Server) gradeAnswer(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	qid, _ := strconv.ParseInt(c.FormValue("questionId"), 10, 64)
	fe := store.FieldErrors{}
	points := formInt(fe, "points", c.FormValue("points"), -1)
	if points < 0 && len(fe) == 0 {
		fe["points"] = "are required"
	}
	if len(fe) == 0 {
		_, err = s.db.GradeAnswer(ctx, id, store.GradeInput{QuestionID: qid, Points: points, Comment: c.FormValue("comment")}, s.userActor(c))
		if errors.Is(err, store.ErrNotCompleted) {
			fe["points"] = "can be given once the candidate has submitted"
		} else if bad, ok := asFieldErrors(err); ok {
			fe = bad
		} else if err != nil {
			return err
		}
	}
	r, rerr := s.attemptReport(ctx, id)
	if rerr != nil {
		return rerr
	}
	if len(fe) > 0 {
		v := views.ReportView{AttemptReport: r, GradeErrors: map[int64]store.FieldErrors{qid: fe},
			Typed: &views.TypedGrade{QuestionID: qid, Points: c.FormValue("points"), Comment: c.FormValue("comment")}}
		if msg, unknown := fe["questionId"]; unknown { // no grade form on the page to show it at
			v.Problem = "Not graded: the question " + msg + "."
		}
		return s.renderReport(c, http.StatusUnprocessableEntity, v)
	}
	if isHTMX(c) {
		return s.renderReport(c, http.StatusOK, views.ReportView{AttemptReport: r})
	}
	return flashAndRedirect(c, "Grade saved: the total is now "+views.ScoreText(r.Invitation)+".", reportPath(id)+"#q"+strconv.FormatInt(qid, 10))
}

// addTime: POST /invitations/{id}/time {minutes} gives a candidate taking
// the test more time.
func (s *Server) addTime(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	fe := store.FieldErrors{}
	minutes := formInt(fe, "minutes", c.FormValue("minutes"), 0)
	if len(fe) == 0 {
		_, err = s.db.AddTime(ctx, id, minutes, s.userActor(c))
		if errors.Is(err, store.ErrNotUsable) {
			fe["minutes"] = "cannot be added: the candidate is not taking the test now"
		} else if bad, ok := asFieldErrors(err); ok {
			fe = bad
		} else if err != nil {
			return err
		}
	}
	if len(fe) > 0 {
		r, err := s.attemptReport(ctx, id)
		if err != nil {
			return err
		}
		status := http.StatusUnprocessableEntity
		if r.Invitation.Status != store.StatusStarted {
			status = http.StatusConflict
		}
		return s.renderReport(c, status, views.ReportView{AttemptReport: r, TimeErrors: fe})
	}
	return flashAndRedirect(c, store.Count(minutes, "minute")+" added: the candidate's countdown shows the new end within seconds.", reportPath(id))
}
