package web

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"testgate/store"
)

// identityProvider is an OpenID Connect provider running in the test
// process: discovery, keys, an authorization endpoint for a user already
// signed in at the provider, and a token endpoint that checks the client,
// the code and its PKCE verifier and signs ID tokens.
type identityProvider struct {
	srv            *httptest.Server
	key            *rsa.PrivateKey
	clientID       string
	secret         string
	mu             sync.Mutex
	email          string // who is signed in at the provider
	emailVerified  bool
	omitVerified   bool   // email_verified left out of the claims
	userInfoOnly   bool   // the ID token carries no email claims; UserInfo does (OIDC Core 5.4)
	userInfoSub    string // UserInfo's subject, when not the ID token's
	accessTokens   map[string]string
	audience       string // "" : the client id
	nonceOverride  string // a wrong nonce, when set
	codes          map[string]authorization
	tokenExchanges int
}

type authorization struct{ nonce, challenge, redirectURI string }

func newIdentityProvider(t *testing.T) *identityProvider {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &identityProvider{key: key, clientID: "testgate", secret: "s3cret", emailVerified: true, codes: map[string]authorization{},
		accessTokens: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"issuer": p.srv.URL, "authorization_endpoint": p.srv.URL + "/authorize",
			"token_endpoint": p.srv.URL + "/token", "jwks_uri": p.srv.URL + "/jwks", "userinfo_endpoint": p.srv.URL + "/userinfo", "response_types_supported": []string{"code"},
			"subject_types_supported": []string{"public"}, "id_token_signing_alg_values_supported": []string{"RS256"}})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != p.clientID || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" ||
			!strings.Contains(q.Get("scope"), "openid") {
			http.Error(w, "bad authorization request", http.StatusBadRequest)
			return
		}
		code := store.NewToken(16)
		p.mu.Lock()
		p.codes[code] = authorization{q.Get("nonce"), q.Get("code_challenge"), q.Get("redirect_uri")}
		p.mu.Unlock()
		back, _ := url.Parse(q.Get("redirect_uri"))
		back.RawQuery = url.Values{"code": {code}, "state": {q.Get("state")}}.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if !ok {
			id, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		p.tokenExchanges++
		a, known := p.codes[r.PostFormValue("code")]
		delete(p.codes, r.PostFormValue("code"))
		sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
		if id != p.clientID || secret != p.secret || !known || r.PostFormValue("redirect_uri") != a.redirectURI ||
			base64.RawURLEncoding.EncodeToString(sum[:]) != a.challenge {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"error":"invalid_grant"}`))
			return
		}
		aud, nonce := p.clientID, a.nonce
		if p.audience != "" {
			aud = p.audience
		}
		if p.nonceOverride != "" {
			nonce = p.nonceOverride
		}
		now := time.Now()
		sub := "user-" + p.email
		claimSet := map[string]any{"iss": p.srv.URL, "sub": sub, "aud": aud, "iat": now.Unix(),
			"exp": now.Add(5 * time.Minute).Unix(), "nonce": nonce}
		if !p.userInfoOnly {
			claimSet["email"] = p.email
			if !p.omitVerified {
				claimSet["email_verified"] = p.emailVerified
			}
		}
		claims, _ := json.Marshal(claimSet)
		accessToken := store.NewToken(16)
		p.accessTokens[accessToken] = sub
		signer, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: p.key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
		signed, _ := signer.Sign(claims)
		idToken, _ := signed.CompactSerialize()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": accessToken, "token_type": "Bearer", "expires_in": 300, "id_token": idToken})
	})
	mux.HandleFunc("GET /userinfo", func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		sub, ok := p.accessTokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if p.userInfoSub != "" {
			sub = p.userInfoSub
		}
		info := map[string]any{"sub": sub, "email": p.email}
		if !p.omitVerified {
			info["email_verified"] = p.emailVerified
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(info)
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

// signInThrough walks a browser through the provider: Testgate sends it to
// the provider, the provider (where the user is signed in) sends it back.
// It returns Testgate's answer to the return.
func (p *identityProvider) signInThrough(t *testing.T, b *browser, next string) response {
	t.Helper()
	return signInAtProvider(t, b, next, p.srv.URL+"/authorize?")
}

// signInAtProvider walks a browser through a provider whose user is
// signed in there: Testgate sends it to authorize (checked), the provider
// sends it back, and Testgate's answer to the return is returned.
func signInAtProvider(t *testing.T, b *browser, next, authorize string) response {
	t.Helper()
	start := b.get("/login/oidc?next=" + url.QueryEscape(next))
	if start.Code != http.StatusFound || !strings.HasPrefix(start.Header().Get("Location"), authorize) {
		t.Fatalf("start: %d to %q", start.Code, start.Header().Get("Location"))
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(start.Header().Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || back.Path != "/login/oidc/callback" {
		t.Fatalf("the provider answered %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return b.get(back.RequestURI())
}

// followFailedSignIn follows a failed return from the provider to the
// sign-in page it is sent to, which says why (the spent code stays out of
// the address bar), and shows that page once.
func followFailedSignIn(t *testing.T, b *browser, back response) response {
	t.Helper()
	if back.Code != http.StatusSeeOther || back.Header().Get("Location") != "/login" {
		t.Fatalf("a failed sign-in answered %d to %q, not the sign-in page", back.Code, back.Header().Get("Location"))
	}
	page := b.get("/login")
	if again := b.get("/login"); again.Code != http.StatusOK || again.text(`[data-testid="login-problem"]`) != "" {
		t.Fatalf("the problem is shown again: %d %q", again.Code, again.text(`[data-testid="login-problem"]`))
	}
	return page
}

// A recruiter signs in with the organisation's identity provider; the
// provider must vouch for the address of an active user, for this client,
// for this browser's sign-in, once.
func TestSignInWithOpenIDConnect(t *testing.T) {
	t.Parallel()
	p := newIdentityProvider(t)
	srv, db := newTestServer(t, func(c *Config) {
		c.OIDC = OIDCConfig{Issuer: p.srv.URL, ClientID: p.clientID, ClientSecret: p.secret, Name: "Acme SSO"}
	})
	ctx := context.Background()
	db.CreateUser(ctx, store.NewUser{Email: "admin@acme.example", Name: "Admin", Password: "a long password here", Role: store.RoleAdmin})
	rita, _ := db.CreateUser(ctx, store.NewUser{Email: "Rita@acme.example", Name: "Rita", Password: "a long password here", Role: store.RoleRecruiter})
	db.CreateUser(ctx, store.NewUser{Email: "gone@acme.example", Name: "Gone", Password: "a long password here", Role: store.RoleRecruiter})
	db.CreateUser(ctx, store.NewUser{Email: "kim@acme.example", Name: "Kim", Password: "a long password here", Role: store.RoleRecruiter})
	gone, _ := db.ActiveUserByEmail(ctx, "gone@acme.example")
	if _, err := db.UpdateUserAccess(ctx, gone.ID, store.RoleRecruiter, true); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, srv)
	if got := b.get("/login").text(`[data-testid="sso"]`); got != "Sign in with Acme SSO" {
		t.Fatalf("sign-in page button: %q", got)
	}
	p.email = "rita@acme.example"
	back := p.signInThrough(t, b, "/tests")
	if back.Code != http.StatusSeeOther || back.Header().Get("Location") != "/tests" {
		t.Fatalf("return: %d to %q: %s", back.Code, back.Header().Get("Location"), back.text(`[data-testid="login-problem"]`))
	}
	if page := b.get("/tests"); page.Code != http.StatusOK || page.text(`[data-testid="current-user"]`) != rita.Email {
		t.Fatalf("after the sign-in: %d as %q", page.Code, page.text(`[data-testid="current-user"]`))
	}

	// A provider that answers the email scope from UserInfo only (OIDC Core 5.4).
	p.userInfoOnly = true
	b = newBrowser(t, srv)
	if back := p.signInThrough(t, b, "/tests"); back.Code != http.StatusSeeOther || back.Header().Get("Location") != "/tests" {
		t.Fatalf("with the address in UserInfo: %d %q", back.Code, back.text(`[data-testid="login-problem"]`))
	}
	p.userInfoOnly = false

	refused := func(name string, status int, problem string, setup func()) {
		t.Helper()
		p.email, p.emailVerified, p.audience, p.nonceOverride = "rita@acme.example", true, "", ""
		p.omitVerified, p.userInfoOnly, p.userInfoSub = false, false, ""
		setup()
		b := newBrowser(t, srv)
		r := followFailedSignIn(t, b, p.signInThrough(t, b, "/"))
		if r.Code != status || !strings.Contains(r.text(`[data-testid="login-problem"]`), problem) {
			t.Errorf("%s: %d %q", name, r.Code, r.text(`[data-testid="login-problem"]`))
		}
		if page := b.get("/tests"); page.Code == http.StatusOK {
			t.Errorf("%s: signed in anyway", name)
		}
	}
	refused("no such user", http.StatusForbidden, "nobody@acme.example has no active Testgate account", func() { p.email = "nobody@acme.example" })
	refused("a disabled user", http.StatusForbidden, "no active Testgate account", func() { p.email = "gone@acme.example" })
	refused("an unverified address", http.StatusForbidden, "verified", func() { p.emailVerified = false })
	refused("an address not said to be verified", http.StatusForbidden, "verified", func() { p.omitVerified = true })
	refused("the same, in UserInfo", http.StatusForbidden, "verified", func() { p.omitVerified, p.userInfoOnly = true, true })
	refused("an unverified address in UserInfo", http.StatusForbidden, "verified", func() { p.emailVerified, p.userInfoOnly = false, true })
	refused("UserInfo about someone else", http.StatusForbidden, "verified", func() { p.userInfoOnly, p.userInfoSub = true, "user-admin" })
	refused("the Kelvin sign for a K", http.StatusForbidden, "no active Testgate account", func() { p.email = "\u212Aim@acme.example" })
	refused("a token for another client", http.StatusUnauthorized, "could not be verified", func() { p.audience = "someone-else" })
	refused("another sign-in's nonce", http.StatusUnauthorized, "could not be verified", func() { p.nonceOverride = "replayed" })

	// A return that did not start in this browser, or comes twice.
	p.email = "rita@acme.example"
	b2 := newBrowser(t, srv)
	b2.get("/login/oidc")
	exchanges := p.tokenExchanges
	if r := followFailedSignIn(t, b2, b2.get("/login/oidc/callback?code=stolen&state=guessed")); r.Code != http.StatusBadRequest ||
		!strings.Contains(r.text(`[data-testid="login-problem"]`), "did not start here") {
		t.Fatalf("a forged return: %d %q", r.Code, r.text(`[data-testid="login-problem"]`))
	}
	if p.tokenExchanges != exchanges {
		t.Fatal("a forged return reached the provider")
	}
	if r := followFailedSignIn(t, b2, b2.get("/login/oidc/callback?error=access_denied&state=x")); r.Code != http.StatusUnauthorized ||
		!strings.Contains(r.text(`[data-testid="login-problem"]`), "access_denied") {
		t.Fatalf("the provider's refusal: %d %q", r.Code, r.text(`[data-testid="login-problem"]`))
	}

	// Without the option there is neither a button nor the routes' use.
	plain, plainDB := newTestServer(t)
	plainDB.CreateUser(ctx, store.NewUser{Email: "admin@acme.example", Name: "Admin", Password: "a long password here", Role: store.RoleAdmin})
	pb := newBrowser(t, plain)
	if pb.get("/login").doc.Find(`[data-testid="sso"]`).Length() != 0 || pb.get("/login/oidc").Code != http.StatusNotFound {
		t.Fatal("single sign-on offered without an identity provider")
	}
}

// A provider that cannot be reached refuses sign-ins through it, with a
// message, and leaves passwords working; once it answers, it is used.
func TestSignInWithAnUnreachableProvider(t *testing.T) {
	t.Parallel()
	p := newIdentityProvider(t)
	issuer := p.srv.URL
	p.srv.Close() // a loopback address that no longer answers
	srv, db := newTestServer(t, func(c *Config) { c.OIDC = OIDCConfig{Issuer: issuer, ClientID: p.clientID, ClientSecret: p.secret} })
	db.CreateUser(context.Background(), store.NewUser{Email: "admin@acme.example", Name: "Admin", Password: "a long password here", Role: store.RoleAdmin})
	b := newBrowser(t, srv)
	r := b.get("/login/oidc")
	if r.Code != http.StatusBadGateway || !strings.Contains(r.text(`[data-testid="login-problem"]`), "cannot be reached") {
		t.Fatalf("an unreachable provider: %d %q", r.Code, r.text(`[data-testid="login-problem"]`))
	}
	b.get("/login")
	if r := b.post("/login", url.Values{"email": {"admin@acme.example"}, "password": {"a long password here"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("password sign-in beside an unreachable provider: %d", r.Code)
	}
}
