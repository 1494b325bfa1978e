package native

import (
	"cmp"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
)

type nativeInviteRequest struct {
	Email           string  `json:"email"`
	Name            string  `json:"name"`
	SendEmail       *bool   `json:"sendEmail"`
	RedirectURL     *string `json:"redirectUrl"`
	CallbackURL     *string `json:"callbackUrl"`
	HideInstruction *bool   `json:"hideInstruction"`
	ExpiresAt       *string `json:"expiresAt"`
	Lang            string  `json:"lang"` // the candidate's language; "" takes the link's
	// ExtraTimePercent lengthens this candidate's time (0–400).
	ExtraTimePercent int `json:"extraTimePercent"`
}

type nativeInvitation struct {
	ID               int64      `json:"id"`
	TestID           int64      `json:"testId"`
	LinkID           int64      `json:"linkId"`
	Email            string     `json:"email"`
	Name             string     `json:"name"`
	Status           string     `json:"status"`
	TestURL          string     `json:"testUrl"`
	Score            *int       `json:"score"`
	MaxScore         *int       `json:"maxScore"`
	Review           *string    `json:"review"` // awaiting, graded, or null: nothing to grade by hand
	Result           *string    `json:"result"` // passed or failed once the score is final
	Band             *string    `json:"band"`
	ExtraTimePercent int        `json:"extraTimePercent"`
	FocusLostCount   int        `json:"focusLostCount"`
	DeadlineAt       *time.Time `json:"deadlineAt"`
	// Sections of the attempt's paper with their scores: on a single
	// invitation's answer once the candidate started.
	Sections               []nativeAttemptSection `json:"sections,omitempty"`
	Source                 string                 `json:"source"`
	CallbackURL            string                 `json:"callbackUrl"`
	RedirectURL            string                 `json:"redirectUrl"`
	HideInstruction        bool                   `json:"hideInstruction"`
	DisableMandatoryFields bool                   `json:"disableMandatoryFields"`
	SendEmail              bool                   `json:"sendEmail"`
	ExpiresAt              *time.Time             `json:"expiresAt"`
	Lang                   string                 `json:"lang"`
	CreatedAt              time.Time              `json:"createdAt"`
	InvitedAt              time.Time              `json:"invitedAt"`
	OpenedAt               *time.Time             `json:"openedAt"`
	StartedAt              *time.Time             `json:"startedAt"`
	CompletedAt            *time.Time             `json:"completedAt"`
	ExpiredAt              *time.Time             `json:"expiredAt"`
	CancelledAt            *time.Time             `json:"cancelledAt"`
	// ErasedAt: when the candidate's data was erased (name and email are
	// then stand-ins).
	ErasedAt *time.Time `json:"erasedAt"`
}

