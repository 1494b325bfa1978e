package web

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/store"
)

// Invitations export as CSV, streamed row by row.

var exportHeader = []string{"invitation_id", "test", "link", "name", "email", "status", "score", "max_score",
	"invited_at", "opened_at", "started_at", "completed_at", "expires_at", "test_url"}

// spreadsheetSafe defuses cells a spreadsheet would run as a formula
// (CSV injection): they are prefixed with a quote.
func spreadsheetSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

func csvTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func csvInt(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

// csvDownload starts a CSV attachment and returns its writer.
func csvDownload(c echo.Context, filename string) *csv.Writer {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	h.Set("Cache-Control", "no-store")
	c.Response().WriteHeader(http.StatusOK)
	return csv.NewWriter(c.Response())
}

func (s *Server) exportInvitations(c echo.Context, f store.InvitationFilter, filename string) error {
	w := csvDownload(c, filename)
	if err := w.Write(exportHeader); err != nil {
		return err
	}
	n := 0
	err := s.db.EachInvitation(c.Request().Context(), f, func(inv store.Invitation) error {
		row := []string{strconv.FormatInt(inv.ID, 10), inv.TestName, inv.LinkName, inv.Name, inv.Email, string(inv.Status),
			csvInt(inv.Score), csvInt(inv.MaxScore), csvTime(&inv.InvitedAt), csvTime(inv.OpenedAt), csvTime(inv.StartedAt),
			csvTime(inv.CompletedAt), csvTime(inv.ExpiresAt), s.TestURL(inv)}
		for i := range row {
			row[i] = spreadsheetSafe(row[i])
		}
		if err := w.Write(row); err != nil {
			return err
		}
		if n++; n%1000 == 0 {
			w.Flush()
		}
		return w.Error()
	})
	w.Flush()
	if err != nil {
		// The status is sent; all that can be done is to stop and log.
		s.log.Error("export interrupted", "err", err)
		return nil
	}
	return w.Error()
}

func (s *Server) exportTest(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.db.Test(c.Request().Context(), id); err != nil {
		return err
	}
	return s.exportInvitations(c, store.InvitationFilter{TestID: id}, "test-"+strconv.FormatInt(id, 10)+"-invitations.csv")
}

func (s *Server) exportLink(c echo.Context) error {
	l, _, err := s.linkAndTest(c)
	if err != nil {
		return err
	}
	return s.exportInvitations(c, store.InvitationFilter{LinkID: l.ID}, "link-"+strconv.FormatInt(l.ID, 10)+"-invitations.csv")
}
