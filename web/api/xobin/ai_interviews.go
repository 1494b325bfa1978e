package xobin

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// Xobin's AI interview calls, as app.xobin.com/api/docs documents "Invite
// Candidate to an AI Interview", "Candidates Invited for an AI Interview",
// "Candidate's AI Interview Report" and "Generate Shareable Report". An AI
// interview is a Testgate interview test; its response_id is the
// invitation's id. Testgate does not interview by AI: the conversation is
// the questions and the candidate's written answers, the score is the
// reviewer's, and what only an AI would write (candidate_summary, the
// skill-wise scores, recordings) is empty.

type aiInvite struct {
	Email           string `json:"email"`
	AIInterviewID   int64  `json:"ai_interview_id"`
	AIInterviewName string `json:"ai_interview_name"`
	ResponseID      int64  `json:"response_id"`
	InviteLink      string `json:"invite_link"`
	Name            string `json:"name"`
	Status          string `json:"status"`
	CustomFieldID   string `json:"custom_field_id"`
}

// AIInterviewInvite: POST /ai-interviews/invite {candidate_name,
// candidate_email, ai_interview_id, invite_format, start_date,
// expiry_date, custom_field_id}; the dates are GMT, "YYYY-MM-DD HH:MM".
func (h *Handler) AIInterviewInvite(c echo.Context) error {
	f, err := xobinFields(c)
	if err != nil {
		return err
	}
	name, err := xobinString(f, "candidate_name", true)
	if err != nil {
		return err
	}
	email, err := xobinString(f, "candidate_email", true)
	if err != nil {
		return err
	}
	if !store.ValidEmail(email) {
		return xobinFail(http.StatusBadRequest, "candidate_email is not a valid email address.")
	}
	custom, err := xobinString(f, "custom_field_id", false)
	if err != nil {
		return err
	}
	start, err := xobinString(f, "start_date", false)
	if err != nil {
		return err
	}
	target, err := h.xobinInviteTarget(c, f, "ai_interview_id", store.KindInterview, "invite_format")
	if err != nil {
		return err
	}
	n := target.invitation(name, email, apihttp.Actor(c))
	n.ExternalID = custom
	if start != "" {
		t, err := time.ParseInLocation("2006-01-02 15:04", start, time.UTC)
		if err != nil {
			return xobinFail(http.StatusBadRequest, "start_date must be YYYY-MM-DD HH:MM (GMT), e.g. 2025-07-14 12:00.")
		}
		if target.expires != nil && !target.expires.After(t) {
			return xobinFail(http.StatusBadRequest, "expiry_date must be later than start_date.")
		}
		n.ValidFrom = &t
	}
	res, err := h.DB.Invite(c.Request().Context(), n)
	switch {
	case errors.Is(err, store.ErrClosed):
		return xobinFail(http.StatusConflict, "%s", err.Error())
	case err != nil:
		return err
	}
	inv := res.Invitation
	return c.JSON(http.StatusOK, aiInvite{inv.Email, inv.TestID, inv.TestName, inv.ID, h.URLs.TestURL(inv), inv.Name,
		xobinStatus(inv.Status), inv.ExternalID})
}

type aiInvited struct {
	AIInterviewID int64  `json:"ai_interview_id"`
	CandidateID   int64  `json:"candidate_id"`
	InviteStatus  string `json:"invite_status"`
	LastUpdatedAt string `json:"last_updated_at"` // HTTP date
	ResponseID    int64  `json:"response_id"`
}

// maxInvitedList bounds one answer of the invited list.
const maxInvitedList = 10_000

