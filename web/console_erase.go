package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
)

// eraseCandidate: POST /invitations/{id}/erase (admins). Erases the
// candidate's data of this invitation, or with scope=address of every
// invitation of their address, after asking first.
func (s *Server) eraseCandidate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	inv, err := s.db.Invitation(ctx, id)
	if err != nil {
		return err
	}
	if inv.ErasedAt != nil {
		return c.Redirect(http.StatusSeeOther, invitationPath(id))
	}
	everywhere := c.FormValue("scope") == "address"
	n := 1
	if everywhere {
		if n, err = s.db.InvitationsOfAddress(ctx, inv.Email); err != nil {
			return err
		}
	}
	q := views.Confirmation{Title: "Erase this candidate’s data?",
		Question: inv.Name + " (" + inv.Email + ") is replaced by “" + store.ErasedName + "”; the text of their answers, reviewers’ comments, " +
			"the emails to them, callback bodies and where they took the test from are removed. Scores, statuses and the timeline stay, " +
			"without their name. An invitation not finished yet is cancelled. This cannot be undone.",
		Touches: strconv.Itoa(n) + " invitation" + plural(n) + " of this address", Confirm: "Erase for good", Back: invitationPath(id), Danger: true}
	if asked, err := s.askFirst(c, views.SectionInvitations, q); asked {
		return err
	}
	if everywhere {
		ids, err := s.db.EraseCandidate(ctx, inv.Email, viewerTeams(c), s.userActor(c))
		if err != nil {
			return err
		}
		n = len(ids)
	} else if _, err := s.db.EraseInvitation(ctx, id, s.userActor(c)); err != nil {
		return err
	}
	if err := setFlash(c, "The candidate’s data is erased from "+strconv.Itoa(n)+" invitation"+plural(n)+"."); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, invitationPath(id))
}

// exportCandidate: GET /invitations/{id}/candidate-data.json (admins).
// Everything held about the invitation's address, as a download: a
// candidate's request for their data.
func (s *Server) exportCandidate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	inv, err := s.db.Invitation(ctx, id)
	if err != nil {
		return err
	}
	data, err := s.db.CandidateData(ctx, inv.Email, viewerTeams(c))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="candidate-`+strconv.FormatInt(id, 10)+`.json"`)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSONPretty(http.StatusOK, data, "  ")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
