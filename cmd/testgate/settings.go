package main

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"time"

	tgmail "testgate/mail"
	"testgate/store"
)

// setting is one of serve's settings. serveSettings is the one table of
// them: the flags and their help, the environment variables that stand in
// for them (and <ENV>_FILE for secrets), their defaults, how each value is
// read and checked, and docs/operations.md's table (TestSettingsTable
// holds the document to it) are all made from it.
type setting struct {
	Flag, Env string
	Default   string // as typed; "" for none
	Doc       string // what it means, for --help and the docs
	// DocDefault is the default as the docs say it, when not the literal.
	DocDefault string
	Secret     bool // also read from the file named by <Env>_FILE
	Bool       bool // a switch: --flag alone means true
	// Set reads the value into the configuration, or says what is wrong
	// with it (the flag's name is put before the problem).
	Set func(c *serveConfig, v string) error
}

// serveSettings is every setting of serve, in the order the help and the
// docs list them.
var serveSettings = []setting{
	{Flag: "addr", Env: "TESTGATE_ADDR", Default: "127.0.0.1:8080", Doc: "listen address",
		Set: func(c *serveConfig, v string) error {
			if _, _, err := net.SplitHostPort(v); err != nil {
				return fmt.Errorf("%q: %w", v, err)
			}
			c.Addr = v
			return nil
		}},
	dbSetting,
	{Flag: "base-url", Env: "TESTGATE_BASE_URL", DocDefault: "`http://<addr>`",
		Doc: "public URL used in every link and email; `https://` also marks the session cookie `Secure`",
		Set: func(c *serveConfig, v string) error { c.BaseURL = v; return nil }}, // checked with --addr, below
	{Flag: "smtp-url", Env: "TESTGATE_SMTP_URL", Secret: true,
		Doc: "`smtp://user:pass@host:port?tls=none|starttls|tls`; empty keeps mail in the dev mailbox",
		Set: func(c *serveConfig, v string) error {
			if v != "" {
				if _, err := tgmail.ParseSMTPURL(v); err != nil {
					return err
				}
			}
			c.SMTPURL = v
			return nil
		}},
	{Flag: "smtp-password", Env: "TESTGATE_SMTP_PASSWORD", Secret: true, Doc: "SMTP password, replacing the one in the URL",
		Set: func(c *serveConfig, v string) error { c.SMTPPassword = v; return nil }},
	{Flag: "mail-from", Env: "TESTGATE_MAIL_FROM", Default: "Testgate <testgate@localhost>", Doc: "sender of every email",
		Set: func(c *serveConfig, v string) error {
			if _, err := mail.ParseAddress(v); err != nil {
				return fmt.Errorf("%q is not an email address: %w", v, err)
			}
			c.MailFrom = v
			return nil
		}},
	{Flag: "mail-rate", Env: "TESTGATE_MAIL_RATE", Default: "20", Doc: "emails per second at most",
		Set: func(c *serveConfig, v string) error {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(f) || f <= 0 || f > 10000 {
				return fmt.Errorf("must be between 0 and 10000 emails per second, not %q", v)
			}
			c.MailRate = f
			return nil
		}},
	{Flag: "mail-concurrency", Env: "TESTGATE_MAIL_CONCURRENCY", Default: "2", Doc: "SMTP connections sending at once",
		Set: func(c *serveConfig, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 64 {
				return fmt.Errorf("must be between 1 and 64, not %q", v)
			}
			c.MailConcurrency = n
			return nil
		}},
	{Flag: "heartbeat", Env: "TESTGATE_HEARTBEAT", Default: store.DefaultHeartbeat.String(),
		Doc: "on PostgreSQL, how often each process says it is alive; one not seen for three of its heartbeats is taken for dead, and the others take up its emails, callbacks and imports",
		Set: func(c *serveConfig, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < time.Second || d > 10*time.Minute {
				return fmt.Errorf("must be a duration between 1s and 10m, not %q", v)
			}
			c.Heartbeat = d
			return nil
		}},
	{Flag: "allow-private-callbacks", Env: "TESTGATE_ALLOW_PRIVATE_CALLBACKS", Default: "false", Bool: true,
		Doc: "allow callbacks to loopback, private and other special-purpose addresses",
		Set: func(c *serveConfig, v string) (err error) { c.AllowPrivateCallbacks, err = parseSwitch(v); return err }},
	{Flag: "webhook-secret", Env: "TESTGATE_WEBHOOK_SECRET", Secret: true,
		DocDefault: "generated, kept in the database (rotatable in the console)", Doc: "`whsec_<base64>` key that signs callbacks",
		Set: func(c *serveConfig, v string) error {
			if v != "" && !validWebhookSecret(v) {
				return errors.New("must be whsec_ followed by base64 of at least 24 bytes")
			}
			c.WebhookSecret = v
			return nil
		}},
	{Flag: "session-key", Env: "TESTGATE_SESSION_KEY", Secret: true, DocDefault: "generated, kept in the database",
		Doc: "key of the console cookie (≥ 32 characters)",
		Set: func(c *serveConfig, v string) error {
			if v != "" && len(v) < 32 {
				return errors.New("must be at least 32 characters")
			}
			c.SessionKey = v
			return nil
		}},
	{Flag: "behind-proxy", Env: "TESTGATE_BEHIND_PROXY", Default: "false", Bool: true,
		Doc: "trust `X-Forwarded-For` for the client address (throttling)",
		Set: func(c *serveConfig, v string) (err error) { c.BehindProxy, err = parseSwitch(v); return err }},
	{Flag: "oidc-issuer", Env: "TESTGATE_OIDC_ISSUER",
		Doc: "OpenID Connect issuer for console sign-in beside passwords; empty: passwords only",
		Set: func(c *serveConfig, v string) error {
			if v != "" {
				if msg := store.ValidWebURL(v); msg != "" {
					return fmt.Errorf("%q %s", v, msg)
				}
			}
			c.OIDC.Issuer = v
			return nil
		}},
	{Flag: "oidc-client-id", Env: "TESTGATE_OIDC_CLIENT_ID", Doc: "client id registered at the provider (required with an issuer)",
		Set: func(c *serveConfig, v string) error { c.OIDC.ClientID = v; return nil }},
	{Flag: "oidc-client-secret", Env: "TESTGATE_OIDC_CLIENT_SECRET", Secret: true, Doc: "its client secret",
		Set: func(c *serveConfig, v string) error { c.OIDC.ClientSecret = v; return nil }},
	{Flag: "oidc-name", Env: "TESTGATE_OIDC_NAME", Default: "single sign-on", Doc: "the provider's name on the button (\"Sign in with …\")",
		Set: func(c *serveConfig, v string) error { c.OIDC.Name = v; return nil }},
	{Flag: "log-format", Env: "TESTGATE_LOG_FORMAT", Default: "text", Doc: "`text` or `json` (slog)",
		Set: func(c *serveConfig, v string) error {
			if v != "text" && v != "json" {
				return fmt.Errorf("must be text or json, not %q", v)
			}
			c.LogFormat = v
			return nil
		}},
	{Flag: "log-level", Env: "TESTGATE_LOG_LEVEL", Default: "info", Doc: "`debug`, `info`, `warn`, `error`",
		Set: func(c *serveConfig, v string) error {
			var lvl slog.Level
			if err := lvl.UnmarshalText([]byte(v)); err != nil {
				return fmt.Errorf("must be debug, info, warn or error, not %q", v)
			}
			c.LogLevel = v
			return nil
		}},
}

