package xobin

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// Xobin's report, revoke and shareable-report calls, as app.xobin.com/api/docs
// documents "Candidate's Assessment Report", "Revoke Candidate Assessment
// Invite" and "Generate Shareable Report".

// xobinReportLinkTTL: "report_link is a signed link to the report and
// remains active for 7 days".
const xobinReportLinkTTL = 7 * 24 * time.Hour

// xobinCompletedDate is how Xobin writes completed_date ("Jul 05, 2025, 4:42:45 AM").
const xobinCompletedDate = "Jan 02, 2006, 3:04:05 PM"

type xobinSection struct {
	Percentage     *float64         `json:"percentage"`
	Section        string           `json:"section"`
	SkillWiseScore []map[string]any `json:"skill_wise_score"`
}

type xobinRegistrationField struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// xobinPendingReport is the report before completion.
type xobinPendingReport struct {
	AssessmentID int64  `json:"assessment_id"`
	CandidateID  int64  `json:"candidate_id"`
	Email        string `json:"email"`
	InviteStatus string `json:"invite_status"`
	Name         string `json:"name"`
	ReportID     int64  `json:"report_id"`
}

// xobinCompletedReport is the report of a completed attempt.
type xobinCompletedReport struct {
	xobinPendingReport
	CompletedDate      string                   `json:"completed_date"`
	CutOff             int                      `json:"cut_off"`
	OfftabCount        int                      `json:"offtab_count"`
	OverallPercentage  float64                  `json:"overall_percentage"`
	RegistrationFields []xobinRegistrationField `json:"registration_fields"`
	ReportLink         string                   `json:"report_link"`
	Sections           []xobinSection           `json:"sections"`
}

// xobinReportBody is an invitation's report in the shape its state calls for.
func (h *Handler) xobinReportBody(inv store.Invitation) any {
	pending := xobinPendingReport{AssessmentID: inv.TestID, CandidateID: inv.PersonID, Email: inv.Email,
		InviteStatus: xobinStatus(inv.Status), Name: inv.Name, ReportID: inv.ID}
	if inv.Status != store.StatusCompleted {
		return pending
	}
	r := xobinCompletedReport{xobinPendingReport: pending, CutOff: inv.PassingScore, OfftabCount: inv.FocusLostCount,
		RegistrationFields: []xobinRegistrationField{},
		Sections:           []xobinSection{{Section: inv.TestName, SkillWiseScore: []map[string]any{}}}}
	if inv.CompletedAt != nil {
		r.CompletedDate = inv.CompletedAt.UTC().Format(xobinCompletedDate)
	}
	if p := inv.ScorePercent(); p != nil {
		r.OverallPercentage = math.Round(*p*100) / 100
		r.Sections[0].Percentage = &r.OverallPercentage
	}
	r.ReportLink, _ = h.Reports.ReportLink(inv.ID, xobinReportLinkTTL)
	return r
}

// Report: GET /assessments/report/{report_id}.
func (h *Handler) Report(c echo.Context) error {
	inv, err := h.xobinPathInvitation(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h.xobinReportBody(inv))
}

func (h *Handler) xobinPathInvitation(c echo.Context) (store.Invitation, error) {
	id, err := strconv.ParseInt(c.Param("report_id"), 10, 64)
	if err != nil || id <= 0 {
		return store.Invitation{}, xobinFail(http.StatusNotFound, "No report with this report_id.")
	}
	inv, err := h.DB.Invitation(c.Request().Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return inv, xobinFail(http.StatusNotFound, "No report with this report_id.")
	}
	return inv, err
}

