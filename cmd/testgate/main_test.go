package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"testgate/store"
)

func runCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

func openDB(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), path, store.Offline)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMigrateCommand(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, path string) {
		first := "applied 0001_init"
		if store.IsPostgres(path) {
			first = "_baseline\n" // PostgreSQL starts from its baseline
		}
		out, _, err := runCmd(t, "migrate", "--db", path)
		if err != nil || !strings.Contains(out, first) {
			t.Fatalf("first migrate: %v\n%s", err, out)
		}
		out, _, err = runCmd(t, "migrate", "--db", path)
		if err != nil || strings.Contains(out, "applied") || !strings.Contains(out, fmt.Sprintf("schema version %d", store.LatestVersion())) {
			t.Fatalf("second migrate: %v\n%s", err, out)
		}
	})
}

func TestEveryCommandHonoursTheDBEnvironment(t *testing.T) {
	path := filepath.Join(t.TempDir(), "env.db")
	t.Setenv("TESTGATE_DB", path)
	if _, _, err := runCmd(t, "user", "create", "--email", "a@example.com", "--password", "long password", "--role", "admin"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, "apikey", "create", "--name", "ci"); err != nil {
		t.Fatal(err)
	}
	db := openDB(t, path)
	if n, _ := db.CountUsers(context.Background()); n != 1 {
		t.Fatalf("users in $TESTGATE_DB: %d", n)
	}
	if keys, _ := db.APIKeys(context.Background()); len(keys) != 1 {
		t.Fatalf("keys in $TESTGATE_DB: %d", len(keys))
	}
	// The flag wins over the environment.
	other := filepath.Join(t.TempDir(), "flag.db")
	runCmd(t, "migrate", "--db", other)
	if _, err := os.Stat(other); err != nil {
		t.Fatalf("--db ignored: %v", err)
	}
}

func TestUserCreateCommand(t *testing.T) { eachDatabase(t, testUserCreateCommand) }

func testUserCreateCommand(t *testing.T, path string) {
	out, _, err := runCmd(t, "user", "create", "--db", path, "--email", "Rec@Example.com", "--password", "long password", "--role", "recruiter", "--name", "Rec")
	if err != nil || !strings.HasPrefix(out, "created recruiter Rec@Example.com") {
		t.Fatalf("%v %q", err, out)
	}
	for _, args := range [][]string{
		{"--email", "rec@example.com", "--password", "long password"},
		{"--email", "x@example.com", "--password", "short"},
		{"--email", "x@example.com", "--password", "long password", "--role", "owner"},
		{"--email", "", "--password", "long password"},
	} {
		if _, _, err := runCmd(t, append([]string{"user", "create", "--db", path}, args...)...); err == nil || !strings.Contains(err.Error(), "user not created") {
			t.Errorf("%v: %v", args, err)
		}
	}
	db := openDB(t, path)
	u, err := db.Authenticate(context.Background(), "rec@example.com", "long password")
	if err != nil || u.Role != store.RoleRecruiter || u.Name != "Rec" {
		t.Fatalf("created user: %+v %v", u, err)
	}
}

func TestAPIKeyCreateCommand(t *testing.T) { eachDatabase(t, testAPIKeyCreateCommand) }

