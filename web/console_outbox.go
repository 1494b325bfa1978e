package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
)

func (s *Server) listOutbox(c echo.Context) error {
	return s.listEmails(c, false)
}

// mailbox shows what the dev mailbox kept: every email, when no SMTP
// server is configured, a page at a time, with the outbox's filters.
func (s *Server) mailbox(c echo.Context) error {
	return s.listEmails(c, true)
}

// listEmails is a page of the outbox or of the dev mailbox, filtered by
// recipient, kind and status; a value the filters do not offer is ignored.
func (s *Server) listEmails(c echo.Context, mailbox bool) error {
	v := views.OutboxView{Mailbox: mailbox, Recipient: c.QueryParam("q"), Page: queryPage(c)}
	if slices.Contains(store.OutboxStatuses, c.QueryParam("status")) {
		v.Status = c.QueryParam("status")
	}
	if slices.Contains(store.EmailKinds, c.QueryParam("kind")) {
		v.Kind = c.QueryParam("kind")
	}
	var err error
	if v.Messages, v.Total, err = s.db.OutboxPage(c.Request().Context(), store.OutboxFilter{Status: v.Status, Kind: v.Kind,
		Recipient: v.Recipient, DevMailbox: mailbox, Page: v.Page, Teams: viewerTeams(c)}); err != nil {
		return err
	}
	return render(c, http.StatusOK, views.OutboxPage(s.page(c, "Emails", views.SectionEmails), v))
}

// queryPage reads ?page= (1 when absent or not a positive number).
func queryPage(c echo.Context) int {
	if n, err := strconv.Atoi(c.QueryParam("page")); err == nil && n > 0 {
		return n
	}
	return 1
}

func (s *Server) outboxMessage(c echo.Context) (store.OutboxMessage, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return store.OutboxMessage{}, err
	}
	return s.db.OutboxMessage(c.Request().Context(), id)
}

func (s *Server) showMessage(c echo.Context) error {
	m, err := s.outboxMessage(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.MessagePage(s.page(c, m.Subject, views.SectionEmails), m))
}

// messageHTML serves an email's HTML part for the preview frame. Emails
// carry inline styles, so this response has its own policy: styles and
// images only, no script, framed by this site alone, sandboxed.
func (s *Server) messageHTML(c echo.Context) error {
	m, err := s.outboxMessage(c)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data: https:; frame-ancestors 'self'; sandbox")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	return c.HTMLBlob(http.StatusOK, []byte(m.HTML))
}

func (s *Server) retryMessage(c echo.Context) error {
	return s.changeState(c, s.db.RetryOutbox, "Only a failed email can be retried.", "The email is queued again.", "/outbox/")
}

func (s *Server) cancelMessage(c echo.Context) error {
	return s.changeState(c, s.db.CancelOutbox, "Only a queued email can be cancelled.", "The email will not be sent.", "/outbox/")
}

// resendInvitation queues the invitation email again.
func (s *Server) resendInvitation(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	err = s.db.QueueEmail(c.Request().Context(), id, store.EmailInvitation, s.userActor(c))
	switch {
	case errors.Is(err, store.ErrAlreadyStarted), errors.Is(err, store.ErrNotUsable):
		return echo.NewHTTPError(http.StatusConflict, "This invitation can no longer be emailed: the candidate started, or gave no address yet.")
	case err != nil:
		return err
	}
	return flashAndRedirect(c, "The invitation email is queued.", invitationPath(id))
}

// remindLink queues a reminder for everyone on a link who has not started.
func (s *Server) remindLink(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	l, err := s.db.Link(ctx, id)
	if err != nil {
		return err
	}
	before := s.db.Now().Add(-store.MinReminderAge)
	due, err := s.db.CountTouched(ctx, store.Touched{LinkID: id, Statuses: []store.InvitationStatus{store.StatusInvited, store.StatusOpened},
		InvitedBefore: &before, Addressable: true})
	if err != nil {
		return err
	}
	if due > 0 {
		if asked, err := s.askFirst(c, views.SectionTests, views.Confirmation{Title: "Remind everyone who has not started?",
			Question: "A reminder is emailed to every candidate invited through “" + l.Name + "” more than " +
				strconv.Itoa(int(store.MinReminderAge.Hours())) + " hours ago who has not started the test.",
			Touches: candidates(due, "", ""), Confirm: "Send the reminders", Back: linkPath(id)}); asked {
			return err
		}
	}
	n, err := s.db.RemindNotStarted(ctx, id, s.userActor(c))
	if err != nil {
		return err
	}
	msg := "Nobody to remind: every candidate invited more than " + strconv.Itoa(int(store.MinReminderAge.Hours())) +
		" hours ago has started."
	switch {
	case n == 1:
		msg = "Reminder queued for 1 candidate who has not started."
	case n > 1:
		msg = "Reminders queued for " + strconv.Itoa(n) + " candidates who have not started."
	}
	return flashAndRedirect(c, msg, linkPath(id))
}

// changeState applies a state change to the record whose id is in the
// path, then returns to its page with a notice; ErrConflict (not in a
// state for that change) is a 409 saying so.
func (s *Server) changeState(c echo.Context, change func(context.Context, int64) error, conflict, done, page string) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	err = change(c.Request().Context(), id)
	if errors.Is(err, store.ErrConflict) {
		return echo.NewHTTPError(http.StatusConflict, conflict)
	}
	if err != nil {
		return err
	}
	return flashAndRedirect(c, done, page+strconv.FormatInt(id, 10))
}
