package imocha

import (
	"errors"
	"math"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// iMocha's report calls, as developer.imocha.io documents "Retrieve
// candidate test report" (GET /v3/reports/{testInvitationId}) and
// "Retrieve candidate test report in PDF".

type imochaSection struct {
	SectionID        int64    `json:"sectionId"`
	SectionName      string   `json:"sectionName"`
	NoOfQue          int      `json:"noOfQue"`
	SectionScore     *float64 `json:"sectionScore"`
	CandidateScore   *float64 `json:"candidateScore"`
	SectionTime      int      `json:"sectionTime"`      // minutes allowed
	SectionTimeTaken *int     `json:"sectionTimeTaken"` // seconds
}

type Report struct {
	TestInvitationID    int64           `json:"testInvitationId"`
	TestID              string          `json:"testId"`
	TestName            string          `json:"testName"`
	CandidateEmail      string          `json:"candidateEmail"`
	AttemptedOn         *string         `json:"attemptedOn"`
	Status              string          `json:"Status"`
	Score               *float64        `json:"score"`
	ScorePercentage     *float64        `json:"scorePercentage"`
	CandidatePoints     *float64        `json:"candidatePoints"`
	TotalTestPoints     *float64        `json:"totalTestPoints"`
	PDFReportURL        *string         `json:"pdfReportUrl"`
	PerformanceCategory *string         `json:"PerformanceCategory"`
	Sections            []imochaSection `json:"sections"`

	// The docs' table writes Status and PerformanceCategory, but real
	// clients (IPR_BE's CandidateTestReport, the Node services) read them
	// camelCase, as the rest of the answer is written: both are sent.
	StatusCamel              string  `json:"status"`
	PerformanceCategoryCamel *string `json:"performanceCategory"`

	// Testgate's own, kept from before.
	CandidateName    string  `json:"candidateName"`
	CandidateEmailID string  `json:"candidateEmailId"`
	AttemptedOnUtc   *string `json:"attemptedOnUtc"`
	CompletedOnUtc   *string `json:"completedOnUtc"`
	TestURL          string  `json:"testUrl"`
}

// Report: GET /v3/reports/{id}.
func (h *Handler) Report(c echo.Context) error {
	inv, t, err := h.imochaPathInvitation(c)
	if err != nil {
		return err
	}
	r, err := h.report(c, inv, t)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// report is one attempt's report.
func (h *Handler) report(c echo.Context, inv store.Invitation, t store.Test) (Report, error) {
	r := Report{TestInvitationID: inv.ID, TestID: strconv.FormatInt(inv.TestID, 10), TestName: inv.TestName,
		CandidateEmail: inv.Email, AttemptedOn: imochaTimeString(inv.StartedAt), Status: imochaStatus(inv.Status),
		CandidateName: inv.Name, CandidateEmailID: inv.Email, AttemptedOnUtc: imochaTimeString(inv.StartedAt),
		CompletedOnUtc: imochaTimeString(inv.CompletedAt), TestURL: h.URLs.TestURL(inv),
		PerformanceCategory: performanceCategory(inv)}
	section := imochaSection{SectionID: t.ID, SectionName: t.Name, NoOfQue: t.QuestionCount, SectionTime: t.DurationMinutes}
	if inv.Score != nil && inv.MaxScore != nil {
		score, max := float64(*inv.Score), float64(*inv.MaxScore)
		r.Score, r.CandidatePoints, r.TotalTestPoints = &score, &score, &max
		section.CandidateScore, section.SectionScore = &score, &max
		if p := inv.ScorePercent(); p != nil {
			rounded := math.Round(*p)
			r.ScorePercentage = &rounded
		}
	}
	if inv.StartedAt != nil && inv.CompletedAt != nil {
		taken := int(inv.CompletedAt.Sub(*inv.StartedAt).Seconds())
		section.SectionTimeTaken = &taken
	}
	if inv.Status == store.StatusCompleted {
		link := h.reportLink(inv.ID)
		r.PDFReportURL = &link
	}
	r.Sections = []imochaSection{section}
	if t.Sectioned && inv.StartedAt != nil {
		var err error
		if r.Sections, err = h.paperSections(c, inv, t); err != nil {
			return r, err
		}
	}
	r.StatusCamel, r.PerformanceCategoryCamel = r.Status, r.PerformanceCategory
	return r, nil
}

// paperSections are a sectioned attempt's sections as iMocha reports
// them: numbered in the paper's order, each with the questions the
// candidate was given and, once completed, the points.
func (h *Handler) paperSections(c echo.Context, inv store.Invitation, t store.Test) ([]imochaSection, error) {
	ctx := c.Request().Context()
	qs, err := h.DB.AttemptQuestions(ctx, inv)
	if err != nil {
		return nil, err
	}
	answers, err := h.DB.Answers(ctx, inv.ID)
	if err != nil {
		return nil, err
	}
	out := []imochaSection{}
	for i, sc := range store.ScoreSections(qs, answers) {
		s := imochaSection{SectionID: int64(i + 1), SectionName: sc.Name, NoOfQue: len(sc.QuestionIDs), SectionTime: t.DurationMinutes}
		if inv.Status == store.StatusCompleted {
			score, max := float64(sc.Score), float64(sc.MaxScore)
			s.CandidateScore, s.SectionScore = &score, &max
		}
		out = append(out, s)
	}
	return out, nil
}

// ReportPDF: GET /v3/reports/{id}/pdf answers the report's PDF link.
func (h *Handler) ReportPDF(c echo.Context) error {
	inv, _, err := h.imochaPathInvitation(c)
	if err != nil {
		return err
	}
	if inv.Status != store.StatusCompleted {
		return c.JSON(http.StatusBadRequest, imochaErrors{Errors: []string{"The report is available once the test is complete."}})
	}
	return c.JSON(http.StatusOK, struct {
		TestInvitationID int64  `json:"testInvitationId"`
		PDFReportURL     string `json:"pdfReportUrl"`
	}{inv.ID, h.reportLink(inv.ID)})
}

func (h *Handler) imochaPathInvitation(c echo.Context) (store.Invitation, store.Test, error) {
	id, err := apihttp.PathID(c, "id")
	if err != nil {
		return store.Invitation{}, store.Test{}, echo.NewHTTPError(http.StatusNotFound, "Test invitation not found.")
	}
	ctx := c.Request().Context()
	inv, err := h.DB.Invitation(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return inv, store.Test{}, echo.NewHTTPError(http.StatusNotFound, "Test invitation not found.")
	} else if err != nil {
		return inv, store.Test{}, err
	}
	t, err := h.DB.Test(ctx, inv.TestID)
	return inv, t, err
}

// performanceCategory is iMocha's PerformanceCategory of an attempt whose
// score is final: the test's performance band when it has bands, else Pass
// or Fail against its passing score; nil before (written answers waiting
// for a reviewer included).
func performanceCategory(inv store.Invitation) *string {
	if !inv.Final() || inv.ScorePercent() == nil {
		return nil
	}
	if band := inv.Band(); band != "" {
		return &band
	}
	v := "Fail"
	if inv.Passed() {
		v = "Pass"
	}
	return &v
}

// reportLink is the PDF report link of an attempt, for reports and callbacks.
func (h *Handler) reportLink(id int64) string {
	link, _ := h.Reports.ReportLink(id, apihttp.ReportLinkTTL)
	return link
}
