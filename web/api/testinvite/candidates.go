package testinvite

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

// Reading and deleting a task's candidates, and the candidate objects
// Testinvite's guide describes (basic and detailed).

// testinviteBasicCandidate is the "basic" candidate object of Testinvite's
// REST guide ("Endpoint: Listing Candidates").
type testinviteBasicCandidate struct {
	CandidateID     string  `json:"candidateId"`
	Kind            string  `json:"kind"`
	TaskID          string  `json:"taskId"`
	LoggedIn        bool    `json:"loggedIn"`
	Fullname        string  `json:"fullname,omitempty"`
	Email           string  `json:"email,omitempty"`
	InvitationCode  string  `json:"invitationCode"`
	DirectAccessURL *string `json:"directAccessUrl"` // null for kind "user"
}

// testinviteDetailedCandidate is the "detailed" object: the guide's
// fields, then Testgate's own (kept from before).
type testinviteDetailedCandidate struct {
	testinviteBasicCandidate
	OrganizationID string          `json:"organizationId"`
	Source         string          `json:"source"` // "self-registration" or "pre-registration"
	Active         bool            `json:"active"`
	ActiveAfter    *int64          `json:"activeAfter"`  // Unix seconds
	ActiveBefore   *int64          `json:"activeBefore"` // Unix seconds
	Group          string          `json:"group"`
	Tags           json.RawMessage `json:"tags"`
	Labels         []string        `json:"labels"`
	Rating         *int            `json:"rating"`
	Stage          *string         `json:"stage"`

	Status       string          `json:"status"`
	TestURL      string          `json:"testUrl"`
	ExternalID   string          `json:"externalId"`
	ExternalData json.RawMessage `json:"externalData"`
	Lang         string          `json:"lang"`
	Tracking     *tiTracking     `json:"tracking,omitempty"`
	Score        *int            `json:"score"`
	MaxScore     *int            `json:"maxScore"`
	CreatedAt    time.Time       `json:"createdAt"`
	StartedAt    *time.Time      `json:"startedAt"`
	CompletedAt  *time.Time      `json:"completedAt"`
}

func loggedIn(inv store.Invitation) bool {
	return inv.OpenedAt != nil || inv.StartedAt != nil || inv.CompletedAt != nil
}

func (h *Handler) testinviteBasic(inv store.Invitation) testinviteBasicCandidate {
	kind := inv.CandidateKind
	if kind == "" {
		kind = "temp"
	}
	b := testinviteBasicCandidate{CandidateID: strconv.FormatInt(inv.ID, 10), Kind: kind, TaskID: strconv.FormatInt(inv.TestID, 10),
		LoggedIn: loggedIn(inv), InvitationCode: inv.Token}
	if !inv.Placeholder {
		b.Fullname, b.Email = inv.Name, inv.Email
	}
	if kind != "user" {
		url := h.URLs.TestURL(inv)
		b.DirectAccessURL = &url
	}
	return b
}

// testinviteOrganization is the organisation id of this installation: it
// has one.
const testinviteOrganization = "1"

func (h *Handler) testinviteDetailed(inv store.Invitation) testinviteDetailedCandidate {
	d := testinviteDetailedCandidate{testinviteBasicCandidate: h.testinviteBasic(inv), OrganizationID: testinviteOrganization,
		Source: "pre-registration", Active: inv.Status.Live(), ActiveAfter: unixSeconds(inv.ValidFrom), ActiveBefore: unixSeconds(inv.ValidUntil),
		Status: string(inv.Status), TestURL: h.URLs.TestURL(inv),
		Group: inv.Group, Labels: inv.Labels, Tags: inv.Tags, ExternalID: inv.ExternalID, ExternalData: inv.ExternalData, Lang: inv.Lang,
		Score: inv.Score, MaxScore: inv.MaxScore, CreatedAt: inv.CreatedAt, StartedAt: inv.StartedAt, CompletedAt: inv.CompletedAt}
	if inv.Source == store.SourcePublic {
		d.Source = "self-registration"
	}
	if d.Labels == nil {
		d.Labels = []string{}
	}
	if inv.TrackingUniqID != "" {
		scope, _, _ := strings.Cut(inv.TrackingKey, ":")
		d.Tracking = &tiTracking{UniqID: inv.TrackingUniqID, Scope: scope}
	}
	return d
}