// dbSetting is the database, which every sub-command takes.
var dbSetting = setting{Flag: "db", Env: "TESTGATE_DB", Default: "./data/testgate.db",
	Doc: "a SQLite file (created, with its directory, if missing) or a `postgres://` URL; every sub-command takes it",
	Set: func(c *serveConfig, v string) error { c.DB = v; return nil }}

// parseSwitch reads a switch's value.
func parseSwitch(v string) (bool, error) {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%q is not true or false", v)
	}
	return b, nil
}

// checkTogether checks what settings say together, once each is read.
func (c *serveConfig) checkTogether() error {
	var errs []error
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	c.BaseURL = strings.TrimSuffix(c.BaseURL, "/")
	if msg := store.ValidWebURL(c.BaseURL); msg != "" {
		errs = append(errs, fmt.Errorf("--base-url %q %s", c.BaseURL, msg))
	}
	if c.OIDC.Issuer != "" && c.OIDC.ClientID == "" {
		errs = append(errs, errors.New("--oidc-client-id is required with --oidc-issuer"))
	}
	return errors.Join(errs...)
}

// settingsTable is docs/operations.md's table of serve's settings.
func settingsTable() string {
	var b strings.Builder
	b.WriteString("| flag | environment | default | meaning |\n|---|---|---|---|\n")
	for _, s := range serveSettings {
		env := "`" + s.Env + "`"
		if s.Secret {
			env += " (`_FILE`)"
		}
		def := s.DocDefault
		switch {
		case def != "":
		case s.Default == "":
			def = "empty"
		default:
			def = "`" + s.Default + "`"
		}
		fmt.Fprintf(&b, "| `--%s` | %s | %s | %s |\n", s.Flag, env, def, strings.ReplaceAll(s.Doc, "|", `\|`))
	}
	return b.String()
}
