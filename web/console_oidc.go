package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/labstack/echo/v4"
	"golang.org/x/oauth2"

	"testgate/store"
	"testgate/views"
)

// OIDCConfig turns on signing in to the console through an OpenID Connect
// provider (the organisation's Google Workspace, Entra ID, Okta, Keycloak…)
// beside passwords. A user signs in when the provider vouches for an
// address that is an active console user's; Testgate creates no accounts
// from it.
type OIDCConfig struct {
	Issuer       string // the provider's issuer URL; "" turns it off
	ClientID     string
	ClientSecret string
	Name         string // on the button: "Sign in with <Name>"
}

// Session keys of a sign-in on its way through the provider.
const (
	keyOIDCState    = "oidc_state"
	keyOIDCNonce    = "oidc_nonce"
	keyOIDCVerifier = "oidc_verifier"
	keyOIDCNext     = "oidc_next"
)

// oidcLogin finds the provider on first use (and again after a failure),
// so that a provider down at start-up costs its button, not the server.
type oidcLogin struct {
	cfg         OIDCConfig
	redirectURL string

	mu       sync.Mutex
	provider *oidc.Provider
}

func (o *oidcLogin) client(ctx context.Context) (*oauth2.Config, *oidc.IDTokenVerifier, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider == nil {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		p, err := oidc.NewProvider(ctx, o.cfg.Issuer)
		if err != nil {
			// The issuer must match the provider's to the letter; one
			// configured with or without a trailing slash the provider does
			// not write is the same provider.
			other := strings.TrimSuffix(o.cfg.Issuer, "/")
			if other == o.cfg.Issuer {
				other += "/"
			}
			if p2, err2 := oidc.NewProvider(ctx, other); err2 == nil {
				p, err = p2, nil
			}
		}
		if err != nil {
			return nil, nil, err
		}
		o.provider = p
	}
	conf := &oauth2.Config{ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret, Endpoint: o.provider.Endpoint(),
		RedirectURL: o.redirectURL, Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
	return conf, o.provider.Verifier(&oidc.Config{ClientID: o.cfg.ClientID}), nil
}

// oidcStart: GET /login/oidc sends the browser to the provider, with a
// state, a nonce and a PKCE challenge kept in the session cookie.
func (s *Server) oidcStart(c echo.Context) error {
	if s.oidc == nil {
		return echo.ErrNotFound
	}
	conf, _, err := s.oidc.client(c.Request().Context())
	if err != nil {
		s.log.Error("identity provider unavailable", "issuer", s.oidc.cfg.Issuer, "err", err)
		return s.loginProblem(c, http.StatusBadGateway, "The identity provider cannot be reached; sign in with your password or try again shortly.")
	}
	state, nonce, verifier := store.NewToken(24), store.NewToken(24), oauth2.GenerateVerifier()
	sess := session(c)
	sess.Values[keyOIDCState], sess.Values[keyOIDCNonce], sess.Values[keyOIDCVerifier] = state, nonce, verifier
	sess.Values[keyOIDCNext] = localPath(c.QueryParam("next"))
	if err := sess.Save(c.Request(), c.Response()); err != nil {
		return err
	}
	return c.Redirect(http.StatusFound, conf.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)))
}

