package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"

	"testgate/store"
)

// userInfoOnly is a user of a provider that, as OIDC Core 5.4 allows,
// answers the email scope at UserInfo only: the ID token carries no email
// claims. verified nil leaves email_verified out.
type userInfoOnly struct {
	subject, email string
	verified       *bool
}

func (u userInfoOnly) ID() string { return u.subject }

func (u userInfoOnly) Userinfo([]string) ([]byte, error) {
	info := map[string]any{"sub": u.subject, "email": u.email}
	if u.verified != nil {
		info["email_verified"] = *u.verified
	}
	return json.Marshal(info)
}

func (u userInfoOnly) Claims(_ []string, claims *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	return claims, nil
}

// Signing in through a provider nobody here wrote (oauth2-proxy's
// mockoidc, on loopback: discovery, keys, PKCE, tokens and UserInfo as a
// provider answers them), configured with the issuer's trailing slash the
// provider does not write: a verified address signs in whether the claims
// come in the ID token or from UserInfo; an address not said to be
// verified, or said not to be, does not; a failure ends on the sign-in
// page, not on the callback with its spent code.
func TestSignInThroughARealOpenIDProvider(t *testing.T) {
	op, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { op.Shutdown() })
	if !strings.HasPrefix(op.Issuer(), "http://127.0.0.1:") {
		t.Fatalf("the provider is not on loopback: %s", op.Issuer())
	}
	cfg := op.Config()
	srv, db := newTestServer(t, func(c *Config) {
		c.OIDC = OIDCConfig{Issuer: cfg.Issuer + "/", ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Name: "Acme"}
	})
	ctx := context.Background()
	if _, err := db.CreateUser(ctx, store.NewUser{Email: "ada@acme.example", Name: "Ada", Password: "a long password here", Role: store.RoleRecruiter}); err != nil {
		t.Fatal(err)
	}
	yes, no := true, false
	signIn := func(user mockoidc.User) (response, *browser) {
		t.Helper()
		op.QueueUser(user)
		b := newBrowser(t, srv)
		r := signInAtProvider(t, b, "/tests", op.AuthorizationEndpoint())
		if r.Code == http.StatusSeeOther && r.Header().Get("Location") == "/tests" {
			if page := b.get("/tests"); page.text(`[data-testid="current-user"]`) != "ada@acme.example" {
				t.Fatalf("signed in as %q", page.text(`[data-testid="current-user"]`))
			}
		}
		return r, b
	}
	for name, user := range map[string]mockoidc.User{
		"claims in the ID token": &mockoidc.MockUser{Subject: "u1", Email: "ada@acme.example", EmailVerified: true},
		"claims at UserInfo":     userInfoOnly{subject: "u2", email: "Ada@acme.example", verified: &yes},
	} {
		if r, _ := signIn(user); r.Code != http.StatusSeeOther || r.Header().Get("Location") != "/tests" {
			t.Errorf("%s: %d to %q", name, r.Code, r.Header().Get("Location"))
		}
	}
	for name, user := range map[string]mockoidc.User{
		"not verified, in the ID token":   &mockoidc.MockUser{Subject: "u3", Email: "ada@acme.example"},
		"not verified, at UserInfo":       userInfoOnly{subject: "u4", email: "ada@acme.example", verified: &no},
		"verification unsaid at UserInfo": userInfoOnly{subject: "u5", email: "ada@acme.example"},
	} {
		r, b := signIn(user)
		if r.Code != http.StatusSeeOther || r.Header().Get("Location") != "/login" {
			t.Errorf("%s: %d to %q", name, r.Code, r.Header().Get("Location"))
			continue
		}
		page := followFailedSignIn(t, b, r)
		if page.Code != http.StatusForbidden || !strings.Contains(page.text(`[data-testid="login-problem"]`), "verified") {
			t.Errorf("%s: the sign-in page says %d %q", name, page.Code, page.text(`[data-testid="login-problem"]`))
		}
		if b.get("/tests").Code == http.StatusOK {
			t.Errorf("%s: signed in anyway", name)
		}
	}
}
