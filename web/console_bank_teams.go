package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
)

// Banks belong to teams: a recruiter adds to, edits and archives their
// team's questions; the organisation's bank, which every team's tests draw
// from, is kept by admins.

// orgBank is the form value naming the organisation's bank.
const orgBank = "org"

// bankChoices are the banks the viewer may add questions to: an admin's
// the organisation's and every team's, a recruiter's their teams'.
func (s *Server) bankChoices(c echo.Context) ([]views.BankChoice, error) {
	teams, err := s.teamChoices(c)
	if err != nil {
		return nil, err
	}
	var out []views.BankChoice
	if u := currentUser(c); u != nil && u.IsAdmin() {
		out = append(out, views.BankChoice{Value: orgBank, Label: "The organisation's bank (every team draws from it)"})
	}
	for _, t := range teams {
		out = append(out, views.BankChoice{Value: strconv.FormatInt(t.ID, 10), Label: t.Name + "'s bank"})
	}
	return out, nil
}

// chosenBank is the bank the form names, among the viewer's choices: nil
// for the organisation's. Without a choice, the first offered.
func (s *Server) chosenBank(c echo.Context) (*int64, error) {
	choices, err := s.bankChoices(c)
	if err != nil {
		return nil, err
	}
	want := c.FormValue("bank")
	for _, ch := range choices {
		if want == "" || ch.Value == want {
			if ch.Value == orgBank {
				return nil, nil
			}
			id, _ := strconv.ParseInt(ch.Value, 10, 64)
			return &id, nil
		}
	}
	if len(choices) == 0 {
		return nil, store.FieldErrors{"bank": "none is yours to add to: ask an admin to put you in a team"}
	}
	return nil, store.FieldErrors{"bank": "must be one of the banks offered"}
}

// bankQuestionFor loads a bank question the viewer may see — their teams'
// or the organisation's (another team's is as if absent) — and, to
// change it, may change: not the organisation's, unless an admin.
func (s *Server) bankQuestionFor(c echo.Context, id int64, change bool) (store.BankQuestion, error) {
	u := currentUser(c)
	b, err := s.db.BankQuestionIn(c.Request().Context(), id, viewerTeams(c), change, u != nil && u.IsAdmin())
	switch {
	case errors.Is(err, store.ErrNotFound):
		return b, echo.NewHTTPError(http.StatusNotFound, notFoundMessage)
	case errors.Is(err, store.ErrBankKeptByAdmins):
		return b, echo.NewHTTPError(http.StatusForbidden,
			"The organisation's bank is kept by admins: ask one to change this question, or add your own to your team's bank.")
	}
	return b, err
}
