package imocha

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// iMocha's calls on invitations after the invite, as developer.imocha.io
// documents them: "Cancel Invitation", "Reattempt Test", "Retrieve Invites"
// (POST /v3/candidates/testattempts) and "Process Callbacks".

// imochaEnvelope is the {result, errors} answer of the callback API pages.
type imochaEnvelope struct {
	Result any      `json:"result"`
	Errors []string `json:"errors"`
}

// Cancel: POST /v3/invitations/{id}/cancel. Only a pending invitation
// can be cancelled; anything else, a cancelled one included, is a 400 in
// the page's {statusCode, message} shape.
func (h *Handler) Cancel(c echo.Context) error {
	id, err := apihttp.PathID(c, "id")
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "Test invitation not found.")
	}
	ctx := c.Request().Context()
	inv, err := h.DB.Invitation(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, "Test invitation not found.")
	} else if err != nil {
		return err
	}
	type failure struct {
		StatusCode int    `json:"statusCode"`
		Message    string `json:"message"`
	}
	if inv.Status == store.StatusCancelled {
		return c.JSON(http.StatusBadRequest, failure{http.StatusBadRequest, "Testinvitation is already cancelled."})
	}
	inv, err = h.DB.CancelInvitation(ctx, id, apihttp.Actor(c))
	if errors.Is(err, store.ErrAlreadyStarted) || err == nil && inv.Status != store.StatusCancelled {
		return c.JSON(http.StatusBadRequest, failure{http.StatusBadRequest,
			"Testinvitation state in inprogress, complete, and expired can not be cancelled."})
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		TestInvitationID int64  `json:"testInvitationId"`
		Status           string `json:"status"`
	}{inv.ID, "cancelled"})
}

// Reattempt: POST /v3/invitations/{id}/reattempt {CallbackUrl,
// RedirectUrl, hideInstruction, sendEmail, StartDateTime, EndDateTime,
// TimeZoneId}. Field names in any case; the new attempt keeps the old
// one's settings but the access window, which the request sets.
func (h *Handler) Reattempt(c echo.Context) error {
	id, err := apihttp.PathID(c, "id")
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "Test invitation not found.")
	}
	body, err := apihttp.ReadBody(c)
	if err != nil {
		return err
	}
	in, problems := decodeIMochaInvite(body, true)
	if in.ValidUntil != nil && !in.ValidUntil.After(h.DB.Now()) {
		problems = append(problems, "'End Date Time' must be in the future.")
	}
	if len(problems) > 0 {
		return c.JSON(http.StatusBadRequest, imochaErrors{Errors: problems})
	}
	res, err := h.DB.Reattempt(c.Request().Context(), id, store.ReattemptInput{CallbackURL: in.CallbackURL, RedirectURL: in.RedirectURL,
		HideInstruction: in.HideInstruction, SendEmail: &in.SendEmail, ValidFrom: in.ValidFrom, ValidUntil: in.ValidUntil,
		Source: store.SourceIMocha, Actor: apihttp.Actor(c)})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound, "Test invitation not found.")
	case errors.Is(err, store.ErrAttemptInProgress):
		return c.JSON(http.StatusBadRequest, imochaErrors{Errors: []string{
			fmt.Sprintf("Reattempt is not allowed on Test invitation id: %d which is in inprogress state.", id)}})
	case errors.Is(err, store.ErrClosed):
		return c.JSON(http.StatusBadRequest, imochaErrors{Errors: []string{err.Error()}})
	case err != nil:
		return err
	}
	inv := res.Invitation
	return c.JSON(http.StatusOK, struct {
		TestInvitationID      int64  `json:"testInvitationId"`
		TestURL               string `json:"testUrl"`
		CallbackURLRegistered string `json:"callbackUrlRegistered"`
		RedirectURLRegistered string `json:"redirectUrlRegistered"`
		Status                string `json:"status"`
	}{inv.ID, h.URLs.TestURL(inv), inv.CallbackURL, inv.RedirectURL, imochaStatus(inv.Status)})
}

// imochaTestAttemptStates are the ?state= values of Retrieve Invites, with
// the word each reports.
var imochaTestAttemptStates = map[string]string{
	store.EndedCompleted: "Completed", store.EndedCancelled: "Cancelled", store.EndedExpired: "Expired",
}

