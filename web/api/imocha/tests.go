package imocha

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// iMocha's test and test link reads, as developer.imocha.io documents
// "List all test links" and "Retrieve Test Link" (the per-link fields), and
// the tests behind them.

type Test struct {
	TestID          int64    `json:"testId"`
	TestName        string   `json:"testName"`
	Status          string   `json:"status"` // "active" or "archived"
	Duration        int      `json:"duration"`
	Questions       int      `json:"questions"`
	Labels          []string `json:"labels"`
	PassingScore    int      `json:"passingScore"`
	TestLinksCount  int      `json:"testLinksCount"`
	TestType        string   `json:"testType"` // "assessment" or "interview"
	CreatedOnUtc    string   `json:"createdOnUtc"`
	InstructionText string   `json:"instructions"`
}

// testDetail is "Retrieve a test": the test and its sections.
type testDetail struct {
	Test
	Sections []testSection `json:"sections"`
}

// testSection is a section as a candidate meets it: the questions each
// candidate gets and the minutes of its own (0: the test's clock).
type testSection struct {
	SectionID   int64  `json:"sectionId"`
	SectionName string `json:"sectionName"`
	SectionType string `json:"sectionType"`
	Questions   int    `json:"questions"`
	Duration    int    `json:"duration"`
}

func toIMochaTest(t store.Test) Test {
	status := "active"
	if t.Archived() {
		status = "archived"
	}
	return Test{TestID: t.ID, TestName: t.Name, Status: status, Duration: t.DurationMinutes, Questions: t.QuestionCount,
		Labels: t.Labels, PassingScore: t.PassingScore, TestLinksCount: t.LinkCount, TestType: string(t.Kind),
		CreatedOnUtc: t.CreatedAt.UTC().Format(imochaUTC), InstructionText: t.Instructions}
}

// imochaUTC is how iMocha writes a UTC time: ISO 8601 without a zone.
const imochaUTC = "2006-01-02T15:04:05"

// Default and largest page of "List all tests".
const (
	defaultTestsPageSize = 100
	maxTestsPageSize     = 1000
)

// Tests: GET /v3/tests?pageNo=1&pageSize=100&labelsFilter=a,b, the
// account's active tests, newest first, a page at a time; labelsFilter
// keeps the tests that carry any of its comma-separated labels, and count
// is how many match on every page.
func (h *Handler) Tests(c echo.Context) error {
	pageNo, okNo := queryPositive(c, "pageNo", 1)
	pageSize, okSize := queryPositive(c, "pageSize", defaultTestsPageSize)
	switch {
	case !okNo:
		return c.JSON(http.StatusBadRequest, imochaErrors{Errors: []string{"'Page No' must be a whole number greater than 0."}})
	case !okSize || pageSize > maxTestsPageSize:
		return c.JSON(http.StatusBadRequest, imochaErrors{Errors: []string{
			fmt.Sprintf("'Page Size' must be a whole number from 1 to %d.", maxTestsPageSize)}})
	}
	tests, err := h.DB.Tests(c.Request().Context(), store.TestFilter{Teams: apihttp.Teams(c)})
	if err != nil {
		return err
	}
	labels := store.SplitLabels(c.QueryParam("labelsFilter"))
	matching := []Test{}
	for _, t := range tests {
		if len(labels) == 0 || slices.ContainsFunc(labels, t.HasLabel) {
			it := toIMochaTest(t)
			it.Questions = t.Given // a drawn test's candidate gets their draw, as the detail counts
			matching = append(matching, it)
		}
	}
	from := min((pageNo-1)*pageSize, len(matching))
	return c.JSON(http.StatusOK, struct {
		Tests []Test `json:"tests"`
		Count int    `json:"count"`
	}{matching[from:min(from+pageSize, len(matching))], len(matching)})
}

// queryPositive reads a whole number above 0 from the query, or def when
// it is absent.
func queryPositive(c echo.Context, name string, def int) (int, bool) {
	raw := strings.TrimSpace(c.QueryParam(name))
	if raw == "" {
		return def, true
	}
	n, err := strconv.Atoi(raw)
	return n, err == nil && n > 0
}

// Test: GET /v3/tests/{testId}, with its sections: one for a test of
// plain questions, named as the test.
func (h *Handler) Test(c echo.Context) error {
	t, err := h.imochaPathTest(c)
	if err != nil {
		return err
	}
	out := testDetail{Test: toIMochaTest(t), Sections: []testSection{}}
	if !t.Sectioned {
		out.Sections = append(out.Sections, testSection{SectionID: t.ID, SectionName: t.Name, SectionType: string(t.Kind),
			Questions: t.QuestionCount})
		return c.JSON(http.StatusOK, out)
	}
	sections, err := h.DB.Sections(c.Request().Context(), t.ID)
	if err != nil {
		return err
	}
	out.Questions = 0 // what a candidate gets, section by section
	for _, s := range sections {
		out.Sections = append(out.Sections, testSection{SectionID: s.ID, SectionName: s.Name, SectionType: string(t.Kind),
			Questions: s.Gets(), Duration: s.TimeLimit})
		out.Questions += s.Gets()
	}
	return c.JSON(http.StatusOK, out)
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
