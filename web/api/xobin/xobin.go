package xobin

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

// Handler answers the Xobin dialect's routes; web wires it with the
// collaborators every dialect shares.
type Handler struct{ apihttp.Base }

// The Xobin dialect (seeds 001 and 003): header apiKey, snake_case fields,
// errors as {"error": "..."}. Requests name no link: the test's default
// link is used.

type xobinError struct {
	Error string `json:"error"`
}

// WriteError answers an error as Xobin does: {"error": "…"}, every field
// problem named, in field order.
func WriteError(c echo.Context, status int, message string, fields store.FieldErrors) error {
	if status == http.StatusNotFound && message == apihttp.NotFoundMessage {
		message = "Not found."
	}
	if len(fields) > 0 {
		parts := make([]string, 0, len(fields))
		for _, f := range fields.Fields() {
			parts = append(parts, f+" "+fields[f])
		}
		message = strings.Join(parts, "; ")
	}
	return c.JSON(status, xobinError{Error: message})
}

func xobinFail(status int, format string, args ...any) error {
	return echo.NewHTTPError(status, fmt.Sprintf(format, args...))
}

// RequireKey reads the key from the apiKey header.
func (h *Handler) RequireKey(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		key := strings.TrimSpace(c.Request().Header.Get("apiKey"))
		if key == "" {
			return xobinFail(http.StatusUnauthorized, "The apiKey header is required.")
		}
		k, err := h.DB.APIKeyBySecret(c.Request().Context(), key)
		if errors.Is(err, store.ErrNotFound) {
			return xobinFail(http.StatusUnauthorized, "The apiKey is not valid.")
		}
		if err != nil {
			return err
		}
		apihttp.Authenticated(c, h.DB, h.Log, k)
		return next(c)
	}
}

// xobinFields decodes the body with lower-cased keys.
func xobinFields(c echo.Context) (map[string]json.RawMessage, error) {
	f, ok, err := apihttp.ObjectFields(c)
	if err == nil && !ok {
		err = xobinFail(http.StatusBadRequest, "The request body must be a JSON object.")
	}
	return f, err
}

func xobinString(f map[string]json.RawMessage, name string, required bool) (string, error) {
	raw, ok := f[name]
	if !ok || string(raw) == "null" {
		if required {
			return "", xobinFail(http.StatusBadRequest, "%s is required.", name)
		}
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", xobinFail(http.StatusBadRequest, "%s must be a string.", name)
	}
	s = strings.TrimSpace(s)
	if s == "" && required {
		return "", xobinFail(http.StatusBadRequest, "%s is required.", name)
	}
	return s, nil
}

// xobinID reads an integer id given as a number or a string of digits.
func xobinID(f map[string]json.RawMessage, name string) (int64, error) {
	raw, ok := f[name]
	if !ok || string(raw) == "null" {
		return 0, xobinFail(http.StatusBadRequest, "%s is required.", name)
	}
	text := strings.Trim(string(raw), `"`)
	id, err := strconv.ParseInt(strings.TrimSpace(text), 10, 64)
	if err != nil || id <= 0 {
		return 0, xobinFail(http.StatusBadRequest, "%s must be a positive integer.", name)
	}
	return id, nil
}

// xobinStatus is how Xobin words an invitation's state (invite_status:
// Pending, Started, Completed on its report page; Expired and Revoked for
// the states its pages name in words).
func xobinStatus(s store.InvitationStatus) string {
	switch s {
	case store.StatusInvited, store.StatusOpened:
		return "Pending"
	case store.StatusStarted:
		return "Started"
	case store.StatusCompleted:
		return "Completed"
	case store.StatusExpired:
		return "Expired"
	default:
		return "Revoked"
	}
}

// xobinTarget is what every invite request names besides its candidates:
// the test, whether to email (sendlink) and the link's expiry.
type xobinTarget struct {
	test    store.Test
	send    bool
	expires *time.Time
}