func testAPIKeyCreateCommand(t *testing.T, path string) {
	out, _, err := runCmd(t, "apikey", "create", "--db", path, "--name", "ATS")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ak: ") || !strings.HasPrefix(lines[1], "secret: ") {
		t.Fatalf("output %q", out)
	}
	key := lines[2]
	db := openDB(t, path)
	k, err := db.APIKeyBySecret(context.Background(), key)
	if err != nil {
		t.Fatalf("printed key does not authenticate: %v", err)
	}
	if k.PublicID != strings.TrimPrefix(lines[0], "ak: ") || k.SigningSecret != strings.TrimPrefix(lines[1], "secret: ") || k.Name != "ATS" {
		t.Fatalf("stored %+v", k)
	}
	if store.IsPostgres(path) {
		var n int
		if err := db.ReadOnly().QueryRow(`SELECT COUNT(*) FROM api_keys
			WHERE strpos(name || public_id || key_hash || signing_secret, ?) > 0`, key).Scan(&n); err != nil || n > 0 {
			t.Fatalf("the key is in the database in the clear: %d %v", n, err)
		}
	} else if raw, _ := os.ReadFile(path); bytes.Contains(raw, []byte(key)) {
		t.Fatal("the key is in the database file in the clear")
	}
	if _, _, err := runCmd(t, "apikey", "create", "--db", path); err == nil || !strings.Contains(err.Error(), "name is required") {
		t.Fatalf("missing name: %v", err)
	}
	if k.Scope != store.ScopeFull || k.ExpiresAt != nil {
		t.Fatalf("a key by default: %s, expires %v", k.Scope, k.ExpiresAt)
	}
	out, _, err = runCmd(t, "apikey", "create", "--db", path, "--name", "Dashboard", "--scope", "read", "--expires-in-days", "30")
	if err != nil {
		t.Fatal(err)
	}
	lines = strings.Split(strings.TrimSpace(out), "\n")
	k, err = db.APIKeyBySecret(context.Background(), lines[len(lines)-1])
	// The expiry is counted from the command's clock, the creation stamped
	// by the store's a moment later: the same to within a second.
	if err != nil || k.Scope != store.ScopeRead || k.ExpiresAt == nil ||
		k.ExpiresAt.Sub(k.CreatedAt).Round(time.Second) != 30*24*time.Hour {
		t.Fatalf("a read key for 30 days: %+v %v", k, err)
	}
	if _, _, err := runCmd(t, "apikey", "create", "--db", path, "--name", "X", "--scope", "admin"); err == nil || !strings.Contains(err.Error(), "scope") {
		t.Fatalf("an unknown scope: %v", err)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"user"},
		{"user", "delete"},
		{"apikey", "list"},
		{"migrate", "--no-such-flag"},
		{"migrate", "extra"},
		{"serve", "-h"},
	} {
		_, stderr, err := runCmd(t, args...)
		if !errors.Is(err, errUsage) || stderr == "" {
			t.Errorf("%v: err %v, stderr %q", args, err, stderr)
		}
	}
	if out, _, err := runCmd(t, "help"); err != nil || !strings.Contains(out, "testgate serve") {
		t.Errorf("help: %v %q", err, out)
	}
}

