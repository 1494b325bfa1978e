package web

import (
	"context"
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

// Sign-in throttling: failures are counted per account and per client
// address over a sliding window; past the limit, sign-in is refused without
// checking the password until the window clears.
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
	if err := setFlash(c, "Welcome! Your administrator account is ready. Start by creating a test."); err != nil {
		return err
	}
	return redirect(c, "/")
}

func (s *Server) loginForm(c echo.Context) error {
	if currentUser(c) != nil {
		return redirect(c, localPath(c.QueryParam("next")))
	}
	return render(c, http.StatusOK, views.LoginPage(s.page(c, "Sign in", ""), views.LoginForm{Next: localPath(c.QueryParam("next"))}))
}

func (s *Server) login(c echo.Context) error {
	ctx := c.Request().Context()
	f := views.LoginForm{Email: c.FormValue("email"), Next: localPath(c.FormValue("next"))}
	scopes := []string{"ip:" + c.RealIP(), "account:" + store.NormalizeEmail(f.Email)}

	if wait, err := s.throttled(ctx, scopes); err != nil {
		return err
	} else if wait > 0 {
		minutes := int(math.Ceil(wait.Minutes()))
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		f.Problem = fmt.Sprintf("Too many failed sign-in attempts. Try again in %d minute(s).", minutes)
		s.log.Warn("sign-in throttled", "ip", c.RealIP())
		return render(c, http.StatusTooManyRequests, views.LoginPage(s.page(c, "Sign in", ""), f))
	}

	u, err := s.db.Authenticate(ctx, f.Email, c.FormValue("password"))
	if errors.Is(err, store.ErrInvalidCredentials) {
		if err := s.db.RecordLoginFailure(ctx, throttleWindow, scopes...); err != nil {
			return err
		}
		f.Problem = "That email and password do not match an active account."
		return render(c, http.StatusUnauthorized, views.LoginPage(s.page(c, "Sign in", ""), f))
	}
	if err != nil {
		return err
	}
	if err := s.db.ClearLoginFailures(ctx, scopes[1]); err != nil {
		return err
	}
	if err := s.signIn(c, u); err != nil {
		return err
	}
	return redirect(c, f.Next)
}

// throttled returns how long until sign-in is allowed again for the first
// scope over its limit, or 0.
func (s *Server) throttled(ctx context.Context, scopes []string) (time.Duration, error) {
	now := s.db.Now()
	for i, scope := range scopes {
		limit := maxIPFailures
		if i == 1 {
			limit = maxAccountFailure
		}
		n, oldest, err := s.db.LoginFailures(ctx, scope, now.Add(-throttleWindow))
		if err != nil {
			return 0, err
		}
		if n >= limit {
			return max(oldest.Add(throttleWindow).Sub(now), time.Second), nil
		}
	}
	return 0, nil
}

func (s *Server) logout(c echo.Context) error {
	if err := s.signOut(c); err != nil {
		return err
	}
	return redirect(c, "/login")
}
