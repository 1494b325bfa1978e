package imocha

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// iMocha's "Get Reports By TestId" and "Get All Reports": the reports of
// completed attempts, a page at a time. The pages name the calls; their
// paths and paging are not in the stored copy, so they page as "List all
// tests" does (pageNo from 1, pageSize up to maxReportsPageSize) and
// answer {reports, count}, each report as "Retrieve candidate test report".

const (
	defaultReportsPageSize = 50
	maxReportsPageSize     = 200
)

// TestReports: GET /v3/tests/{testId}/reports?pageNo=&pageSize=.
func (h *Handler) TestReports(c echo.Context) error {
	t, err := h.imochaPathTest(c)
	if err != nil {
		return err
	}
	return h.reportPage(c, store.InvitationFilter{TestID: t.ID})
}

// AllReports: GET /v3/reports?pageNo=&pageSize=, every test of the key's.
func (h *Handler) AllReports(c echo.Context) error {
	return h.reportPage(c, store.InvitationFilter{Teams: apihttp.Teams(c)})
}

// reportPage answers one page of the completed attempts f picks, newest
// first.
func (h *Handler) reportPage(c echo.Context, f store.InvitationFilter) error {
	pageNo, okNo := queryPositive(c, "pageNo", 1)
	pageSize, okSize := queryPositive(c, "pageSize", defaultReportsPageSize)
	switch {
	case !okNo:
		return c.JSON(http.StatusBadRequest, imochaErrors{Errors: []string{"'Page No' must be a whole number greater than 0."}})
	case !okSize || pageSize > maxReportsPageSize:
		return c.JSON(http.StatusBadRequest, imochaErrors{Errors: []string{
			fmt.Sprintf("'Page Size' must be a whole number from 1 to %d.", maxReportsPageSize)}})
	}
	f.Status, f.Page, f.PageSize, f.Sort, f.Desc = store.StatusCompleted, pageNo, pageSize, "created", true
	ctx := c.Request().Context()
	invs, total, err := h.DB.Invitations(ctx, f)
	if err != nil {
		return err
	}
	tests := map[int64]store.Test{}
	reports := []Report{}
	for _, inv := range invs {
		t, ok := tests[inv.TestID]
		if !ok {
			if t, err = h.DB.Test(ctx, inv.TestID); err != nil {
				return err
			}
			tests[inv.TestID] = t
		}
		r, err := h.report(c, inv, t)
		if err != nil {
			return err
		}
		reports = append(reports, r)
	}
	return c.JSON(http.StatusOK, struct {
		Reports []Report `json:"reports"`
		Count   int      `json:"count"`
	}{reports, total})
}
