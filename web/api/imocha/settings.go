package imocha

import (
	"errors"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"testgate/store"
)

// iMocha's "Retrieve test settings" (GET /v3/tests/{testId}/settings): what
// a candidate of the test meets. The page names the call; its fields are
// not in the stored copy, so they are named as the test and link calls
// name theirs. "Update Test Settings" is not served: tests are edited in
// the console or the native API.

type testSettings struct {
	TestID             int64    `json:"testId"`
	TestName           string   `json:"testName"`
	Duration           int      `json:"duration"` // minutes
	PassingScore       int      `json:"passingScore"`
	PerformanceBands   []band   `json:"performanceCategories"`
	Instructions       string   `json:"instructions"`
	SectionWiseTime    bool     `json:"sectionWiseTime"` // sections keep clocks of their own
	ProctoringMode     string   `json:"proctoringMode"`
	Labels             []string `json:"labels"`
	DefaultTestLinkID  *int64   `json:"defaultTestLinkId"`
	DefaultTestLinkURL *string  `json:"defaultTestLinkUrl"`
	TestLinksCount     int      `json:"testLinksCount"`
}

type band struct {
	Name       string `json:"name"`
	MinPercent int    `json:"minPercentage"`
}

// TestSettings answers a test's settings.
func (h *Handler) TestSettings(c echo.Context) error {
	t, err := h.imochaPathTest(c)
	if err != nil {
		return err
	}
	out := testSettings{TestID: t.ID, TestName: t.Name, Duration: t.DurationMinutes, PassingScore: t.PassingScore,
		PerformanceBands: []band{}, Instructions: t.Instructions, ProctoringMode: "disabled",
		Labels: t.Labels, TestLinksCount: t.LinkCount}
	for _, b := range t.Bands {
		out.PerformanceBands = append(out.PerformanceBands, band{b.Name, b.MinPercent})
	}
	ctx := c.Request().Context()
	if t.Sectioned {
		sections, err := h.DB.Sections(ctx, t.ID)
		if err != nil {
			return err
		}
		out.SectionWiseTime = slices.ContainsFunc(sections, func(s store.Section) bool { return s.TimeLimit > 0 })
	}
	l, err := h.DB.DefaultLink(ctx, t.ID)
	switch {
	case err == nil:
		url := h.URLs.LinkURL(l)
		out.DefaultTestLinkID, out.DefaultTestLinkURL = &l.ID, &url
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	return c.JSON(http.StatusOK, out)
}