func TestServeRejectsBadConfiguration(t *testing.T) {
	db := filepath.Join(t.TempDir(), "tg.db")
	cases := map[string][]string{
		"--smtp-url":       {"--smtp-url", "http://mail.example.com"},
		"tls must be":      {"--smtp-url", "smtp://mail.example.com?tls=maybe"},
		"--base-url":       {"--base-url", "ftp://example.com"},
		"--mail-from":      {"--mail-from", "not an address"},
		"--webhook-secret": {"--webhook-secret", "secret"},
		"--session-key":    {"--session-key", "short"},
		"--addr":           {"--addr", "nonsense"},
		"--log-format":     {"--log-format", "xml"},
		"--heartbeat":      {"--heartbeat", "100ms"},
		"not \"often\"":    {"--heartbeat", "often"},
		"--oidc-client-id": {"--oidc-issuer", "https://login.example.com"},
		"--oidc-issuer":    {"--oidc-issuer", "login.example.com", "--oidc-client-id", "testgate"},
	}
	for want, args := range cases {
		_, _, err := runCmd(t, append([]string{"serve", "--db", db}, args...)...)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: %v", args, err)
		}
	}
	t.Setenv("TESTGATE_ALLOW_PRIVATE_CALLBACKS", "maybe")
	if _, _, err := runCmd(t, "serve", "--db", db); err == nil || !strings.Contains(err.Error(), "TESTGATE_ALLOW_PRIVATE_CALLBACKS") {
		t.Errorf("bad boolean env: %v", err)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitHealthy(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s never became healthy", base)
}

func TestServeStartsAndStops(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "data", "tg.db")
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var logs bytes.Buffer
	go func() { done <- run(ctx, []string{"serve", "--db", path, "--addr", addr}, io.Discard, &logs) }()
	base := "http://" + addr
	waitHealthy(t, base)

	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/setup" {
		t.Fatalf("fresh install: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// A second server on the same database would take the first one's
	// leases for a dead process's: it is refused.
	if _, _, err := runCmd(t, "serve", "--db", path, "--addr", freeAddr(t)); err == nil || !strings.Contains(err.Error(), "another testgate serve is using") {
		t.Fatalf("second serve: %v", err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	// Secrets generated at first start are kept for the next one.
	db := openDB(t, path)
	key, err := db.Setting(context.Background(), store.SettingSessionKey)
	if err != nil || len(key) < 32 {
		t.Fatalf("session key %q %v", key, err)
	}
	secret, err := db.Setting(context.Background(), store.SettingWebhookSecret)
	if err != nil || !validWebhookSecret(secret) {
		t.Fatalf("webhook secret %q %v", secret, err)
	}
	if !strings.Contains(logs.String(), "testgate listening") || !strings.Contains(logs.String(), "stopped") {
		t.Fatalf("logs:\n%s", logs.String())
	}
}

// TestBinaryShutsDownOnSIGTERM builds the real binary and stops it the way
// a service manager does.
func TestBinaryShutsDownOnSIGTERM(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "TESTGATE_ADDR="+addr, "TESTGATE_DB="+filepath.Join(dir, "tg.db"), "TESTGATE_LOG_FORMAT=json")
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitHealthy(t, "http://"+addr)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitErr := make(chan error, 1)
	go func() { waitErr <- cmd.Wait() }()
	select {
	case err := <-waitErr:
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, logs.String())
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("no exit after SIGTERM")
	}
	if !strings.Contains(logs.String(), `"msg":"stopped"`) {
		t.Fatalf("no clean stop in logs:\n%s", logs.String())
	}
}

func TestSecretsFromFiles(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "tg.db")
	t.Setenv("TESTGATE_SMTP_PASSWORD_FILE", filepath.Join(dir, "missing"))
	if _, _, err := runCmd(t, "serve", "--db", db); err == nil || !strings.Contains(err.Error(), "TESTGATE_SMTP_PASSWORD_FILE") {
		t.Fatalf("missing secret file: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "key"), []byte("short\n"), 0o600)
	t.Setenv("TESTGATE_SMTP_PASSWORD_FILE", "")
	t.Setenv("TESTGATE_SESSION_KEY_FILE", filepath.Join(dir, "key"))
	if _, _, err := runCmd(t, "serve", "--db", db); err == nil || !strings.Contains(err.Error(), "--session-key must be at least 32 characters") {
		t.Fatalf("session key from a file: %v", err)
	}
	t.Setenv("TESTGATE_MAIL_RATE", "fast")
	if _, _, err := runCmd(t, "serve", "--db", db); err == nil || !strings.Contains(err.Error(), "--mail-rate") {
		t.Fatalf("bad mail rate: %v", err)
	}
}

// Single sign-on's flags and environment reach the server's configuration.
func TestServeReadsSingleSignOn(t *testing.T) {
	t.Setenv("TESTGATE_OIDC_CLIENT_SECRET", "from-env")
	c, err := parseServeConfig([]string{"--oidc-issuer", "https://login.example.com", "--oidc-client-id", "testgate", "--oidc-name", "Acme SSO"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.OIDC.Issuer != "https://login.example.com" || c.OIDC.ClientID != "testgate" || c.OIDC.ClientSecret != "from-env" || c.OIDC.Name != "Acme SSO" {
		t.Fatalf("OIDC configuration %+v", c.OIDC)
	}
	if c, _ := parseServeConfig(nil, io.Discard); c.OIDC.Issuer != "" {
		t.Fatalf("single sign-on on by default: %+v", c.OIDC)
	}
}

// A key held to a team, named on the command line.
func TestAPIKeyCreateForATeam(t *testing.T) { eachDatabase(t, testAPIKeyCreateForATeam) }

func testAPIKeyCreateForATeam(t *testing.T, path string) {
	if _, _, err := runCmd(t, "migrate", "--db", path); err != nil {
		t.Fatal(err)
	}
	db := openDB(t, path)
	beta, err := db.CreateTeam(context.Background(), "Beta")
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, "apikey", "create", "--db", path, "--name", "Beta ATS", "--team", "beta")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	k, err := db.APIKeyBySecret(context.Background(), lines[len(lines)-1])
	if err != nil || k.TeamID == nil || *k.TeamID != beta.ID {
		t.Fatalf("the key's team: %+v %v", k.TeamID, err)
	}
	if _, _, err := runCmd(t, "apikey", "create", "--db", path, "--name", "X", "--team", "Gamma"); err == nil || !strings.Contains(err.Error(), "no team is named") {
		t.Fatalf("an unknown team: %v", err)
	}
}
