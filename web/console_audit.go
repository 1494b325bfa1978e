package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
)

// auditFilter reads the audit log's filters: actor and record text, and a
// time range in the viewer's zone.
func auditFilter(c echo.Context) (views.AuditView, store.AuditFilter) {
	loc := viewerLocation(c)
	v := views.AuditView{Actor: c.QueryParam("actor"), Record: c.QueryParam("record"), From: c.QueryParam("from"), To: c.QueryParam("to"),
		Errors: store.FieldErrors{}}
	f := store.AuditFilter{Actor: v.Actor, Record: v.Record, From: formTime(v.Errors, "from", v.From, loc), To: formTime(v.Errors, "to", v.To, loc)}
	f.Page, _ = strconv.Atoi(c.QueryParam("page"))
	v.Page = max(f.Page, 1)
	return v, f
}

// auditPage: GET /settings/audit (admins).
func (s *Server) auditPage(c echo.Context) error {
	v, f := auditFilter(c)
	status := http.StatusOK
	if len(v.Errors) > 0 {
		status = http.StatusBadRequest
	} else {
		var err error
		if v.Entries, v.Total, err = s.db.AuditPage(c.Request().Context(), f); err != nil {
			return err
		}
	}
	return render(c, status, views.AuditPage(s.page(c, "Audit log", views.SectionAudit), v))
}

// auditCSV: GET /settings/audit.csv, the filtered log, oldest first.
func (s *Server) auditCSV(c echo.Context) error {
	v, f := auditFilter(c)
	if len(v.Errors) > 0 {
		return render(c, http.StatusBadRequest, views.AuditPage(s.page(c, "Audit log", views.SectionAudit), v))
	}
	w := csvDownload(c, "audit-log.csv")
	if err := w.Write([]string{"id", "at", "actor", "action", "record", "status", "ip"}); err != nil {
		return err
	}
	err := s.db.EachAudit(c.Request().Context(), f, func(e store.AuditEntry) error {
		return w.Write([]string{strconv.FormatInt(e.ID, 10), csvTime(&e.At), spreadsheetSafe(e.Actor), e.Action, spreadsheetSafe(e.Record),
			strconv.Itoa(e.Status), e.IP})
	})
	w.Flush()
	if err != nil {
		return err
	}
	return w.Error()
}