// ShareReport: POST /assessments/reports/{report_id}/{share|download}
// {expiration_hours}: a signed link valid 15 minutes to 24 hours (1 by
// default), or the PDF itself.
func (h *Handler) ShareReport(c echo.Context) error {
	inv, err := h.xobinPathInvitation(c)
	if err != nil {
		return err
	}
	option := c.Param("option")
	if option != "share" && option != "download" {
		return xobinFail(http.StatusBadRequest, "option must be share or download.")
	}
	hours, err := expirationHours(c, 0.25)
	if errors.Is(err, errBadExpiration) {
		return xobinFail(http.StatusBadRequest, "expiration_hours must be between 0.25 (15 minutes) and 24.")
	} else if err != nil {
		return err
	}
	if inv.Status != store.StatusCompleted {
		return xobinFail(http.StatusBadRequest, "The candidate has not completed the assessment yet.")
	}
	if option == "download" {
		return h.Reports.ServePDF(c, inv.ID)
	}
	link, expires := h.Reports.ReportLink(inv.ID, time.Duration(hours*float64(time.Hour)))
	return c.JSON(http.StatusOK, struct {
		SignedURL       string  `json:"signed_url"`
		ExpiresAt       string  `json:"expires_at"`
		ExpirationHours float64 `json:"expiration_hours"`
		ReportID        int64   `json:"report_id"`
		AssessmentID    int64   `json:"assessment_id"`
	}{link, expires.UTC().Format("2006-01-02T15:04:05"), hours, inv.ID, inv.TestID})
}

// errBadExpiration is an expiration_hours that is not a number in range.
var errBadExpiration = errors.New("xobin: expiration_hours out of range")

// expirationHours reads the optional {"expiration_hours": h} of a share
// call: 1 by default, at least least and at most 24. A request body that
// cannot be read is the caller's error as it is.
func expirationHours(c echo.Context, least float64) (float64, error) {
	body, err := apihttp.ReadBody(c)
	if err != nil {
		return 0, err
	}
	hours := 1.0
	if len(bytes.TrimSpace(body)) > 0 {
		var req struct {
			ExpirationHours *float64 `json:"expiration_hours"`
		}
		if json.Unmarshal(body, &req) != nil {
			return 0, errBadExpiration
		}
		if req.ExpirationHours != nil {
			hours = *req.ExpirationHours
		}
	}
	if hours < least || hours > 24 {
		return 0, errBadExpiration
	}
	return hours, nil
}

// Revoke: POST /assessments/invite/revoke {report_id, notify_candidate}.
func (h *Handler) Revoke(c echo.Context) error {
	f, err := xobinFields(c)
	if err != nil {
		return err
	}
	id, err := xobinID(f, "report_id")
	if err != nil {
		return err
	}
	notify := false
	if raw, ok := f["notify_candidate"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &notify); err != nil {
			return xobinFail(http.StatusBadRequest, "notify_candidate must be true or false.")
		}
	}
	ctx := c.Request().Context()
	if reached, err := apihttp.Reaches(c, h.DB, "invitations", id); err != nil {
		return err
	} else if !reached {
		return xobinFail(http.StatusNotFound, "No report with this report_id.")
	}
	inv, err := h.DB.Invitation(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return xobinFail(http.StatusNotFound, "No report with this report_id.")
	}
	if err != nil {
		return err
	}
	type answer struct {
		Status   string `json:"status"`
		Message  string `json:"message"`
		ReportID int64  `json:"report_id"`
	}
	notAllowed := answer{"NOT_ALLOWED", "Invite cannot be revoked once the candidate has started the assessment.", id}
	switch {
	case inv.Status == store.StatusCancelled:
		return c.JSON(http.StatusOK, answer{"ALREADY_REVOKED", "Invite already revoked", id})
	case !inv.Status.NotStarted():
		return c.JSON(http.StatusOK, notAllowed)
	}
	if _, err := h.DB.RevokeInvitation(ctx, id, notify, apihttp.Actor(c)); errors.Is(err, store.ErrAlreadyStarted) {
		return c.JSON(http.StatusOK, notAllowed)
	} else if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, answer{"REVOKED", "Invite Revoked successfully.", id})
}
