// Package ashby is Ashby's Assessments Partner API with Testgate as the
// partner (developers.ashbyhq.com, "Creating an Assessments Integration"):
// Ashby lists the key's team's tests (assessment.list), starts an
// assessment for a candidate (assessment.start: Testgate invites and emails
// them) and cancels it (assessment.cancel); Testgate calls Ashby's
// assessment.update as the attempt moves, through the durable callback
// deliveries, with the Ashby API key an admin keeps in Settings →
// Integrations.
package ashby

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// PublicAPI is Ashby's API, where assessment.update is called unless the
// integration names another.
const PublicAPI = "https://api.ashbyhq.com"

// Handler answers Ashby's calls.
type Handler struct{ apihttp.Base }

// ashbyErrors is Ashby's error envelope: {"success": false, "errors": [...]}.
type ashbyErrors struct {
	Success bool     `json:"success"`
	Errors  []string `json:"errors"`
}

// WriteError answers every refusal in Ashby's envelope.
func WriteError(c echo.Context, status int, message string, fields store.FieldErrors) error {
	if status == http.StatusNotFound && message == apihttp.NotFoundMessage {
		message = "Not found."
	}
	out := ashbyErrors{}
	for _, f := range fields.Fields() {
		out.Errors = append(out.Errors, f+" "+fields[f])
	}
	if len(out.Errors) == 0 {
		out.Errors = []string{message}
	}
	return c.JSON(status, out)
}

// shown is assessment.start's documented 422: a message Ashby shows its
// user as it is.
func shown(c echo.Context, message string) error {
	return c.JSON(http.StatusUnprocessableEntity, struct {
		Message string `json:"message"`
	}{message})
}

// assessmentType is one entry of assessment.list.
type assessmentType struct {
	AssessmentTypeID string `json:"assessment_type_id"`
	Name             string `json:"name"`
	Description      string `json:"description"`
}

// List: POST assessment.list, the active tests the key's team reaches. Its
// body is an empty object; no body at all is taken as one.
func (h *Handler) List(c echo.Context) error {
	if _, err := h.integration(c); err != nil {
		return err
	}
	body, err := apihttp.ReadBody(c)
	if err != nil {
		return err
	}
	var req map[string]any
	if len(bytes.TrimSpace(body)) > 0 && (json.Unmarshal(body, &req) != nil || req == nil) {
		return echo.NewHTTPError(http.StatusBadRequest, "The request body must be a JSON object ({} will do).")
	}
	tests, err := h.DB.Tests(c.Request().Context(), store.TestFilter{Teams: apihttp.Teams(c)})
	if err != nil {
		return err
	}
	out := make([]assessmentType, 0, len(tests))
	for _, t := range tests {
		out = append(out, assessmentType{AssessmentTypeID: strconv.FormatInt(t.ID, 10), Name: t.Name,
			Description: strconv.Itoa(t.DurationMinutes) + " minutes, " + strconv.Itoa(t.Given) + " questions"})
	}
	return c.JSON(http.StatusOK, struct {
		Success bool             `json:"success"`
		Results []assessmentType `json:"results"`
	}{true, out})
}

// startRequest is assessment.start's body; properties Ashby may add are
// ignored.
type startRequest struct {
	AssessmentTypeID json.RawMessage `json:"assessment_type_id"`
	Candidate        struct {
		AshbyID         string `json:"ashby_id"`
		FirstName       string `json:"first_name"`
		LastName        string `json:"last_name"`
		Email           string `json:"email"`
		AshbyProfileURL string `json:"ashby_profile_url"`
	} `json:"candidate"`
	Application struct {
		AshbyID string `json:"ashby_id"`
	} `json:"application"`
	Job struct {
		AshbyID string `json:"ashby_id"`
		Name    string `json:"name"`
	} `json:"job"`
}