func (h *Handler) toNativeInvitation(inv store.Invitation) nativeInvitation {
	return nativeInvitation{ID: inv.ID, TestID: inv.TestID, LinkID: inv.LinkID, Email: inv.Email, Name: inv.Name,
		Status: string(inv.Status), TestURL: h.URLs.TestURL(inv), Score: inv.Score, MaxScore: inv.MaxScore, Source: inv.Source,
		CallbackURL: inv.CallbackURL, RedirectURL: inv.RedirectURL, HideInstruction: inv.HideInstruction,
		DisableMandatoryFields: inv.DisableMandatoryFields, SendEmail: inv.SendEmail, ExpiresAt: inv.ExpiresAt,
		Lang: cmp.Or(inv.ChosenLang, inv.Lang), CreatedAt: inv.CreatedAt, InvitedAt: inv.InvitedAt, OpenedAt: inv.OpenedAt, StartedAt: inv.StartedAt,
		CompletedAt: inv.CompletedAt, ExpiredAt: inv.ExpiredAt, CancelledAt: inv.CancelledAt, ErasedAt: inv.ErasedAt,
		Review: nonEmpty(string(inv.Review)), Result: nonEmpty(inv.Outcome()), Band: nonEmpty(inv.Band()),
		ExtraTimePercent: inv.ExtraTimePercent, FocusLostCount: inv.FocusLostCount, DeadlineAt: inv.DeadlineAt}
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Invite: POST /api/native/links/{id}/invitations. 201 for a new
// invitation, 200 for the existing one of the same address.
func (h *Handler) Invite(c echo.Context) error {
	linkID, err := apihttp.PathID(c, "id")
	if err != nil {
		return err
	}
	link, err := h.DB.Link(c.Request().Context(), linkID)
	if err != nil {
		return err
	}
	var req nativeInviteRequest
	if err := apihttp.DecodeJSON(c, &req); err != nil {
		return err
	}
	parsed := store.FieldErrors{}
	n := store.NewInvitation{
		TestID: link.TestID, LinkID: link.ID, Name: req.Name, Email: req.Email, Source: store.SourceNative,
		Actor: apihttp.Actor(c), SendEmail: req.SendEmail, RedirectURL: req.RedirectURL, CallbackURL: req.CallbackURL,
		HideInstruction: req.HideInstruction, ExpiresAt: rfc3339(parsed, "expiresAt", req.ExpiresAt), Lang: req.Lang,
		ExtraTimePercent: req.ExtraTimePercent,
	}
	if n.ExpiresAt != nil && !n.ExpiresAt.After(h.DB.Now()) {
		parsed["expiresAt"] = "must be in the future"
	}
	if len(parsed) > 0 {
		return n.Validate().With(parsed)
	}
	res, err := h.DB.Invite(c.Request().Context(), n)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if res.Created || res.Reopened {
		status = http.StatusCreated
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/native/invitations/"+strconv.FormatInt(res.Invitation.ID, 10))
	return c.JSON(status, h.toNativeInvitation(res.Invitation))
}

func (h *Handler) GetInvitation(c echo.Context) error {
	id, err := apihttp.PathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	inv, err := h.DB.Invitation(ctx, id)
	if err != nil {
		return err
	}
	out := h.toNativeInvitation(inv)
	if inv.StartedAt != nil {
		qs, err := h.DB.AttemptQuestions(ctx, inv)
		if err != nil {
			return err
		}
		answers, err := h.DB.Answers(ctx, inv.ID)
		if err != nil {
			return err
		}
		out.Sections = toNativeAttemptSections(qs, answers)
	}
	return c.JSON(http.StatusOK, out)
}

func (h *Handler) CancelInvitation(c echo.Context) error {
	id, err := apihttp.PathID(c, "id")
	if err != nil {
		return err
	}
	inv, err := h.DB.CancelInvitation(c.Request().Context(), id, apihttp.Actor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h.toNativeInvitation(inv))
}

type nativeGradeRequest struct {
	QuestionID int64  `json:"questionId"`
	Points     *int   `json:"points"`
	Comment    string `json:"comment"`
}

// Grade: POST /api/native/invitations/{id}/grades scores one answer of a
// completed attempt by hand and answers the invitation with its new total.
func (h *Handler) Grade(c echo.Context) error {
	id, err := apihttp.PathID(c, "id")
	if err != nil {
		return err
	}
	var req nativeGradeRequest
	if err := apihttp.DecodeJSON(c, &req); err != nil {
		return err
	}
	if req.Points == nil {
		return store.FieldErrors{"points": "is required"}
	}
	inv, err := h.DB.GradeAnswer(c.Request().Context(), id,
		store.GradeInput{QuestionID: req.QuestionID, Points: *req.Points, Comment: req.Comment}, apihttp.Actor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h.toNativeInvitation(inv))
}

// queryInt reads an optional positive integer query parameter.
func queryInt(c echo.Context, fe store.FieldErrors, name string) int64 {
	raw := c.QueryParam(name)
	if raw == "" {
		return 0
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 1 {
		fe[name] = "must be a positive whole number"
		return 0
	}
	return n
}

func (h *Handler) ListInvitations(c echo.Context) error {
	fe := store.FieldErrors{}
	f := store.InvitationFilter{
		TestID: queryInt(c, fe, "testId"), LinkID: queryInt(c, fe, "linkId"),
		Status: store.InvitationStatus(c.QueryParam("status")), Query: c.QueryParam("q"),
		Page: int(queryInt(c, fe, "page")), PageSize: int(queryInt(c, fe, "pageSize")),
	}
	if f.Status != "" && !f.Status.Valid() {
		fe["status"] = "must be one of invited, opened, started, completed, expired, cancelled"
	}
	if f.PageSize > store.MaxPageSize {
		fe["pageSize"] = "must be at most " + strconv.Itoa(store.MaxPageSize)
	}
	if len(fe) > 0 {
		return fe
	}
	if f.Page == 0 {
		f.Page = 1
	}
	if f.PageSize == 0 {
		f.PageSize = 50
	}
	f.Teams = apihttp.Teams(c)
	invs, total, err := h.DB.Invitations(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := struct {
		Invitations []nativeInvitation `json:"invitations"`
		Page        int                `json:"page"`
		PageSize    int                `json:"pageSize"`
		Total       int                `json:"total"`
	}{Invitations: []nativeInvitation{}, Page: f.Page, PageSize: f.PageSize, Total: total}
	for _, inv := range invs {
		out.Invitations = append(out.Invitations, h.toNativeInvitation(inv))
	}
	return c.JSON(http.StatusOK, out)
}