// xobinInviteTarget reads the test and options of an invite request.
func (h *Handler) xobinInviteTarget(c echo.Context, f map[string]json.RawMessage, idField string, kind store.TestKind, formatFields ...string) (xobinTarget, error) {
	testID, err := xobinID(f, idField)
	if err != nil {
		return xobinTarget{}, err
	}
	format := "getlink"
	for _, field := range formatFields {
		if v, err := xobinString(f, field, false); err != nil {
			return xobinTarget{}, err
		} else if v != "" {
			format = strings.ToLower(v)
		}
	}
	if format != "getlink" && format != "sendlink" {
		return xobinTarget{}, xobinFail(http.StatusBadRequest, "%s must be getlink or sendlink.", formatFields[0])
	}
	var target xobinTarget
	if raw, err := xobinString(f, "expiry_date", false); err != nil {
		return xobinTarget{}, err
	} else if raw != "" {
		t, err := time.ParseInLocation("2006-01-02 15:04", raw, time.UTC)
		if err != nil {
			return xobinTarget{}, xobinFail(http.StatusBadRequest, "expiry_date must be YYYY-MM-DD HH:MM (UTC), e.g. 2024-12-31 18:30.")
		}
		if !t.After(h.DB.Now()) {
			return xobinTarget{}, xobinFail(http.StatusBadRequest, "expiry_date must be in the future.")
		}
		target.expires = &t
	}
	reached, err := apihttp.Reaches(c, h.DB, "tests", testID)
	if err != nil {
		return xobinTarget{}, err
	}
	t, err := h.DB.Test(c.Request().Context(), testID)
	if !reached || errors.Is(err, store.ErrNotFound) || (err == nil && t.Kind != kind) {
		return xobinTarget{}, xobinFail(http.StatusNotFound, "No %s with this %s.", strings.ReplaceAll(strings.TrimSuffix(idField, "_id"), "_", " "), idField)
	}
	if err != nil {
		return xobinTarget{}, err
	}
	target.test, target.send = t, format == "sendlink"
	return target, nil
}

// invitation is the request to invite one candidate to the target.
func (t xobinTarget) invitation(name, email, actor string) store.NewInvitation {
	send := t.send
	return store.NewInvitation{TestID: t.test.ID, Name: name, Email: email, SendEmail: &send, ExpiresAt: t.expires,
		Source: store.SourceXobin, Actor: actor}
}

// xobinInvite is the shared core of both single invite endpoints.
func (h *Handler) xobinInvite(c echo.Context, idField string, kind store.TestKind, formatFields ...string) (store.Invitation, error) {
	f, err := xobinFields(c)
	if err != nil {
		return store.Invitation{}, err
	}
	name, err := xobinString(f, "candidate_name", true)
	if err != nil {
		return store.Invitation{}, err
	}
	email, err := xobinString(f, "candidate_email", true)
	if err != nil {
		return store.Invitation{}, err
	}
	if !store.ValidEmail(email) {
		return store.Invitation{}, xobinFail(http.StatusBadRequest, "candidate_email is not a valid email address.")
	}
	target, err := h.xobinInviteTarget(c, f, idField, kind, formatFields...)
	if err != nil {
		return store.Invitation{}, err
	}
	res, err := h.DB.Invite(c.Request().Context(), target.invitation(name, email, apihttp.Actor(c)))
	switch {
	case errors.Is(err, store.ErrClosed):
		return store.Invitation{}, xobinFail(http.StatusConflict, "%s", err.Error())
	case err != nil:
		return store.Invitation{}, err
	}
	return res.Invitation, nil
}

// AssessmentInvite: POST /assessments/invite (seed 001).
func (h *Handler) AssessmentInvite(c echo.Context) error {
	inv, err := h.xobinInvite(c, "assessment_id", store.KindAssessment, "invite_format", "invite_type")
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h.toXobinInvite(inv))
}

// xobinInviteAnswer is one invited candidate, as both assessment invite
// pages answer it.
type xobinInviteAnswer struct {
	Email        string `json:"email"`
	ReportID     int64  `json:"report_id,omitempty"`
	CandidateID  int64  `json:"candidate_id,omitempty"` // the person's: the same in every assessment
	AssessmentID int64  `json:"assessment_id"`
	InviteLink   string `json:"invite_link,omitempty"`
	Name         string `json:"name"`
	Status       string `json:"status"`
	Error        string `json:"error,omitempty"` // bulk: why this candidate was not invited
}

func (h *Handler) toXobinInvite(inv store.Invitation) xobinInviteAnswer {
	return xobinInviteAnswer{inv.Email, inv.ID, inv.PersonID, inv.TestID, h.URLs.TestURL(inv), inv.Name, xobinStatus(inv.Status), ""}
}

// InterviewInvite: POST /automated-interviews/invite (seed 003), with
// the documented spelling interview_reponse_id.
func (h *Handler) InterviewInvite(c echo.Context) error {
	inv, err := h.xobinInvite(c, "interview_id", store.KindInterview, "invite_format", "invite_type")
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Name               string `json:"name"`
		Email              string `json:"email"`
		InterviewName      string `json:"interview_name"`
		InterviewReponseID int64  `json:"interview_reponse_id"`
		InterviewID        int64  `json:"interview_id"`
		InviteLink         string `json:"invite_link"`
		Status             string `json:"status"`
	}{inv.Name, inv.Email, inv.TestName, inv.ID, inv.TestID, h.URLs.TestURL(inv), xobinStatus(inv.Status)})
}