// AIInterviewInvited: GET /ai-interviews/invited/{ai_interview_id}, every
// candidate invited, oldest first.
func (h *Handler) AIInterviewInvited(c echo.Context) error {
	t, err := h.aiInterview(c, c.Param("ai_interview_id"))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	out := []aiInvited{}
	for page := 1; len(out) < maxInvitedList; page++ {
		invs, total, err := h.DB.Invitations(ctx, store.InvitationFilter{TestID: t.ID, Sort: "created", Page: page, PageSize: store.MaxPageSize})
		if err != nil {
			return err
		}
		for _, inv := range invs {
			out = append(out, aiInvited{inv.TestID, inv.PersonID, xobinStatus(inv.Status), inv.UpdatedAt.UTC().Format(http.TimeFormat), inv.ID})
		}
		if page*store.MaxPageSize >= total {
			break
		}
	}
	return c.JSON(http.StatusOK, out)
}

// aiInterview finds an interview test of the key's by its id.
func (h *Handler) aiInterview(c echo.Context, raw string) (store.Test, error) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return store.Test{}, xobinFail(http.StatusNotFound, "No AI interview with this ai_interview_id.")
	}
	reached, err := apihttp.Reaches(c, h.DB, "tests", id)
	if err != nil {
		return store.Test{}, err
	}
	t, err := h.DB.Test(c.Request().Context(), id)
	if !reached || errors.Is(err, store.ErrNotFound) || err == nil && t.Kind != store.KindInterview {
		return store.Test{}, xobinFail(http.StatusNotFound, "No AI interview with this ai_interview_id.")
	}
	return t, err
}

// aiResponse finds the response (an invitation of an interview test) a
// request names, by response_id in the path or ?custom_field_id=.
func (h *Handler) aiResponse(c echo.Context) (store.Invitation, error) {
	ctx := c.Request().Context()
	notFound := xobinFail(http.StatusNotFound, "No AI interview report for this response.")
	var inv store.Invitation
	if raw := c.Param("response_id"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			return inv, notFound
		}
		if reached, err := apihttp.Reaches(c, h.DB, "invitations", id); err != nil || !reached {
			return inv, cmpErr(err, notFound)
		}
		if inv, err = h.DB.Invitation(ctx, id); errors.Is(err, store.ErrNotFound) {
			return inv, notFound
		} else if err != nil {
			return inv, err
		}
	} else {
		custom := strings.TrimSpace(c.QueryParam("custom_field_id"))
		if custom == "" {
			return inv, xobinFail(http.StatusBadRequest, "response_id or custom_field_id is required.")
		}
		invs, _, err := h.DB.Invitations(ctx, store.InvitationFilter{ExternalID: custom, Teams: apihttp.Teams(c), Sort: "created", Desc: true, PageSize: 1})
		if err != nil {
			return inv, err
		}
		if len(invs) == 0 {
			return inv, notFound
		}
		inv = invs[0]
	}
	t, err := h.DB.Test(ctx, inv.TestID)
	if err != nil {
		return inv, err
	}
	if t.Kind != store.KindInterview {
		return inv, notFound
	}
	return inv, nil
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

type aiTurn struct {
	Content   string `json:"content"`
	Mode      string `json:"mode"`
	Role      string `json:"role"`
	Timestamp int64  `json:"timestamp"` // milliseconds
}

type aiSkills struct {
	MustHaves   []any `json:"must_haves"`
	NiceToHaves []any `json:"nice_to_haves"`
}

type aiReport struct {
	AIInterviewID      int64             `json:"ai_interview_id"`
	AIInterviewName    string            `json:"ai_interview_name"`
	CandidateEmail     string            `json:"candidate_email"`
	CandidateID        int64             `json:"candidate_id"`
	CandidateName      string            `json:"candidate_name"`
	CandidateSummary   string            `json:"candidate_summary"`
	CompletedDate      string            `json:"completed_date"`
	IntegrityScore     *float64          `json:"integrity_score"`
	InviteStatus       string            `json:"invite_status"`
	PDFLink            string            `json:"pdf_link"`
	Recommendation     string            `json:"recommendation"`
	ResponseID         int64             `json:"response_id"`
	CustomFieldID      string            `json:"custom_field_id"`
	Score              *int              `json:"score"`
	ReportLink         string            `json:"report_link"`
	InterviewRecording map[string]string `json:"interview_recording"`
	SkillWiseScores    aiSkills          `json:"skill_wise_scores"`
	Conversation       []aiTurn          `json:"conversation"`
}

