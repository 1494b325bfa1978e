package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"testgate/views"
)

// privacyPage: GET /settings/privacy (admins), the retention setting.
func (s *Server) privacyPage(c echo.Context) error {
	days, err := s.db.RetentionDays(c.Request().Context())
	if err != nil {
		return err
	}
	f := views.PrivacyForm{}
	if days > 0 {
		f.RetentionDays = strconv.Itoa(days)
	}
	return render(c, http.StatusOK, views.PrivacyPage(s.page(c, "Privacy", views.SectionPrivacy), f))
}

// savePrivacy: POST /settings/privacy.
func (s *Server) savePrivacy(c echo.Context) error {
	f := views.PrivacyForm{RetentionDays: strings.TrimSpace(c.FormValue("retentionDays"))}
	days := 0
	if f.RetentionDays != "" {
		var err error
		if days, err = strconv.Atoi(f.RetentionDays); err != nil || days < 1 {
			days = -1
		}
	}
	err := s.db.SetRetentionDays(c.Request().Context(), days)
	if fe, ok := asFieldErrors(err); ok {
		f.Errors = fe
		return render(c, http.StatusUnprocessableEntity, views.PrivacyPage(s.page(c, "Privacy", views.SectionPrivacy), f))
	}
	if err != nil {
		return err
	}
	msg := "Candidates’ data is kept."
	if days > 0 {
		msg = "Candidates’ data is erased " + strconv.Itoa(days) + " days after their invitation ended, within minutes of that day."
	}
	return flashAndRedirect(c, msg, "/settings/privacy")
}
