package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
)

const invitationsPageSize = 50

func invitationPath(id int64) string { return "/invitations/" + strconv.FormatInt(id, 10) }

func (s *Server) userActor(c echo.Context) string {
	if u := currentUser(c); u != nil {
		return "user:" + u.Email
	}
	return "user"
}

// parseInvitationFilter reads the list's query string; values that make no
// sense are dropped rather than refused, as a bookmark may be old.
func parseInvitationFilter(c echo.Context) views.InvitationFilter {
	f := views.InvitationFilter{Query: c.QueryParam("q"), Sort: c.QueryParam("sort"), Desc: c.QueryParam("dir") == "desc", Page: 1}
	f.TestID, _ = strconv.ParseInt(c.QueryParam("test"), 10, 64)
	f.LinkID, _ = strconv.ParseInt(c.QueryParam("link"), 10, 64)
	if st := store.InvitationStatus(c.QueryParam("status")); st.Valid() {
		f.Status = string(st)
	}
	if _, ok := store.InvitationSorts[f.Sort]; !ok {
		f.Sort, f.Desc = "", false
	}
	if p, err := strconv.Atoi(c.QueryParam("page")); err == nil && p > 1 {
		f.Page = p
	}
	return f
}

func (s *Server) listInvitations(c echo.Context) error {
	ctx := c.Request().Context()
	f := parseInvitationFilter(c)
	rows, total, err := s.db.Invitations(ctx, store.InvitationFilter{
		TestID: f.TestID, LinkID: f.LinkID, Status: store.InvitationStatus(f.Status), Query: f.Query,
		Sort: f.Sort, Desc: f.Desc, Page: f.Page, PageSize: invitationsPageSize, CountLimit: views.SearchCountLimit, Teams: viewerTeams(c),
	})
	if err != nil {
		return err
	}
	l := views.InvitationList{Total: total, PageSize: invitationsPageSize, Filter: f}
	for _, inv := range rows {
		l.Rows = append(l.Rows, views.InvitationRow{Invitation: inv, URL: s.TestURL(inv)})
	}
	page := s.page(c, "Invitations", views.SectionInvitations)
	if isHTMX(c) && c.Request().Header.Get("HX-Target") == "invitations-table" {
		// Push the tidy URL (no empty parameters) so the address bar is bookmarkable.
		c.Response().Header().Set("HX-Push-Url", l.PageURL(f.Page))
		return render(c, http.StatusOK, views.InvitationsTable(page, l))
	}
	if l.Tests, err = s.testsWithLinks(c); err != nil {
		return err
	}
	return render(c, http.StatusOK, views.InvitationsPage(page, l))
}

// testsWithLinks is every active test with its links, for filter selects.
func (s *Server) testsWithLinks(c echo.Context) ([]views.TestLinks, error) {
	ctx := c.Request().Context()
	tests, err := s.db.Tests(ctx, store.TestFilter{Teams: viewerTeams(c)})
	if err != nil {
		return nil, err
	}
	links, err := s.db.AllLinks(ctx)
	if err != nil {
		return nil, err
	}
	byTest := map[int64][]store.TestLink{}
	for _, l := range links {
		byTest[l.TestID] = append(byTest[l.TestID], l)
	}
	out := make([]views.TestLinks, 0, len(tests))
	for _, t := range tests {
		out = append(out, views.TestLinks{Test: t, Links: byTest[t.ID]})
	}
	return out, nil
}

func (s *Server) invitationDetail(c echo.Context, id int64) (views.InvitationDetail, error) {
	ctx := c.Request().Context()
	inv, err := s.db.Invitation(ctx, id)
	if err != nil {
		return views.InvitationDetail{}, err
	}
	timeline, err := s.db.Timeline(ctx, id)
	if err != nil {
		return views.InvitationDetail{}, err
	}
	d := views.InvitationDetail{
		Row:        views.InvitationRow{Invitation: inv, URL: s.TestURL(inv)},
		Timeline:   timeline,
		ExtendForm: formatLocal(inv.ExpiresAt, viewerLocation(c)),
	}
	if d.Emails, err = s.db.Outbox(ctx, store.OutboxFilter{InvitationID: id}); err != nil {
		return d, err
	}
	if d.Deliveries, err = s.db.Deliveries(ctx, store.DeliveryFilter{InvitationID: id}); err != nil {
		return d, err
	}
	if d.Attempts, err = s.db.AttemptLinksOf(ctx, id); err != nil {
		return d, err
	}
	if d.ATS, err = s.atsReference(ctx, inv); err != nil {
		return d, err
	}
	if u := currentUser(c); u != nil && u.IsAdmin() && inv.ErasedAt == nil {
		if d.SameAddress, err = s.db.InvitationsOfAddress(ctx, inv.Email); err != nil {
			return d, err
		}
	}
	return d, nil
}

func (s *Server) showInvitation(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := s.invitationDetail(c, id)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.InvitationPage(s.page(c, d.Row.Invitation.Name, views.SectionInvitations), d))
}

