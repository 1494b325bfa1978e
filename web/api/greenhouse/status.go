package greenhouse

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// testStatus is test_status's answer. Greenhouse polls until partner_status
// is "complete" (or 8 weeks pass), then shows the score and links to the
// profile URL; metadata holds flat, primitive values only.
type testStatus struct {
	PartnerStatus     string         `json:"partner_status"`
	PartnerProfileURL *string        `json:"partner_profile_url"`
	PartnerScore      *float64       `json:"partner_score"`
	Metadata          map[string]any `json:"metadata"`
}

// partnerStatus words where an attempt stands: "complete" once its score
// is final (written answers graded), Testgate's own words before.
func partnerStatus(inv store.Invitation) string {
	switch {
	case inv.Final():
		return "complete"
	case inv.Status == store.StatusCompleted:
		return "awaiting_review"
	case inv.Status == store.StatusStarted:
		return "in_progress"
	case inv.Status == store.StatusExpired:
		return "expired"
	case inv.Status == store.StatusCancelled:
		return "cancelled"
	}
	return "invited"
}

// TestStatus: GET test_status?partner_interview_id=.
func (h *Handler) TestStatus(c echo.Context) error {
	if err := h.enabled(c); err != nil {
		return err
	}
	inv, err := h.interview(c, c.QueryParam("partner_interview_id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h.statusOf(inv))
}

// statusOf is test_status's answer for an invitation.
func (h *Handler) statusOf(inv store.Invitation) testStatus {
	out := testStatus{PartnerStatus: partnerStatus(inv), Metadata: map[string]any{"Test": inv.TestName, "Status": string(inv.Status)}}
	if inv.StartedAt != nil {
		out.Metadata["Started At"] = inv.StartedAt.UTC().Format(time.RFC3339)
	}
	if inv.CompletedAt != nil {
		out.Metadata["Completed At"] = inv.CompletedAt.UTC().Format(time.RFC3339)
	}
	if out.PartnerStatus == "complete" {
		profile := h.URLs.BaseURL() + "/invitations/" + strconv.FormatInt(inv.ID, 10) + "/report"
		out.PartnerProfileURL = &profile
		out.PartnerScore = inv.ScorePercent()
		out.Metadata["Score"] = strconv.Itoa(*inv.Score) + " / " + strconv.Itoa(*inv.MaxScore)
		out.Metadata["Result"] = inv.Outcome()
		if band := inv.Band(); band != "" {
			out.Metadata["Band"] = band
		}
		pdf, until := h.Reports.ReportLink(inv.ID, apihttp.ReportLinkTTL)
		out.Metadata["Report (PDF)"] = pdf
		out.Metadata["Report link works until"] = until.UTC().Format(time.RFC3339)
	}
	return out
}

// interview loads the invitation a partner_interview_id names, if Greenhouse
// sent it and the key's team reaches it; anything else is a 404.
func (h *Handler) interview(c echo.Context, raw string) (store.Invitation, error) {
	notFound := echo.NewHTTPError(http.StatusNotFound, "No test was sent with this partner_interview_id.")
	id, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
	if err != nil || id <= 0 {
		return store.Invitation{}, notFound
	}
	if reached, err := apihttp.Reaches(c, h.DB, "invitations", id); err != nil {
		return store.Invitation{}, err
	} else if !reached {
		return store.Invitation{}, notFound
	}
	inv, err := h.DB.Invitation(c.Request().Context(), id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && inv.Source != store.SourceGreenhouse) {
		return store.Invitation{}, notFound
	}
	return inv, err
}

// responseError is what Greenhouse reports of an answer it could not read.
type responseError struct {
	APICall            string   `json:"api_call"`
	Errors             []string `json:"errors"`
	PartnerTestID      any      `json:"partner_test_id"`
	PartnerTestName    string   `json:"partner_test_name"`
	PartnerInterviewID any      `json:"partner_interview_id"`
	CandidateEmail     string   `json:"candidate_email"`
}

// ResponseError: POST response_error. The report is logged for whoever
// runs Testgate (the audit log holds the call) and acknowledged with 200.
func (h *Handler) ResponseError(c echo.Context) error {
	body, err := apihttp.ReadBody(c)
	if err != nil {
		return err
	}
	var rep responseError
	if err := json.Unmarshal(body, &rep); err != nil || rep.APICall == "" {
		return echo.NewHTTPError(http.StatusBadRequest, "The request body must be the JSON object response_error sends, with api_call and errors.")
	}
	h.Log.Warn("greenhouse could not read an answer", "api_call", rep.APICall, "errors", rep.Errors,
		"partner_test_id", rep.PartnerTestID, "partner_interview_id", rep.PartnerInterviewID)
	return c.NoContent(http.StatusOK)
}

// integration is Greenhouse's settings, refusing every call while it is
// switched off.
func (h *Handler) integration(c echo.Context) (store.ATSIntegration, error) {
	a, err := h.DB.ATSIntegration(c.Request().Context(), store.ATSGreenhouse)
	if err != nil {
		return a, err
	}
	if !a.Enabled {
		return a, echo.NewHTTPError(http.StatusUnauthorized, "The Greenhouse integration is switched off in Testgate (Settings → Integrations).")
	}
	return a, nil
}

func (h *Handler) enabled(c echo.Context) error {
	_, err := h.integration(c)
	return err
}

// callbackBody is what a delivery to Greenhouse records: the PATCH itself
// carries no body ("no parameters are necessary"), so this is for the
// deliveries page, saying which attempt and what changed.
type callbackBody struct {
	PartnerInterviewID string `json:"partner_interview_id"`
	Event              string `json:"event"`
	PartnerStatus      string `json:"partner_status"`
}

// CallbackBody: every change of a Greenhouse attempt is announced, so that
// Greenhouse asks test_status at once.
func (h *Handler) CallbackBody(event string, inv store.Invitation, _ string, _ time.Time) ([]byte, error) {
	return json.Marshal(callbackBody{PartnerInterviewID: strconv.FormatInt(inv.ID, 10), Event: event, PartnerStatus: partnerStatus(inv)})
}
