package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
)

func (s *Server) renderUsers(c echo.Context, status int, v views.UsersView) error {
	var err error
	if v.Users, err = s.db.Users(c.Request().Context()); err != nil {
		return err
	}
	return render(c, status, views.UsersPage(s.page(c, "Users", views.SectionUsers), v))
}

func (s *Server) listUsers(c echo.Context) error {
	return s.renderUsers(c, http.StatusOK, views.UsersView{})
}

func (s *Server) createUser(c echo.Context) error {
	f := views.UserForm{Email: c.FormValue("email"), Name: c.FormValue("name"), Role: c.FormValue("role")}
	u, err := s.db.CreateUser(c.Request().Context(), store.NewUser{
		Email: f.Email, Name: f.Name, Password: c.FormValue("password"), Role: store.Role(f.Role),
	})
	if fe, ok := asFieldErrors(err); ok {
		f.Errors = fe
		return s.renderUsers(c, http.StatusUnprocessableEntity, views.UsersView{Form: f})
	}
	if err != nil {
		return err
	}
	s.log.Info("user created", "user_id", u.ID, "role", u.Role, "by", currentUser(c).ID)
	if err := setFlash(c, "User "+u.Email+" added. Share their initial password privately."); err != nil {
		return err
	}
	return redirect(c, "/settings/users")
}

func (s *Server) updateUserAccess(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	before, err := s.db.User(ctx, id)
	if err != nil {
		return err
	}
	if checked(c, "disabled") && before.DisabledAt == nil {
		if asked, err := s.askFirst(c, views.SectionUsers, views.Confirmation{Title: "Disable this user?",
			Question: before.Email + " is signed out at once and can no longer sign in.",
			Confirm:  "Disable the user", Back: "/settings/users", Danger: true}); asked {
			return err
		}
	}
	u, err := s.db.UpdateUserAccess(ctx, id, store.Role(c.FormValue("role")), checked(c, "disabled"))
	if fe, ok := asFieldErrors(err); ok {
		return s.renderUsers(c, http.StatusUnprocessableEntity, views.UsersView{Problem: "Not saved: " + fe["role"] + "."})
	}
	if err != nil {
		return err
	}
	s.log.Info("user access changed", "user_id", u.ID, "role", u.Role, "disabled", u.DisabledAt != nil, "by", currentUser(c).ID)
	if err := setFlash(c, "Saved "+u.Email+"."); err != nil {
		return err
	}
	return redirect(c, "/settings/users")
}
