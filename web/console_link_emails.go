package web

import (
	"net/http"
	netmail "net/mail"
	"strconv"
	"strings"
	"testgate/views/locale"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/mail"
	"testgate/store"
	"testgate/views"
)

func hoursText(h int) string {
	if h == 0 {
		return ""
	}
	return strconv.Itoa(h)
}

// emailsForm is the wording page's state for one language: the link's own
// language unless ?lang= (or the form's lang) names another.
func (s *Server) emailsForm(c echo.Context, l store.TestLink) (views.LinkEmailsForm, error) {
	f := views.LinkEmailsForm{LinkID: l.ID, Lang: l.WordingLanguage(), LinkLang: l.WordingLanguage(), Worded: map[string]bool{},
		Placeholders:     placeholderRows(),
		RemindAfterHours: hoursText(l.RemindAfterHours), RemindBeforeExpiryHours: hoursText(l.RemindBeforeExpiryHours)}
	if lang := c.FormValue("lang"); store.ValidLanguage(lang) {
		f.Lang = lang
	}
	worded, err := s.db.WordedLanguages(c.Request().Context(), l.ID)
	for _, code := range worded {
		f.Worded[code] = true
	}
	return f, err
}

func (s *Server) linkEmailsForm(c echo.Context) error {
	l, t, err := s.linkAndTest(c)
	if err != nil {
		return err
	}
	f, err := s.emailsForm(c, l)
	if err != nil {
		return err
	}
	w, err := s.db.LinkWording(c.Request().Context(), l, f.Lang)
	if err != nil {
		return err
	}
	f.InviteSubject, f.InviteBody, f.ReminderSubject, f.ReminderBody = w.InviteSubject, w.InviteBody, w.ReminderSubject, w.ReminderBody
	return render(c, http.StatusOK, views.LinkEmailsPage(s.page(c, "Emails of "+l.Name, views.SectionTests), t, l, f))
}

// saveLinkEmails checks the wording of one language, then saves it or, for
// "preview", shows the invitation as a sample candidate in that language
// would get it.
func (s *Server) saveLinkEmails(c echo.Context) error {
	l, t, err := s.linkAndTest(c)
	if err != nil {
		return err
	}
	f, err := s.emailsForm(c, l)
	if err != nil {
		return err
	}
	f.InviteSubject, f.InviteBody = strings.TrimSpace(c.FormValue("inviteSubject")), c.FormValue("inviteBody")
	f.ReminderSubject, f.ReminderBody = strings.TrimSpace(c.FormValue("reminderSubject")), c.FormValue("reminderBody")
	w := store.Wording{InviteSubject: f.InviteSubject, InviteBody: f.InviteBody, ReminderSubject: f.ReminderSubject, ReminderBody: f.ReminderBody}
	fe := store.FieldErrors{}
	e := store.LinkEmails{InviteSubject: w.InviteSubject, InviteBody: w.InviteBody, ReminderSubject: w.ReminderSubject, ReminderBody: w.ReminderBody,
		RemindAfterHours: l.RemindAfterHours, RemindBeforeExpiryHours: l.RemindBeforeExpiryHours}
	if f.Own() {
		f.RemindAfterHours, f.RemindBeforeExpiryHours = c.FormValue("remindAfterHours"), c.FormValue("remindBeforeExpiryHours")
		e.RemindAfterHours = formInt(fe, "remindAfterHours", f.RemindAfterHours, 0)
		e.RemindBeforeExpiryHours = formInt(fe, "remindBeforeExpiryHours", f.RemindBeforeExpiryHours, 0)
	}
	for field, text := range map[string]string{"inviteSubject": w.InviteSubject, "inviteBody": w.InviteBody,
		"reminderSubject": w.ReminderSubject, "reminderBody": w.ReminderBody} {
		if err := mail.ValidateTemplate(text); err != nil {
			fe[field] = err.Error()
		}
	}
	fe = (store.LinkInput{Name: "-", LinkEmails: e}).Validate().With(fe)
	page := s.page(c, "Emails of "+l.Name, views.SectionTests)
	if len(fe) > 0 {
		f.Errors = fe
		return render(c, http.StatusUnprocessableEntity, views.LinkEmailsPage(page, t, l, f))
	}
	ctx := c.Request().Context()
	if c.FormValue("action") == "preview" {
		d := previewEmail(t, l, f.Lang, w)
		if d.Brand, err = s.db.Branding(ctx); err != nil {
			return err
		}
		preview, err := mail.NewComposer(s.cfg.BaseURL, &netmail.Address{}).Compose(d)
		if err != nil {
			return err
		}
		f.Preview = &preview
		return render(c, http.StatusOK, views.LinkEmailsPage(page, t, l, f))
	}
	if f.Own() {
		_, err = s.db.UpdateLinkEmails(ctx, l.ID, e)
	} else {
		err = s.db.SetLinkWording(ctx, l, f.Lang, w)
	}
	if err != nil {
		return err
	}
	return flashAndRedirect(c, "Email wording in "+locale.Names[f.Lang]+" saved. It applies to emails queued from now on.", "/links/"+strconv.FormatInt(l.ID, 10)+"/emails?lang="+f.Lang)
}

// previewEmail is the invitation a sample candidate in lang would get,
// composed as the outbox composes it.
func previewEmail(t store.Test, l store.TestLink, lang string, w store.Wording) store.EmailData {
	expires := time.Date(2027, 1, 31, 18, 0, 0, 0, time.UTC)
	l.InviteSubject, l.InviteBody, l.ReminderSubject, l.ReminderBody = w.InviteSubject, w.InviteBody, w.ReminderSubject, w.ReminderBody
	return store.EmailData{Kind: store.EmailInvitation, Test: t, Link: l, Lang: lang, Wording: w,
		Invitation: store.Invitation{Name: "Ada Lovelace", Token: "sample-token", Lang: lang, ExpiresAt: &expires}}
}

// placeholderRows are the email wording's placeholders for the page.
func placeholderRows() [][2]string {
	var rows [][2]string
	for _, ph := range mail.Placeholders() {
		rows = append(rows, [2]string{ph.Text, ph.Meaning})
	}
	return rows
}
