package web

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/views"
)

// Sign-in throttling: attempts are counted per account and per client
// address over a sliding window (a right password takes its attempt back);
// past the limit, sign-in is refused without checking the password until
// the window clears.
const (
	throttleWindow    = 15 * time.Minute
	maxAccountFailure = 5
	maxIPFailures     = 30
)

func (s *Server) setupForm(c echo.Context) error {
	if s.setupDone.Load() {
		return redirect(c, "/login")
	}
	return render(c, http.StatusOK, views.SetupPage(s.page(c, "Set up Testgate", ""), views.SetupForm{}))
}

func (s *Server) setup(c echo.Context) error {
	f := views.SetupForm{Email: c.FormValue("email"), Name: c.FormValue("name")}
	u, err := s.db.CreateFirstAdmin(c.Request().Context(), store.NewUser{
		Email: f.Email, Name: f.Name, Password: c.FormValue("password"),
	})
	if errors.Is(err, store.ErrConflict) {
		return echo.NewHTTPError(http.StatusConflict, "Testgate is already set up. Sign in instead.")
	}
	if fe, ok := asFieldErrors(err); ok {
		f.Errors = fe
		return render(c, http.StatusUnprocessableEntity, views.SetupPage(s.page(c, "Set up Testgate", ""), f))
	}
	if err != nil {
		return err
	}
	s.setupDone.Store(true)
	s.log.Info("first admin created", "user_id", u.ID)
	if err := s.signIn(c, u); err != nil {
		return err
	}
	return flashAndRedirect(c, "Welcome! Your administrator account is ready. Start by creating a test.", "/")
}

func (s *Server) loginForm(c echo.Context) error {
	if currentUser(c) != nil {
		return redirect(c, localPath(c.QueryParam("next")))
	}
	if status, problem, failed := s.takeLoginProblem(c); failed {
		return s.loginProblem(c, status, problem)
	}
	return render(c, http.StatusOK, views.LoginPage(s.page(c, "Sign in", ""), s.loginView(views.LoginForm{Next: localPath(c.QueryParam("next"))})))
}

func (s *Server) login(c echo.Context) error {
	ctx := c.Request().Context()
	f := views.LoginForm{Email: c.FormValue("email"), Next: localPath(c.FormValue("next"))}
	account := "account:" + store.NormalizeEmail(f.Email)
	setAuditAs(c, "sign-in:"+truncateRunes(store.NormalizeEmail(f.Email), 100), "")

	// The attempt is counted before the password is checked, so that
	// concurrent guesses cannot all pass a limit checked beforehand.
	attempt, wait, err := s.db.BeginLoginAttempt(ctx, throttleWindow,
		store.LoginLimit{Scope: "ip:" + c.RealIP(), Max: maxIPFailures}, store.LoginLimit{Scope: account, Max: maxAccountFailure})
	if err != nil {
		return err
	}
	if wait > 0 {
		minutes := int(math.Ceil(wait.Minutes()))
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		f.Problem = fmt.Sprintf("Too many failed sign-in attempts. Try again in %d minute(s).", minutes)
		s.log.Warn("sign-in throttled", "ip", c.RealIP())
		return render(c, http.StatusTooManyRequests, views.LoginPage(s.page(c, "Sign in", ""), s.loginView(f)))
	}

	u, err := s.db.Authenticate(ctx, f.Email, c.FormValue("password"))
	if errors.Is(err, store.ErrInvalidCredentials) {
		f.Problem = "That email and password do not match an active account."
		return render(c, http.StatusUnauthorized, views.LoginPage(s.page(c, "Sign in", ""), s.loginView(f)))
	}
	if err != nil {
		return err
	}
	setAuditAs(c, "user:"+u.Email, "users "+strconv.FormatInt(u.ID, 10))
	if err := s.db.SucceedLoginAttempt(ctx, attempt, account); err != nil {
		return err
	}
	if err := s.signIn(c, u); err != nil {
		return err
	}
	return redirect(c, f.Next)
}

func (s *Server) logout(c echo.Context) error {
	if err := s.signOut(c); err != nil {
		return err
	}
	return redirect(c, "/login")
}
