package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"testgate/mail"
	"testgate/store"
	"testgate/views"
)

var emailDefaults = views.LinkEmailsForm{
	InviteSubject: mail.DefaultInviteSubject, InviteBody: mail.DefaultInviteBody,
	ReminderSubject: mail.DefaultReminderSubject, ReminderBody: mail.DefaultReminderBody,
}

func hoursText(h int) string {
	if h == 0 {
		return ""
	}
	return strconv.Itoa(h)
}

func (s *Server) linkEmailsForm(c echo.Context) error {
	l, t, err := s.linkAndTest(c)
	if err != nil {
		return err
	}
	f := views.LinkEmailsForm{LinkID: l.ID, InviteSubject: l.InviteSubject, InviteBody: l.InviteBody,
		ReminderSubject: l.ReminderSubject, ReminderBody: l.ReminderBody,
		RemindAfterHours: hoursText(l.RemindAfterHours), RemindBeforeExpiryHours: hoursText(l.RemindBeforeExpiryHours),
		WordingLang: mail.WordingLanguage(l)}
	return render(c, http.StatusOK, views.LinkEmailsPage(s.page(c, "Emails of "+l.Name, views.SectionTests), t, l, f, emailDefaults))
}

// saveLinkEmails checks the wording as templates, then saves it or, for
// "preview", shows the invitation as a sample candidate would get it.
func (s *Server) saveLinkEmails(c echo.Context) error {
	l, t, err := s.linkAndTest(c)
	if err != nil {
		return err
	}
	f := views.LinkEmailsForm{LinkID: l.ID, InviteSubject: strings.TrimSpace(c.FormValue("inviteSubject")), InviteBody: c.FormValue("inviteBody"),
		ReminderSubject: strings.TrimSpace(c.FormValue("reminderSubject")), ReminderBody: c.FormValue("reminderBody"),
		RemindAfterHours: c.FormValue("remindAfterHours"), RemindBeforeExpiryHours: c.FormValue("remindBeforeExpiryHours"),
		WordingLang: mail.WordingLanguage(l)}
	fe := store.FieldErrors{}
	e := store.LinkEmails{InviteSubject: f.InviteSubject, InviteBody: f.InviteBody, ReminderSubject: f.ReminderSubject, ReminderBody: f.ReminderBody,
		RemindAfterHours:        formInt(fe, "remindAfterHours", f.RemindAfterHours, 0),
		RemindBeforeExpiryHours: formInt(fe, "remindBeforeExpiryHours", f.RemindBeforeExpiryHours, 0)}
	for field, text := range map[string]string{"inviteSubject": e.InviteSubject, "inviteBody": e.InviteBody,
		"reminderSubject": e.ReminderSubject, "reminderBody": e.ReminderBody} {
		if err := mail.ValidateTemplate(text); err != nil {
			fe[field] = err.Error()
		}
	}
	fe = (store.LinkInput{Name: "-", LinkEmails: e}).Validate().With(fe)
	page := s.page(c, "Emails of "+l.Name, views.SectionTests)
	if len(fe) > 0 {
		f.Errors = fe
		return render(c, http.StatusUnprocessableEntity, views.LinkEmailsPage(page, t, l, f, emailDefaults))
	}
	if c.FormValue("action") == "preview" {
		subject, body := e.InviteSubject, e.InviteBody
		if subject == "" {
			subject = mail.DefaultInviteSubject
		}
		if strings.TrimSpace(body) == "" {
			body = mail.DefaultInviteBody
		}
		preview, err := mail.Render(subject, body, "Start the test", mail.TemplateData{CandidateName: "Ada Lovelace", TestName: t.Name,
			TestURL: s.cfg.BaseURL + "/t/sample-token", ExpiresAt: "31 Jan 2027 18:00 UTC", DurationMinutes: t.DurationMinutes, LinkName: l.Name})
		if err != nil {
			return err
		}
		f.Preview = &preview
		return render(c, http.StatusOK, views.LinkEmailsPage(page, t, l, f, emailDefaults))
	}
	if _, err := s.db.UpdateLinkEmails(c.Request().Context(), l.ID, e); err != nil {
		return err
	}
	if err := setFlash(c, "Email wording saved. It applies to emails queued from now on."); err != nil {
		return err
	}
	return redirect(c, linkPath(l.ID))
}