func (s *Server) cancelInvitation(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	inv, err := s.db.Invitation(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if inv.Status.NotStarted() {
		if asked, err := s.askFirst(c, views.SectionInvitations, views.Confirmation{Title: "Cancel this invitation?",
			Question: inv.Name + " (" + inv.Email + ") will no longer be able to open the test, and emails not yet sent to them are withdrawn.",
			Touches:  candidates(1, "", ""), Confirm: "Cancel the invitation", Back: invitationPath(id), Danger: true}); asked {
			return err
		}
	}
	_, err = s.db.CancelInvitation(c.Request().Context(), id, s.userActor(c))
	if errors.Is(err, store.ErrAlreadyStarted) {
		d, derr := s.invitationDetail(c, id)
		if derr != nil {
			return derr
		}
		d.Problem = "Not cancelled: the candidate has already started the test."
		return render(c, http.StatusConflict, views.InvitationPage(s.page(c, d.Row.Invitation.Name, views.SectionInvitations), d))
	}
	if err != nil {
		return err
	}
	return flashAndRedirect(c, "Invitation cancelled: its URL no longer opens the test.", invitationPath(id))
}

func (s *Server) extendInvitation(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	raw := c.FormValue("expiresAt")
	fe := store.FieldErrors{}
	until := formTime(fe, "expiresAt", raw, viewerLocation(c))
	if until == nil && len(fe) == 0 {
		fe["expiresAt"] = "is required"
	}
	if until != nil {
		_, err = s.db.ExtendInvitation(c.Request().Context(), id, *until, s.userActor(c))
		if ferr, ok := asFieldErrors(err); ok {
			fe = ferr
		} else if errors.Is(err, store.ErrAlreadyStarted) {
			fe["expiresAt"] = "cannot change once the candidate has started"
		} else if errors.Is(err, store.ErrConflict) {
			fe["expiresAt"] = "cannot re-open this invitation: the address has a newer one on the same link"
		} else if err != nil {
			return err
		}
	}
	if len(fe) > 0 {
		d, err := s.invitationDetail(c, id)
		if err != nil {
			return err
		}
		d.ExtendForm, d.Errors = raw, fe
		return render(c, http.StatusUnprocessableEntity, views.InvitationPage(s.page(c, d.Row.Invitation.Name, views.SectionInvitations), d))
	}
	return flashAndRedirect(c, "Expiry changed.", invitationPath(id))
}

// inviteFromLink invites one candidate from a link's page. htmx gets the
// invite panel back; a plain form post gets the whole link page.
func (s *Server) inviteFromLink(c echo.Context) error {
	ctx := c.Request().Context()
	linkID, err := pathID(c, "id")
	if err != nil {
		return err
	}
	link, err := s.db.Link(ctx, linkID)
	if err != nil {
		return err
	}
	f := views.InviteForm{LinkID: link.ID, Name: c.FormValue("name"), Email: c.FormValue("email"), SendEmail: checked(c, "sendEmail"),
		Optional: link.DisableMandatoryFields, Lang: c.FormValue("lang"), LinkLang: link.Lang, ExtraTime: c.FormValue("extraTimePercent")}
	parsed := store.FieldErrors{}
	n := store.NewInvitation{
		TestID: link.TestID, LinkID: link.ID, Name: f.Name, Email: f.Email, SendEmail: &f.SendEmail, Lang: f.Lang,
		GeneratePlaceholders: link.DisableMandatoryFields, Source: store.SourceConsole, Actor: s.userActor(c),
		ExtraTimePercent: formInt(parsed, "extraTimePercent", f.ExtraTime, 0),
	}
	// A link that makes name and email optional generates stand-ins for
	// the ones left empty, as the API does; the candidate replaces them.
	var res store.InviteResult
	if len(parsed) > 0 {
		err = n.Validate().With(parsed)
	} else {
		res, err = s.db.Invite(ctx, n)
	}
	status := http.StatusCreated
	switch fe, isFields := asFieldErrors(err); {
	case isFields:
		f.Errors, status = fe, http.StatusUnprocessableEntity
	case errors.Is(err, store.ErrClosed):
		f.Problem, status = "Not invited: "+err.Error(), http.StatusUnprocessableEntity
	case err != nil:
		return err
	default:
		row := views.InvitationRow{Invitation: res.Invitation, URL: s.TestURL(res.Invitation)}
		f = views.InviteForm{LinkID: link.ID, SendEmail: link.SendEmail, Result: &row, Existing: !res.Created && !res.Reopened,
			Optional: link.DisableMandatoryFields, LinkLang: link.Lang}
		if f.Existing {
			status = http.StatusOK
		}
	}
	page := s.page(c, link.Name, views.SectionTests)
	if isHTMX(c) {
		return render(c, status, views.InvitePanel(page, f))
	}
	t, err := s.db.Test(ctx, link.TestID)
	if err != nil {
		return err
	}
	return render(c, status, views.LinkPage(page, t, views.LinkRow{Link: link, URL: s.LinkURL(link)}, f))
}

// reattemptInvitation gives the candidate another attempt from the console,
// as iMocha's reattempt call does: a new invitation after a finished
// attempt (the old one kept in their history), the same one reopened after
// a cancelled or expired one; refused while the candidate is taking it.
func (s *Server) reattemptInvitation(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	send := checked(c, "sendEmail")
	res, err := s.db.Reattempt(c.Request().Context(), id, store.ReattemptInput{SendEmail: &send, Source: store.SourceConsole, Actor: s.userActor(c)})
	if errors.Is(err, store.ErrAttemptInProgress) {
		d, derr := s.invitationDetail(c, id)
		if derr != nil {
			return derr
		}
		d.Problem = "No new attempt: the candidate is taking the test now."
		return render(c, http.StatusConflict, views.InvitationPage(s.page(c, d.Row.Invitation.Name, views.SectionInvitations), d))
	}
	if err != nil {
		return err
	}
	var msg string
	switch {
	case !res.Created && !res.Reopened:
		msg = "The candidate already has a new attempt waiting, so nothing was emailed: this is its invitation."
	case res.Emailed && !res.Invitation.Placeholder:
		msg = "New attempt ready and emailed to the candidate: this is its invitation."
	default:
		msg = "New attempt ready: this is its invitation."
	}
	return flashAndRedirect(c, msg, invitationPath(res.Invitation.ID))
}
