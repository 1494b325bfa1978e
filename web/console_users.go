package web

import (
	"errors"
	"net/http"
	"strconv"

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
	n := store.NewUser{Email: f.Email, Name: f.Name, Password: c.FormValue("password"), Role: store.Role(f.Role)}
	flash := "User " + n.Email + " added. Share their initial password privately."
	var u store.User
	var err error
	if n.Password == "" {
		// No password typed: they choose their own from an emailed link.
		u, err = s.db.InviteUser(c.Request().Context(), n)
		flash = "User " + n.Email + " added and emailed a link to set their password (valid 72 hours)."
	} else {
		u, err = s.db.CreateUser(c.Request().Context(), n)
	}
	if fe, ok := asFieldErrors(err); ok {
		f.Errors = fe
		return s.renderUsers(c, http.StatusUnprocessableEntity, views.UsersView{Form: f})
	}
	if err != nil {
		return err
	}
	s.log.Info("user created", "user_id", u.ID, "role", u.Role, "by", currentUser(c).ID)
	return flashAndRedirect(c, flash, "/settings/users")
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
	return flashAndRedirect(c, "Saved "+u.Email+".", "/settings/users")
}

// setPasswordForm: GET /password/{token}, the emailed set-password link.
func (s *Server) setPasswordForm(c echo.Context) error {
	u, err := s.db.PasswordLinkUser(c.Request().Context(), c.Param("token"))
	if errors.Is(err, store.ErrLinkUsed) {
		return errPasswordLink
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, http.StatusOK, views.SetPasswordPage(s.page(c, "Set your password", ""), u.Email, "", nil))
}

// errPasswordLink answers a set-password link that was used or has expired.
var errPasswordLink = echo.NewHTTPError(http.StatusGone,
	"This link was already used or has expired. Ask an administrator for a new account link.")

// setPassword: POST /password/{token} sets the password, spends the link,
// and sends the user to sign in.
func (s *Server) setPassword(c echo.Context) error {
	ctx := c.Request().Context()
	setAuditAs(c, "password link", "")
	u, err := s.db.UsePasswordLink(ctx, c.Param("token"), c.FormValue("password"))
	if fe, ok := asFieldErrors(err); ok {
		who, lerr := s.db.PasswordLinkUser(ctx, c.Param("token"))
		if lerr != nil {
			return errPasswordLink
		}
		setAuditAs(c, "password link:"+who.Email, "users "+strconv.FormatInt(who.ID, 10))
		return render(c, http.StatusUnprocessableEntity, views.SetPasswordPage(s.page(c, "Set your password", ""), who.Email, "", fe))
	}
	if errors.Is(err, store.ErrLinkUsed) {
		return errPasswordLink
	}
	if err != nil {
		return err
	}
	setAuditAs(c, "password link:"+u.Email, "users "+strconv.FormatInt(u.ID, 10))
	s.log.Info("password set from link", "user_id", u.ID)
	return flashAndRedirect(c, "Your password is set. Sign in with "+u.Email+".", "/login")
}