// Start: POST assessment.start. The candidate is invited through the link
// the integration names (else the test's default link) and emailed; the
// answer carries the assessment id and the update Ashby would be sent now.
// A candidate already being assessed on that link is 409, as documented;
// what Ashby's user can fix (an unknown test, a closed link, an address
// that is not one) is 422 with the message Ashby shows them.
func (h *Handler) Start(c echo.Context) error {
	integration, err := h.integration(c)
	if err != nil {
		return err
	}
	body, err := apihttp.ReadBody(c)
	if err != nil {
		return err
	}
	var req startRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "The request body is not the JSON object assessment.start sends.")
	}
	testID, ok := typeID(req.AssessmentTypeID)
	if !ok {
		return shown(c, "Choose one of Testgate's tests (assessment_type_id from assessment.list).")
	}
	ref := store.ATSReference{ATS: store.ATSAshby, ApplicationID: req.Application.AshbyID, CandidateID: req.Candidate.AshbyID,
		JobID: req.Job.AshbyID, ProfileURL: strings.TrimSpace(req.Candidate.AshbyProfileURL)}
	if fe := ref.Validate(); len(fe) > 0 {
		return fe
	}
	if !store.ValidEmail(strings.TrimSpace(req.Candidate.Email)) {
		return shown(c, "Testgate cannot email the test: the candidate's email address is missing or not valid.")
	}
	if reached, err := apihttp.Reaches(c, h.DB, "tests", testID); err != nil {
		return err
	} else if !reached {
		return shown(c, "Testgate has no such test for this integration's team.")
	}
	linkID, err := apihttp.LinkNamed(c, h.DB, testID, integration.LinkName)
	if err != nil {
		return err
	}
	update := strings.TrimRight(integration.BaseURL, "/")
	if update == "" {
		update = PublicAPI
	}
	update += "/assessment.update"
	send := true // Ashby leaves reaching the candidate to the partner
	res, err := h.DB.Invite(c.Request().Context(), store.NewInvitation{TestID: testID, LinkID: linkID,
		Name:  strings.TrimSpace(strings.TrimSpace(req.Candidate.FirstName) + " " + strings.TrimSpace(req.Candidate.LastName)),
		Email: strings.TrimSpace(req.Candidate.Email), Source: store.SourceAshby, Actor: apihttp.Actor(c), SendEmail: &send,
		CallbackURL: &update, ATS: &ref, NewAfterFinish: true}) // started again after a finished one: a new attempt
	var closed *store.ClosedError
	switch {
	case errors.Is(err, store.ErrTestNotFound), errors.Is(err, store.ErrNotFound):
		return shown(c, "Testgate has no such test for this integration's team.")
	case errors.As(err, &closed):
		return shown(c, "Testgate cannot start this test now: "+closed.Error())
	case err != nil:
		return err
	case !res.Created && !res.Reopened:
		return echo.NewHTTPError(http.StatusConflict, "The candidate is already being assessed with this test.")
	}
	return c.JSON(http.StatusOK, struct {
		Success bool        `json:"success"`
		Results startResult `json:"results"`
	}{true, startResult{AssessmentID: strconv.FormatInt(res.Invitation.ID, 10), UpdateRequest: h.update(res.Invitation, "")}})
}

type startResult struct {
	AssessmentID  string `json:"assessment_id"`
	UpdateRequest update `json:"update_request"`
}

// typeID reads assessment_type_id as a string (or a number).
func typeID(raw json.RawMessage) (int64, bool) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			return 0, false
		}
		s = n.String()
	}
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return id, err == nil && id > 0
}

// Cancel: POST assessment.cancel {assessment_id}. An attempt the candidate
// has started is not cancelled (409); cancelling twice changes nothing.
func (h *Handler) Cancel(c echo.Context) error {
	if _, err := h.integration(c); err != nil {
		return err
	}
	var req struct {
		AssessmentID json.RawMessage `json:"assessment_id"`
	}
	body, err := apihttp.ReadBody(c)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "The request body is not the JSON object assessment.cancel sends.")
	}
	inv, err := h.assessment(c, req.AssessmentID)
	if err != nil {
		return err
	}
	inv, err = h.DB.CancelInvitation(c.Request().Context(), inv.ID, apihttp.Actor(c))
	if errors.Is(err, store.ErrAlreadyStarted) {
		return echo.NewHTTPError(http.StatusConflict, "The candidate has started the test: it can no longer be cancelled.")
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Success bool        `json:"success"`
		Results startResult `json:"results"`
	}{true, startResult{AssessmentID: strconv.FormatInt(inv.ID, 10), UpdateRequest: h.update(inv, store.EventCancelled)}})
}

// assessment loads the invitation an assessment_id names, if Ashby started
// it and the key's team reaches it; anything else is a 404.
func (h *Handler) assessment(c echo.Context, raw json.RawMessage) (store.Invitation, error) {
	notFound := echo.NewHTTPError(http.StatusNotFound, "No assessment was started with this assessment_id.")
	id, ok := typeID(raw)
	if !ok {
		return store.Invitation{}, notFound
	}
	if reached, err := apihttp.Reaches(c, h.DB, "invitations", id); err != nil {
		return store.Invitation{}, err
	} else if !reached {
		return store.Invitation{}, notFound
	}
	inv, err := h.DB.Invitation(c.Request().Context(), id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && inv.Source != store.SourceAshby) {
		return store.Invitation{}, notFound
	}
	return inv, err
}

// integration is Ashby's settings, refusing every call while it is
// switched off.
func (h *Handler) integration(c echo.Context) (store.ATSIntegration, error) {
	a, err := h.DB.ATSIntegration(c.Request().Context(), store.ATSAshby)
	if err != nil {
		return a, err
	}
	if !a.Enabled {
		return a, echo.NewHTTPError(http.StatusUnauthorized, "The Ashby integration is switched off in Testgate (Settings → Integrations).")
	}
	return a, nil
}
