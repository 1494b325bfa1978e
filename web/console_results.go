package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
)

const resultsPageSize = 100

// testResults: GET /tests/{id}/results ranks a test's completed
// candidates, filtered by band and state.
func (s *Server) testResults(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	t, err := s.db.Test(ctx, id)
	if err != nil {
		return err
	}
	v := views.ResultsView{Test: t, Page: 1}
	if band := c.QueryParam("band"); slices.ContainsFunc(t.Bands, func(b store.Band) bool { return b.Name == band }) {
		v.Band = band
	}
	if state := c.QueryParam("state"); slices.Contains(store.ResultStates, state) {
		v.State = state
	}
	results, err := s.db.TestResults(ctx, id, store.ResultFilter{Band: v.Band, State: v.State})
	if err != nil {
		return err
	}
	v.Total = len(results)
	seen := false
	for _, r := range results {
		if m := r.Invitation.MaxScore; m != nil {
			if !seen || *m < v.LeastMax {
				v.LeastMax = *m
			}
			v.MostMax, seen = max(v.MostMax, *m), true
		}
	}
	v.Pages = max(1, (v.Total+resultsPageSize-1)/resultsPageSize)
	if p, err := strconv.Atoi(c.QueryParam("page")); err == nil && p > 1 {
		v.Page = min(p, v.Pages)
	}
	v.Results = results[min((v.Page-1)*resultsPageSize, v.Total):min(v.Page*resultsPageSize, v.Total)]
	return render(c, http.StatusOK, views.ResultsPage(s.page(c, "Results: "+t.Name, views.SectionTests), v))
}

// setExtraTime: POST /invitations/{id}/extra-time {extraTimePercent}, before
// the candidate starts.
func (s *Server) setExtraTime(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	fe := store.FieldErrors{}
	percent := formInt(fe, "extraTimePercent", c.FormValue("extraTimePercent"), 0)
	started := false
	if len(fe) == 0 {
		_, err = s.db.SetExtraTime(c.Request().Context(), id, percent, s.userActor(c))
		if started = errors.Is(err, store.ErrAlreadyStarted); !started {
			if bad, ok := asFieldErrors(err); ok {
				fe = bad
			} else if err != nil {
				return err
			}
		}
	}
	if len(fe) > 0 || started {
		d, err := s.invitationDetail(c, id)
		if err != nil {
			return err
		}
		status := http.StatusUnprocessableEntity
		if d.Errors = fe; started { // the form is gone from the page: say it at the top
			d.Problem, status = "Extra time not changed: the candidate has started. Add minutes from the report instead.", http.StatusConflict
		}
		return render(c, status, views.InvitationPage(s.page(c, d.Row.Invitation.Name, views.SectionInvitations), d))
	}
	return flashAndRedirect(c, "Extra time set to "+strconv.Itoa(percent)+" %.", invitationPath(id))
}