func unixSeconds(t *time.Time) *int64 {
	if t == nil {
		return nil
	}
	v := t.Unix()
	return &v
}

func (h *Handler) testinviteView(mode string, inv store.Invitation) any {
	if mode == "detailed" {
		return h.testinviteDetailed(inv)
	}
	return h.testinviteBasic(inv)
}

func testinviteMode(c echo.Context) (string, error) {
	switch m := c.QueryParam("mode"); m {
	case "", "basic", "default": // the guide's examples write mode=default
		return "basic", nil
	case "detailed":
		return m, nil
	default:
		return "", store.FieldErrors{"mode": "must be basic or detailed"}
	}
}

// testinviteCandidateOf loads a candidate of the task in the path.
func (h *Handler) testinviteCandidateOf(c echo.Context, t store.Test) (store.Invitation, error) {
	id, err := strconv.ParseInt(c.Param("candidateId"), 10, 64)
	if err != nil || id <= 0 {
		return store.Invitation{}, tiFail(http.StatusNotFound, "No candidate with this id in this task.")
	}
	inv, err := h.DB.Invitation(c.Request().Context(), id)
	// A deleted candidate is a cancelled invitation: gone for Testinvite.
	if errors.Is(err, store.ErrNotFound) || (err == nil && (inv.TestID != t.ID || inv.Status == store.StatusCancelled)) {
		return inv, tiFail(http.StatusNotFound, "No candidate with this id in this task.")
	}
	return inv, err
}

// List: GET .../candidates?mode=&limit=&page=&fullname=&email=&code=
// (and Testgate's externalId and group), as the guide's "Endpoint: Listing
// Candidates": exact matches, 10 a page by default, with a pagination
// object whose next and previous are the queries of those pages.
func (h *Handler) List(c echo.Context) error {
	t, err := h.testinviteTask(c)
	if err != nil {
		return err
	}
	page, err := readPage(c, "fullname", "email", "code", "externalId", "group")
	if err != nil {
		return err
	}
	q := c.QueryParams()
	invs, total, err := h.DB.Invitations(c.Request().Context(), store.InvitationFilter{TestID: t.ID, NotCancelled: true,
		Name: q.Get("fullname"), Email: q.Get("email"), Token: q.Get("code"), ExternalID: q.Get("externalId"), Group: q.Get("group"),
		Page: page.Page, PageSize: page.Limit, Sort: "created"})
	if err != nil {
		return err
	}
	candidates := []any{}
	for _, inv := range invs {
		candidates = append(candidates, h.testinviteView(page.Mode, inv))
	}
	return c.JSON(http.StatusOK, struct {
		Candidates []any      `json:"candidates"`
		Pagination pagination `json:"pagination"`
	}{candidates, page.of(total)})
}

// Get: GET .../candidates/{candidateId}?mode=
func (h *Handler) Get(c echo.Context) error {
	t, err := h.testinviteTask(c)
	if err != nil {
		return err
	}
	mode, err := testinviteMode(c)
	if err != nil {
		return err
	}
	inv, err := h.testinviteCandidateOf(c, t)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h.testinviteView(mode, inv))
}

// Delete: DELETE .../candidates/{candidateId}, refused once the
// candidate has logged in (opened the test).
func (h *Handler) Delete(c echo.Context) error {
	t, err := h.testinviteTask(c)
	if err != nil {
		return err
	}
	inv, err := h.testinviteCandidateOf(c, t)
	if err != nil {
		return err
	}
	if loggedIn(inv) {
		return tiFail(http.StatusForbidden, "The candidate has already logged in and cannot be deleted.")
	}
	if _, err := h.DB.CancelInvitation(c.Request().Context(), inv.ID, apihttp.Actor(c)); errors.Is(err, store.ErrAlreadyStarted) {
		return tiFail(http.StatusForbidden, "The candidate has already logged in and cannot be deleted.")
	} else if err != nil {
		return err
	}
	// "Upon a successful request, a payload with an empty object will be returned."
	return c.JSON(http.StatusOK, struct{}{})
}
