package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
)

// parseLinkForm reads the link form, keeping every value as typed.
func parseLinkForm(c echo.Context) (views.LinkForm, store.LinkInput, store.FieldErrors) {
	f := views.LinkForm{
		Name: c.FormValue("name"), Slug: strings.TrimSpace(c.FormValue("slug")),
		CallbackURL: strings.TrimSpace(c.FormValue("callbackUrl")), RedirectURL: strings.TrimSpace(c.FormValue("redirectUrl")),
		HideInstruction: checked(c, "hideInstruction"), DisableMandatoryFields: checked(c, "disableMandatoryFields"),
		SendEmail: checked(c, "sendEmail"), Public: checked(c, "public"),
		ExpiresAt: c.FormValue("expiresAt"), ExpireAfterDays: c.FormValue("expireAfterDays"), ValidFrom: c.FormValue("validFrom"), ValidUntil: c.FormValue("validUntil"),
		MaxUses: c.FormValue("maxUses"), Lang: c.FormValue("lang"), TabSwitchLimit: c.FormValue("tabSwitchLimit"),
	}
	parsed := store.FieldErrors{}
	loc := viewerLocation(c)
	in := store.LinkInput{
		Name: f.Name, Slug: f.Slug, CallbackURL: f.CallbackURL, RedirectURL: f.RedirectURL,
		HideInstruction: f.HideInstruction, DisableMandatoryFields: f.DisableMandatoryFields,
		SendEmail: f.SendEmail, Public: f.Public,
		ExpiresAt:       formTime(parsed, "expiresAt", f.ExpiresAt, loc),
		ExpireAfterDays: formInt(parsed, "expireAfterDays", f.ExpireAfterDays, 0),
		ValidFrom:       formTime(parsed, "validFrom", f.ValidFrom, loc),
		ValidUntil:      formTime(parsed, "validUntil", f.ValidUntil, loc),
		MaxUses:         formInt(parsed, "maxUses", f.MaxUses, 0),
		Lang:            f.Lang,
		TabSwitchLimit:  formInt(parsed, "tabSwitchLimit", f.TabSwitchLimit, 0),
	}
	return f, in, parsed
}

func linkPath(id int64) string { return "/links/" + strconv.FormatInt(id, 10) }

func (s *Server) newLinkForm(c echo.Context) error {
	testID, err := pathID(c, "id")
	if err != nil {
		return err
	}
	t, err := s.db.Test(c.Request().Context(), testID)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.LinkFormPage(s.page(c, "New link", views.SectionTests), t, views.LinkForm{}))
}

func (s *Server) createLink(c echo.Context) error {
	ctx := c.Request().Context()
	testID, err := pathID(c, "id")
	if err != nil {
		return err
	}
	t, err := s.db.Test(ctx, testID)
	if err != nil {
		return err
	}
	f, in, parsed := parseLinkForm(c)
	if len(parsed) > 0 {
		f.Errors = in.Validate().With(parsed)
		return render(c, http.StatusUnprocessableEntity, views.LinkFormPage(s.page(c, "New link", views.SectionTests), t, f))
	}
	l, err := s.db.CreateLink(ctx, testID, in)
	if fe, ok := asFieldErrors(err); ok {
		f.Errors = fe
		return render(c, http.StatusUnprocessableEntity, views.LinkFormPage(s.page(c, "New link", views.SectionTests), t, f))
	}
	if err != nil {
		return err
	}
	msg := "Link created. Copy its URL below."
	if !l.Public {
		msg = "Link created. It is invite-only: invite candidates from this page, by import or through the API."
	}
	return flashAndRedirect(c, msg, linkPath(l.ID))
}

// linkAndTest loads the link in the path and its test.
func (s *Server) linkAndTest(c echo.Context) (store.TestLink, store.Test, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return store.TestLink{}, store.Test{}, err
	}
	l, err := s.db.Link(c.Request().Context(), id)
	if err != nil {
		return l, store.Test{}, err
	}
	t, err := s.db.Test(c.Request().Context(), l.TestID)
	return l, t, err
}

func (s *Server) showLink(c echo.Context) error {
	l, t, err := s.linkAndTest(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.LinkPage(s.page(c, l.Name, views.SectionTests), t, views.LinkRow{Link: l, URL: s.LinkURL(l)},
		views.InviteForm{LinkID: l.ID, SendEmail: l.SendEmail, Optional: l.DisableMandatoryFields, LinkLang: l.Lang}))
}

func (s *Server) editLinkForm(c echo.Context) error {
	l, t, err := s.linkAndTest(c)
	if err != nil {
		return err
	}
	loc := viewerLocation(c)
	f := views.LinkForm{
		ID: l.ID, Name: l.Name, Slug: l.Slug, CallbackURL: l.CallbackURL, RedirectURL: l.RedirectURL,
		HideInstruction: l.HideInstruction, DisableMandatoryFields: l.DisableMandatoryFields, SendEmail: l.SendEmail,
		Public: l.Public, ExpiresAt: formatLocal(l.ExpiresAt, loc), ValidFrom: formatLocal(l.ValidFrom, loc),
		ValidUntil: formatLocal(l.ValidUntil, loc), Lang: l.Lang,
	}
	if l.MaxUses > 0 {
		f.MaxUses = strconv.Itoa(l.MaxUses)
	}
	if l.TabSwitchLimit > 0 {
		f.TabSwitchLimit = strconv.Itoa(l.TabSwitchLimit)
	}
	if l.ExpireAfterDays > 0 {
		f.ExpireAfterDays = strconv.Itoa(l.ExpireAfterDays)
	}
	return render(c, http.StatusOK, views.LinkFormPage(s.page(c, "Edit "+l.Name, views.SectionTests), t, f))
}

func (s *Server) updateLink(c echo.Context) error {
	ctx := c.Request().Context()
	l, t, err := s.linkAndTest(c)
	if err != nil {
		return err
	}
	id := l.ID
	f, in, parsed := parseLinkForm(c)
	f.ID = id
	if len(parsed) > 0 {
		f.Errors = in.Validate().With(parsed)
		return render(c, http.StatusUnprocessableEntity, views.LinkFormPage(s.page(c, "Edit link", views.SectionTests), t, f))
	}
	_, err = s.db.UpdateLink(ctx, id, in)
	if fe, ok := asFieldErrors(err); ok {
		f.Errors = fe
		return render(c, http.StatusUnprocessableEntity, views.LinkFormPage(s.page(c, "Edit link", views.SectionTests), t, f))
	}
	if err != nil {
		return err
	}
	return flashAndRedirect(c, "Link saved. Invitations already made keep the settings they were made with.", linkPath(id))
}

func (s *Server) setLinkState(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	return s.flip(c, toggle{off: c.FormValue("disabled") != "0", section: views.SectionTests, back: linkPath(id),
		ask: func() (views.Confirmation, error) {
			l, err := s.db.Link(ctx, id)
			if err != nil {
				return views.Confirmation{}, err
			}
			n, err := s.db.CountTouched(ctx, store.Touched{LinkID: id, Statuses: []store.InvitationStatus{store.StatusInvited, store.StatusOpened}})
			return views.Confirmation{Title: "Disable this link?",
				Question: "“" + l.Name + "” takes no new invitations or registrations while it is disabled.",
				Touches:  candidates(n, " invited through it who has not started", " invited through it who have not started"), Confirm: "Disable the link", Back: linkPath(id), Danger: true}, err
		},
		set:     func(off bool) error { return s.db.SetLinkDisabled(ctx, id, off) },
		offSaid: "Link disabled: it takes no new invitations or registrations.", onSaid: "Link enabled."})
}
