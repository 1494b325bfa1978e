package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// An attempt's PDF report is reachable two ways: from the console, signed
// in, and by a report link for integrators (iMocha's ReportPDFUrl, Xobin's
// report_link) that needs no key: unguessable, because it carries an HMAC
// of the invitation and an expiry under a key derived from the session
// key, and expiring (after apihttp.ReportLinkTTL unless a dialect documents
// another span).

// reportLinkKey derives the report links' key from the session key, so
// that a report link can never be mistaken for, or reveal, anything else.
func (s *Server) reportLinkKey() []byte {
	m := hmac.New(sha256.New, s.cfg.SessionKey)
	m.Write([]byte("testgate report links v1"))
	return m.Sum(nil)
}

func (s *Server) reportSignature(id, expires int64) string {
	m := hmac.New(sha256.New, s.reportLinkKey())
	m.Write([]byte(strconv.FormatInt(id, 10) + ":" + strconv.FormatInt(expires, 10)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// ReportLink is a report URL valid for ttl, and when it expires.
func (s *Server) ReportLink(id int64, ttl time.Duration) (string, time.Time) {
	expires := s.db.Now().Add(ttl).Truncate(time.Second)
	unix := expires.Unix()
	return s.cfg.BaseURL + "/reports/" + strconv.FormatInt(id, 10) + ".pdf?expires=" + strconv.FormatInt(unix, 10) +
		"&sig=" + s.reportSignature(id, unix), expires
}

// errReportLink is the one answer to a report link that is wrong, forged
// or expired: which of these it is is not told.
var errReportLink = echo.NewHTTPError(http.StatusNotFound, "This report link is not valid or has expired.")

// reportByLink: GET /reports/{id}.pdf?expires=&sig=.
func (s *Server) reportByLink(c echo.Context) error {
	digits, ok := strings.CutSuffix(c.Param("file"), ".pdf")
	id, err := strconv.ParseInt(digits, 10, 64)
	if !ok || err != nil || strconv.FormatInt(id, 10) != digits {
		return errReportLink
	}
	expires, err := strconv.ParseInt(c.QueryParam("expires"), 10, 64)
	if err != nil || s.db.Now().Unix() >= expires ||
		!hmac.Equal([]byte(c.QueryParam("sig")), []byte(s.reportSignature(id, expires))) {
		return errReportLink
	}
	return s.ServePDF(c, id)
}

// consoleReport: GET /invitations/{id}/report.pdf, signed in.
func (s *Server) consoleReport(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return s.ServePDF(c, id)
}