// TestAttempts: POST /v3/candidates/testattempts?state=completed
// {StartDateTime, EndDateTime} lists the attempts that ended in the range.
func (h *Handler) TestAttempts(c echo.Context) error {
	state := strings.ToLower(c.QueryParam("state"))
	if state == "" {
		state = store.EndedCompleted
	}
	word, ok := imochaTestAttemptStates[state]
	if !ok {
		return c.JSON(http.StatusBadRequest, imochaEnvelope{Errors: []string{"state must be completed, cancelled or expired."}})
	}
	body, err := apihttp.ReadBody(c)
	if err != nil {
		return err
	}
	fields := map[string]json.RawMessage{}
	if err := json.Unmarshal(body, &fields); err != nil {
		return c.JSON(http.StatusBadRequest, imochaEnvelope{Errors: []string{"The request body is not valid JSON."}})
	}
	var from, to time.Time
	var problems []string
	for key, dst := range map[string]*time.Time{"startdatetime": &from, "enddatetime": &to} {
		var raw string
		for k, v := range fields {
			if strings.EqualFold(k, key) {
				json.Unmarshal(v, &raw)
			}
		}
		t, ok := parseIMochaTime(raw)
		if !ok {
			problems = append(problems, map[string]string{"startdatetime": "StartDateTime", "enddatetime": "EndDateTime"}[key])
			continue
		}
		*dst = t
	}
	testID, ok := imochaTestIDFilter(fields)
	switch {
	case !ok:
		return c.JSON(http.StatusBadRequest, imochaEnvelope{Errors: []string{"testId must be a test's id."}})
	case len(problems) > 0:
		return c.JSON(http.StatusBadRequest, imochaEnvelope{Errors: []string{"Date & time is not in valid format: " +
			strings.Join(sortedStrings(problems), ", ") + ". Use UTC ISO 8601, for example 2020-06-11T16:00:00Z."}})
	case !to.After(from):
		return c.JSON(http.StatusBadRequest, imochaEnvelope{Errors: []string{"EndDateTime must be later than StartDateTime."}})
	}
	ended, err := h.DB.EndedAttempts(c.Request().Context(),
		store.EndedFilter{State: state, From: from, To: to, TestID: testID, Teams: apihttp.Teams(c)})
	if err != nil {
		return err
	}
	type attempt struct {
		TestInvitationID int64  `json:"testInvitationId"`
		TestID           int64  `json:"testId"`
		Name             string `json:"name"`
		Email            string `json:"email"`
		InvitationType   string `json:"invitationtype"`
		TestStatus       string `json:"testStatus"`
	}
	out := []attempt{}
	for _, inv := range ended {
		kind := "app" // made in the console or another surface
		if inv.Source == store.SourceIMocha {
			kind = "api"
		}
		out = append(out, attempt{inv.ID, inv.TestID, inv.Name, inv.Email, kind, word})
	}
	return c.JSON(http.StatusOK, imochaEnvelope{Result: map[string]any{"testAttempts": out}})
}

// imochaTestIDFilter reads the optional testId of Retrieve Invites. Real
// clients send it as a number (a C# long, 0 when unset) or as a string
// (Node services keep ids as strings); 0, "" and null mean every test.
func imochaTestIDFilter(fields map[string]json.RawMessage) (int64, bool) {
	for k, v := range fields {
		if strings.EqualFold(k, "testId") && string(v) != "null" {
			return jsonWholeNumber(v)
		}
	}
	return 0, true
}

// parseIMochaTime reads a UTC time as iMocha takes it: ISO 8601 with or
// without the Z (an offset is honoured), seconds optional, or a date alone
// (from midnight).
func parseIMochaTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339, imochaUTC, "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// maxReplay bounds one callback replay request, as iMocha does.
const maxReplay = 100

// ReplayCallbacks: POST /v3/callbacks/process {"testinvitationIds":
// [...]} sends each invitation's notification again.
func (h *Handler) ReplayCallbacks(c echo.Context) error {
	body, err := apihttp.ReadBody(c)
	if err != nil {
		return err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return c.JSON(http.StatusBadRequest, imochaEnvelope{Errors: []string{"The request body is not valid JSON."}})
	}
	var ids []int64
	for k, v := range raw {
		if strings.EqualFold(k, "testInvitationIds") {
			if err := json.Unmarshal(v, &ids); err != nil {
				return c.JSON(http.StatusBadRequest, imochaEnvelope{Errors: []string{"testinvitationIds must be a list of numbers."}})
			}
		}
	}
	switch {
	case len(ids) == 0:
		return c.JSON(http.StatusBadRequest, imochaEnvelope{Errors: []string{"testinvitationIds must not be empty."}})
	case len(ids) > maxReplay:
		return c.JSON(http.StatusBadRequest, imochaEnvelope{Errors: []string{fmt.Sprintf("At a time only %d records can be processed.", maxReplay)}})
	}
	// Ids the key cannot reach (unknown, or another team's) refuse the
	// whole request, as the page's failed response shows: 401, the
	// sentence, then each such id.
	unknown := []string{"testinvitationIds does not belong to account or not found"}
	teams := apihttp.Teams(c)
	for _, id := range ids {
		team, err := h.DB.TeamOf(c.Request().Context(), "invitations", id)
		switch {
		case errors.Is(err, store.ErrNotFound) || err == nil && teams != nil && !teams.Has(team):
			unknown = append(unknown, strconv.FormatInt(id, 10))
		case err != nil:
			return err
		}
	}
	if len(unknown) > 1 {
		return c.JSON(http.StatusUnauthorized, imochaEnvelope{Errors: unknown})
	}
	queued, err := h.DB.ReplayCallbacks(c.Request().Context(), ids)
	if err != nil {
		return err
	}
	inQueue := map[int64]bool{}
	for _, id := range queued {
		inQueue[id] = true
	}
	successful, failed := []int64{}, []int64{}
	for _, id := range ids {
		if inQueue[id] {
			successful = append(successful, id)
		} else {
			failed = append(failed, id)
		}
	}
	return c.JSON(http.StatusOK, imochaEnvelope{Result: map[string]any{
		"testinvitationIds": map[string][]int64{"successful": successful, "failed": failed}}})
}
