package imocha

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// iMocha's test and test link reads, as developer.imocha.io documents
// "List all test links" and "Retrieve Test Link" (the per-link fields), and
// the tests behind them.

type Test struct {
	TestID          int64  `json:"testId"`
	TestName        string `json:"testName"`
	Status          string `json:"status"` // "active" or "archived"
	Duration        int    `json:"duration"`
	Questions       int    `json:"questions"`
	PassingScore    int    `json:"passingScore"`
	TestLinksCount  int    `json:"testLinksCount"`
	TestType        string `json:"testType"` // "assessment" or "interview"
	CreatedOnUtc    string `json:"createdOnUtc"`
	InstructionText string `json:"instructions"`
}

func toIMochaTest(t store.Test) Test {
	status := "active"
	if t.Archived() {
		status = "archived"
	}
	return Test{TestID: t.ID, TestName: t.Name, Status: status, Duration: t.DurationMinutes, Questions: t.QuestionCount,
		PassingScore: t.PassingScore, TestLinksCount: t.LinkCount, TestType: string(t.Kind),
		CreatedOnUtc: t.CreatedAt.UTC().Format(imochaUTC), InstructionText: t.Instructions}
}

// imochaUTC is how iMocha writes a UTC time: ISO 8601 without a zone.
const imochaUTC = "2006-01-02T15:04:05"

// Tests: GET /v3/tests, the account's active tests.
func (h *Handler) Tests(c echo.Context) error {
	tests, err := h.DB.Tests(c.Request().Context(), store.TestFilter{Teams: apihttp.Teams(c)})
	if err != nil {
		return err
	}
	out := struct {
		Tests []Test `json:"tests"`
	}{Tests: []Test{}}
	for _, t := range tests {
		out.Tests = append(out.Tests, toIMochaTest(t))
	}
	return c.JSON(http.StatusOK, out)
}

// Test: GET /v3/tests/{testId}.
func (h *Handler) Test(c echo.Context) error {
	t, err := h.imochaPathTest(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toIMochaTest(t))
}

func (h *Handler) imochaPathTest(c echo.Context) (store.Test, error) {
	testID, err := apihttp.PathID(c, "testId")
	if err != nil {
		return store.Test{}, echo.NewHTTPError(http.StatusNotFound, "Test not found.")
	}
	t, err := h.DB.Test(c.Request().Context(), testID)
	if errors.Is(err, store.ErrNotFound) {
		return t, echo.NewHTTPError(http.StatusNotFound, "Test not found.")
	}
	return t, err
}

// imochaTestLink is a link in iMocha's documented fields, then Testgate's
// own (kept from before: testLinkUrl, isDefault, isActive, expiresOnUtc).
type imochaTestLink struct {
	TestLinkID         int64              `json:"testLinkId"`
	TestID             int64              `json:"testId"`
	TestLinkName       string             `json:"testLinkName"`
	TestLink           string             `json:"testLink"`
	TestLinkStatus     string             `json:"testLinkStatus"`
	InvitationType     string             `json:"invitationType"`
	IsAPILink          bool               `json:"isApiLink"`
	ProctoringSettings imochaProctoring   `json:"proctoringSettings"`
	StakeholderEmails  string             `json:"stakeholderEmails"`
	InvitationSchedule imochaLinkSchedule `json:"invitationSchedule"`

	TestLinkURL  string     `json:"testLinkUrl"`
	IsDefault    bool       `json:"isDefault"`
	IsActive     bool       `json:"isActive"`
	ExpiresOnUtc *time.Time `json:"expiresOnUtc"`
}

type imochaProctoring struct {
	ProctoringMode string `json:"proctoringMode"`
}

type imochaLinkSchedule struct {
	ScheduleType    string              `json:"scheduleType"`
	ScheduleDetails imochaScheduleTimes `json:"scheduleDetails"`
}

type imochaScheduleTimes struct {
	StartDateTime            *string `json:"startDateTime"`
	EndDateTime              *string `json:"endDateTime"`
	TimeZoneID               *int    `json:"timeZoneId"`
	InvitationValidityInDays *int    `json:"invitationValidityInDays"`
}

func (h *Handler) toIMochaTestLink(l store.TestLink) imochaTestLink {
	out := imochaTestLink{TestLinkID: l.ID, TestID: l.TestID, TestLinkName: l.Name, TestLink: l.Slug,
		TestLinkStatus: "active", InvitationType: "email", ProctoringSettings: imochaProctoring{"disabled"},
		TestLinkURL: h.URLs.LinkURL(l), IsDefault: l.IsDefault, IsActive: !l.Disabled(), ExpiresOnUtc: l.ExpiresAt}
	if l.Disabled() {
		out.TestLinkStatus = "inactive"
	}
	if l.Public {
		out.InvitationType = "open" // anyone with the link registers
	}
	// A link with an opening window is "timebound"; otherwise invitations
	// are valid until the link's own expiry.
	out.InvitationSchedule.ScheduleType = "validityindays"
	start, end := l.ValidFrom, l.ValidUntil
	if end == nil {
		end = l.ExpiresAt
	}
	if start != nil || end != nil {
		out.InvitationSchedule.ScheduleType = "timebound"
		out.InvitationSchedule.ScheduleDetails.StartDateTime = imochaTimeString(start)
		out.InvitationSchedule.ScheduleDetails.EndDateTime = imochaTimeString(end)
	}
	return out
}

func imochaTimeString(t *time.Time) *string {
	if t == nil {
		return nil
	}
	v := t.UTC().Format(time.RFC3339)
	return &v
}

// TestLinks: GET /v3/tests/{testId}/testlinks.
func (h *Handler) TestLinks(c echo.Context) error {
	t, err := h.imochaPathTest(c)
	if err != nil {
		return err
	}
	links, err := h.DB.Links(c.Request().Context(), t.ID)
	if err != nil {
		return err
	}
	out := struct {
		TestID    int64            `json:"testId"`
		TestLinks []imochaTestLink `json:"testLinks"`
	}{TestID: t.ID, TestLinks: []imochaTestLink{}}
	for _, l := range links {
		out.TestLinks = append(out.TestLinks, h.toIMochaTestLink(l))
	}
	return c.JSON(http.StatusOK, out)
}

// TestLink: GET /v3/tests/{testId}/testlinks/{testLinkId}.
func (h *Handler) TestLink(c echo.Context) error {
	t, err := h.imochaPathTest(c)
	if err != nil {
		return err
	}
	linkID, err := apihttp.PathID(c, "testLinkId")
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "Test link not found.")
	}
	l, err := h.DB.Link(c.Request().Context(), linkID)
	if errors.Is(err, store.ErrNotFound) || err == nil && l.TestID != t.ID {
		return echo.NewHTTPError(http.StatusNotFound, "Test link not found.")
	} else if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h.toIMochaTestLink(l))
}