// oidcCallback: GET /login/oidc/callback takes the provider's answer: the
// state must be this browser's, the code is exchanged with the PKCE
// verifier, the ID token verified (issuer, audience, expiry, signature,
// nonce), and its verified address must be an active user's.
func (s *Server) oidcCallback(c echo.Context) error {
	if s.oidc == nil {
		return echo.ErrNotFound
	}
	ctx := c.Request().Context()
	setAuditAs(c, "sign-in:identity provider", "")
	sess := session(c)
	state, _ := sess.Values[keyOIDCState].(string)
	nonce, _ := sess.Values[keyOIDCNonce].(string)
	verifier, _ := sess.Values[keyOIDCVerifier].(string)
	next, _ := sess.Values[keyOIDCNext].(string)
	for _, k := range []string{keyOIDCState, keyOIDCNonce, keyOIDCVerifier, keyOIDCNext} {
		delete(sess.Values, k) // one use, whatever happens
	}
	if err := sess.Save(c.Request(), c.Response()); err != nil {
		return err
	}
	if msg := c.QueryParam("error"); msg != "" {
		s.log.Warn("identity provider refused the sign-in", "error", msg, "description", c.QueryParam("error_description"))
		return s.failSignIn(c, http.StatusUnauthorized, "The identity provider did not sign you in ("+truncateRunes(strings.TrimSpace(msg), 80)+").")
	}
	if state == "" || c.QueryParam("state") != state || c.QueryParam("code") == "" {
		return s.failSignIn(c, http.StatusBadRequest, "That sign-in did not start here or has already been used; start it again.")
	}
	conf, verify, err := s.oidc.client(ctx)
	if err != nil {
		return s.failSignIn(c, http.StatusBadGateway, "The identity provider cannot be reached; sign in with your password or try again shortly.")
	}
	exchangeCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	tok, err := conf.Exchange(exchangeCtx, c.QueryParam("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		s.log.Warn("identity provider code exchange failed", "err", err)
		return s.failSignIn(c, http.StatusUnauthorized, "The identity provider did not confirm the sign-in; start it again.")
	}
	raw, _ := tok.Extra("id_token").(string)
	idToken, err := verify.Verify(exchangeCtx, raw)
	if err != nil || idToken.Nonce != nonce {
		s.log.Warn("identity provider token refused", "err", err, "nonce_matches", err == nil && idToken.Nonce == nonce)
		return s.failSignIn(c, http.StatusUnauthorized, "The identity provider’s answer could not be verified; start again.")
	}
	who, err := s.oidc.vouchedAddress(exchangeCtx, idToken, tok)
	if err != nil {
		s.log.Warn("identity provider vouched for no verified address", "err", err)
		return s.failSignIn(c, http.StatusForbidden, "The identity provider did not vouch for an email address; ask it to share a verified one.")
	}
	setAuditAs(c, "sign-in:"+truncateRunes(who, 100)+" (identity provider)", "")
	u, err := s.db.ActiveUserByEmail(ctx, who)
	if err == nil && !sameASCIIAddress(who, u.Email) {
		err = store.ErrNotFound // equal only under Unicode case folding (K, the Kelvin sign, is not k)
	}
	if errors.Is(err, store.ErrNotFound) {
		s.log.Info("sign-in by identity provider for no active user", "email", who)
		return s.failSignIn(c, http.StatusForbidden, who+" has no active Testgate account; an admin can add it under Settings → Users.")
	}
	if err != nil {
		return err
	}
	setAuditAs(c, "user:"+u.Email+" (identity provider)", "users "+strconv.FormatInt(u.ID, 10))
	if err := s.signIn(c, u); err != nil {
		return err
	}
	s.log.Info("signed in through the identity provider", "user_id", u.ID)
	return redirect(c, localPath(next))
}

// errNotVouched: the provider named no address, or did not say it verified it.
var errNotVouched = errors.New("no address with email_verified: true")

// vouchedAddress is the address the provider vouches for: email with
// email_verified true (a missing email_verified is not a yes: the "nOAuth"
// mistake), from the ID token, or from UserInfo when the ID token leaves
// them out (OIDC Core 5.4 lets a provider answer the email scope there
// only), for the same subject.
func (o *oidcLogin) vouchedAddress(ctx context.Context, idToken *oidc.IDToken, tok *oauth2.Token) (string, error) {
	var claims struct {
		Email         string   `json:"email"`
		EmailVerified flexBool `json:"email_verified"`
	}
	if err := idToken.Claims(&claims); err != nil {
		return "", err
	}
	if claims.Email == "" || !claims.EmailVerified.set {
		o.mu.Lock()
		p := o.provider
		o.mu.Unlock()
		info, err := p.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			return "", err
		}
		if info.Subject != idToken.Subject {
			return "", errors.New("UserInfo is about another subject")
		}
		claims.Email, claims.EmailVerified = info.Email, flexBool{set: true, value: info.EmailVerified}
	}
	if strings.TrimSpace(claims.Email) == "" || !claims.EmailVerified.value {
		return "", errNotVouched
	}
	return strings.TrimSpace(claims.Email), nil
}

// flexBool reads a JSON boolean that some providers send as a string.
type flexBool struct{ set, value bool }

func (b *flexBool) UnmarshalJSON(raw []byte) error {
	switch strings.Trim(string(raw), `"`) {
	case "true":
		*b = flexBool{set: true, value: true}
	case "false":
		*b = flexBool{set: true}
	}
	return nil
}

// sameASCIIAddress compares addresses with ASCII letters' case ignored,
// and nothing else: Unicode case folding would let an address with the
// Kelvin sign or a dotless i stand for another's.
func sameASCIIAddress(a, b string) bool {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// keyLoginProblem holds why a sign-in through the provider failed, for
// the sign-in page the browser is sent to.
const keyLoginProblem = "login_problem"

// failSignIn ends a failed return from the provider on the sign-in page
// (303), so that the address bar does not keep the spent code: the page
// says why, with the failure's status.
func (s *Server) failSignIn(c echo.Context, status int, problem string) error {
	sess := session(c)
	sess.Values[keyLoginProblem] = strconv.Itoa(status) + " " + problem
	if err := sess.Save(c.Request(), c.Response()); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/login")
}

// takeLoginProblem returns, and forgets, a failed sign-in's status and why.
func (s *Server) takeLoginProblem(c echo.Context) (int, string, bool) {
	sess := session(c)
	if sess == nil {
		return 0, "", false
	}
	raw, _ := sess.Values[keyLoginProblem].(string)
	code, problem, ok := strings.Cut(raw, " ")
	status, err := strconv.Atoi(code)
	if !ok || err != nil {
		return 0, "", false
	}
	delete(sess.Values, keyLoginProblem)
	if err := sess.Save(c.Request(), c.Response()); err != nil {
		return 0, "", false
	}
	return status, problem, true
}

func (s *Server) loginProblem(c echo.Context, status int, problem string) error {
	return render(c, status, views.LoginPage(s.page(c, "Sign in", ""), s.loginView(views.LoginForm{Problem: problem})))
}

// loginView adds the identity provider's button when there is one.
func (s *Server) loginView(f views.LoginForm) views.LoginForm {
	if s.oidc != nil {
		f.SSOName = s.oidc.cfg.Name
		if f.SSOName == "" {
			f.SSOName = "single sign-on"
		}
	}
	return f
}