// AIInterviewReport: GET /ai-interviews/report/{response_id} or
// ?custom_field_id=, once the interview is completed.
func (h *Handler) AIInterviewReport(c echo.Context) error {
	inv, err := h.aiResponse(c)
	if err != nil {
		return err
	}
	if inv.Status != store.StatusCompleted {
		return xobinFail(http.StatusBadRequest, "The candidate has not completed the AI interview yet.")
	}
	ctx := c.Request().Context()
	qs, err := h.DB.AttemptQuestions(ctx, inv)
	if err != nil {
		return err
	}
	answers, err := h.DB.Answers(ctx, inv.ID)
	if err != nil {
		return err
	}
	link, _ := h.Reports.ReportLink(inv.ID, apihttp.ReportLinkTTL)
	r := aiReport{AIInterviewID: inv.TestID, AIInterviewName: inv.TestName, CandidateEmail: inv.Email, CandidateID: inv.PersonID,
		CandidateName: inv.Name, InviteStatus: xobinStatus(inv.Status), PDFLink: link, ReportLink: link, ResponseID: inv.ID,
		CustomFieldID: inv.ExternalID, InterviewRecording: map[string]string{},
		SkillWiseScores: aiSkills{MustHaves: []any{}, NiceToHaves: []any{}}, Conversation: []aiTurn{}}
	if inv.CompletedAt != nil {
		r.CompletedDate = inv.CompletedAt.UTC().Format("Jan 02, 2006, 3:04:05 PM")
	}
	if p := inv.ScorePercent(); p != nil && inv.Final() {
		score := int(math.Round(*p))
		r.Score = &score
		r.Recommendation = "Not Recommended"
		if inv.Passed() {
			r.Recommendation = "Recommended"
		}
	}
	at := inv.StartedAt
	for _, q := range qs {
		ts := int64(0)
		if at != nil {
			ts = at.UnixMilli()
		}
		r.Conversation = append(r.Conversation, aiTurn{Content: q.Text, Mode: "text", Role: "assistant", Timestamp: ts})
		if a, ok := answers[q.ID]; ok && q.Rules().Answered(q, a) {
			r.Conversation = append(r.Conversation, aiTurn{Content: q.Rules().Words(q, a), Mode: "text", Role: "user", Timestamp: a.UpdatedAt.UnixMilli()})
		}
	}
	return c.JSON(http.StatusOK, r)
}

// AIInterviewShare: POST /ai-interviews/report/{response_id}/{share|download}
// {expiration_hours}: a signed link valid 1 minute to 24 hours (1 by
// default), or the PDF itself.
func (h *Handler) AIInterviewShare(c echo.Context) error {
	inv, err := h.aiResponse(c)
	if err != nil {
		return err
	}
	option := c.Param("option")
	if option != "share" && option != "download" {
		return xobinFail(http.StatusBadRequest, "option must be share or download.")
	}
	hours, err := expirationHours(c, 1.0/60)
	if errors.Is(err, errBadExpiration) {
		return xobinFail(http.StatusBadRequest, "expiration_hours must be between 1 minute and 24 hours")
	} else if err != nil {
		return err
	}
	if inv.Status != store.StatusCompleted {
		return xobinFail(http.StatusBadRequest, "The candidate has not completed the AI interview yet.")
	}
	if option == "download" {
		return h.Reports.ServePDF(c, inv.ID)
	}
	link, expires := h.Reports.ReportLink(inv.ID, time.Duration(hours*float64(time.Hour)))
	return c.JSON(http.StatusOK, struct {
		SignedURL       string  `json:"signed_url"`
		ExpiresAt       string  `json:"expires_at"`
		ExpirationHours float64 `json:"expiration_hours"`
		ResponseID      int64   `json:"response_id"`
		AIInterviewID   int64   `json:"ai_interview_id"`
	}{link, expires.UTC().Format("2006-01-02T15:04:05"), hours, inv.ID, inv.TestID})
}
