package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/store"
)

// The attempt page's script reports integrity signals (focus lost, paste,
// full screen left) and time spent per question, and looks at the clock
// so that minutes a recruiter adds reach the countdown. Without
// JavaScript none of this happens and nothing else changes.

// candidateClient hands the candidate's address and browser to the store,
// which records them when the request opens, starts or submits the test.
func candidateClient(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		ctx := store.WithClient(req.Context(), store.Client{IP: c.RealIP(), UserAgent: req.UserAgent()})
		c.SetRequest(req.WithContext(ctx))
		return next(c)
	}
}

// pageReport is the body the attempt page sends.
type pageReport struct {
	Kind   string         `json:"kind"`
	Detail string         `json:"detail"`
	Spent  map[string]int `json:"spent"` // question id → seconds
}

// pageReportAnswer tells the page where the attempt stands.
type pageReportAnswer struct {
	FocusLost int    `json:"focusLost"`
	Limit     int    `json:"limit"`
	Submitted bool   `json:"submitted"`
	Next      string `json:"next,omitempty"` // where to go once submitted
}

var errBadReport = echo.NewHTTPError(http.StatusBadRequest, "The report could not be read.")

// recordSignals: POST /t/{token}/signals, JSON.
func (s *Server) recordSignals(c echo.Context) error {
	inv, ok, err := s.candidateInvitation(c)
	if !ok {
		return err
	}
	var body pageReport
	raw, err := io.ReadAll(io.LimitReader(c.Request().Body, 16<<10))
	if err != nil || json.Unmarshal(raw, &body) != nil {
		return errBadReport
	}
	spent, err := parseSpent(body.Spent)
	if err != nil {
		return errBadReport
	}
	if !s.hasAccess(c, inv) {
		return echo.NewHTTPError(http.StatusForbidden, "The access code is needed first.")
	}
	res, err := s.db.RecordPageReport(c.Request().Context(), inv.ID,
		store.PageReport{Kind: body.Kind, Detail: body.Detail, Spent: spent},
		store.Client{IP: c.RealIP(), UserAgent: c.Request().UserAgent()})
	if _, bad := asFieldErrors(err); bad {
		return echo.NewHTTPError(http.StatusBadRequest, "Unknown kind of signal.")
	}
	if err != nil {
		return err
	}
	answer := pageReportAnswer{FocusLost: res.FocusLost, Limit: res.Limit, Submitted: res.Submitted}
	if res.Submitted {
		answer.Next = finishURL(inv)
	}
	return c.JSON(http.StatusOK, answer)
}

// parseSpent reads seconds per question id; at most one entry per
// question of a long test.
func parseSpent(raw map[string]int) (map[int64]int, error) {
	if len(raw) > store.MaxQuestions {
		return nil, errors.New("too many questions")
	}
	out := make(map[int64]int, len(raw))
	for k, v := range raw {
		id, err := strconv.ParseInt(k, 10, 64)
		if err != nil || id <= 0 {
			return nil, errors.New("not a question id")
		}
		out[id] = v
	}
	return out, nil
}

// spentFromForm reads the seconds per question the page adds to a form
// post of the attempt; a missing or unreadable field is no time.
func spentFromForm(c echo.Context) map[int64]int {
	var raw map[string]int
	if json.Unmarshal([]byte(c.FormValue("spent")), &raw) != nil {
		return nil
	}
	spent, _ := parseSpent(raw)
	return spent
}

// clock: GET /t/{token}/clock answers the deadline of a running attempt,
// which a recruiter may have moved, from the read cache the landing page
// uses.
func (s *Server) clock(c echo.Context) error {
	inv, ok, err := s.candidateInvitation(c)
	if !ok {
		return err
	}
	out := map[string]any{"status": inv.Status}
	if ends := inv.EndsAt(); ends != nil && inv.Status == store.StatusStarted {
		out["deadline"] = ends.UTC().Format(time.RFC3339)
	}
	return c.JSON(http.StatusOK, out)
}
