package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"testgate/views"
)

// askFirst asks before a destructive or mass action. The first post of
// the action's form answers a confirmation page (no JavaScript needed)
// that says what the action touches and carries the form's fields; posting
// that page again, with confirmed=1, lets the action go ahead. It returns
// true when it answered the question page, and the action must stop.
func (s *Server) askFirst(c echo.Context, section string, q views.Confirmation) (bool, error) {
	req := c.Request()
	if req.PostFormValue("confirmed") == "1" {
		return false, nil
	}
	q.Action = req.URL.Path
	for name, values := range req.PostForm {
		if name == "_csrf" || name == "confirmed" {
			continue
		}
		for _, v := range values {
			q.Fields = append(q.Fields, views.HiddenField{Name: name, Value: v})
		}
	}
	slices.SortFunc(q.Fields, func(a, b views.HiddenField) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return true, render(c, http.StatusOK, views.ConfirmPage(s.page(c, q.Title, section), q))
}

// candidates words a count of candidates with the clause that fits the
// number: candidates(1, " who has", " who have") is "1 candidate who has".
func candidates(n int, one, many string) string {
	if n == 1 {
		return "1 candidate" + one
	}
	return strconv.Itoa(n) + " candidates" + many
}

// toggle is a console switch whose turning off asks first (a link
// disabled, a test archived) and whose turning back on does not.
type toggle struct {
	off                   bool                               // the form turns it off
	section               string                             // the console section the question is asked in
	ask                   func() (views.Confirmation, error) // what to ask before turning it off
	set                   func(off bool) error               // turns it
	offSaid, onSaid, back string                             // the flash after each, and where to go
}

// flip asks when the toggle is turned off, turns it, and says so.
func (s *Server) flip(c echo.Context, t toggle) error {
	if t.off {
		conf, err := t.ask()
		if err != nil {
			return err
		}
		if asked, err := s.askFirst(c, t.section, conf); asked {
			return err
		}
	}
	if err := t.set(t.off); err != nil {
		return err
	}
	if t.off {
		return flashAndRedirect(c, t.offSaid, t.back)
	}
	return flashAndRedirect(c, t.onSaid, t.back)
}
