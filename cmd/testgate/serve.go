package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/mail"
	"os"
	"strconv"
	"strings"
	"time"

	tgmail "testgate/mail"
	"testgate/store"
	"testgate/web"
	"testgate/web/api/callbacks"
)

// serveConfig is everything serve reads from flags and environment.
type serveConfig struct {
	Addr                  string
	DB                    string
	BaseURL               string
	SMTPURL               string
	SMTPPassword          string
	MailFrom              string
	MailRate              float64
	MailConcurrency       int
	AllowPrivateCallbacks bool
	WebhookSecret         string
	SessionKey            string
	BehindProxy           bool
	LogFormat             string
	LogLevel              string
	OIDC                  web.OIDCConfig
}

func parseServeConfig(args []string, stderr io.Writer) (serveConfig, error) {
	fs := newFlagSet("serve", stderr)
	var c serveConfig
	fs.StringVar(&c.Addr, "addr", envOr("TESTGATE_ADDR", "127.0.0.1:8080"), "listen address (env TESTGATE_ADDR)")
	fs.StringVar(&c.DB, "db", envOr("TESTGATE_DB", "./data/testgate.db"), "SQLite database file, or a postgres:// URL (env TESTGATE_DB)")
	fs.StringVar(&c.BaseURL, "base-url", envOr("TESTGATE_BASE_URL", ""), "public URL used in every link and email; default http://<addr> (env TESTGATE_BASE_URL)")
	smtpURL := fs.secret("smtp-url", "TESTGATE_SMTP_URL", "smtp://user:pass@host:port?tls=none|starttls|tls; empty keeps mail in the dev mailbox")
	smtpPassword := fs.secret("smtp-password", "TESTGATE_SMTP_PASSWORD", "SMTP password, replacing the one in --smtp-url")
	fs.Float64Var(&c.MailRate, "mail-rate", envFloat("TESTGATE_MAIL_RATE", 20), "emails per second at most (env TESTGATE_MAIL_RATE)")
	fs.IntVar(&c.MailConcurrency, "mail-concurrency", envInt("TESTGATE_MAIL_CONCURRENCY", 2), "SMTP connections sending at once (env TESTGATE_MAIL_CONCURRENCY)")
	fs.StringVar(&c.MailFrom, "mail-from", envOr("TESTGATE_MAIL_FROM", "Testgate <testgate@localhost>"), "sender address of every email (env TESTGATE_MAIL_FROM)")
	allowPrivate := fs.bool("allow-private-callbacks", "TESTGATE_ALLOW_PRIVATE_CALLBACKS", false, "allow callbacks to loopback and private addresses")
	webhookSecret := fs.secret("webhook-secret", "TESTGATE_WEBHOOK_SECRET", "whsec_<base64> signing secret for callbacks; generated and kept when unset")
	sessionKey := fs.secret("session-key", "TESTGATE_SESSION_KEY", "console cookie key, at least 32 characters; generated and kept when unset")
	behindProxy := fs.bool("behind-proxy", "TESTGATE_BEHIND_PROXY", false, "trust X-Forwarded-For from a reverse proxy")
	fs.StringVar(&c.OIDC.Issuer, "oidc-issuer", envOr("TESTGATE_OIDC_ISSUER", ""), "OpenID Connect issuer URL for console sign-in beside passwords; empty: passwords only (env TESTGATE_OIDC_ISSUER)")
	fs.StringVar(&c.OIDC.ClientID, "oidc-client-id", envOr("TESTGATE_OIDC_CLIENT_ID", ""), "client id registered at the provider (env TESTGATE_OIDC_CLIENT_ID)")
	oidcSecret := fs.secret("oidc-client-secret", "TESTGATE_OIDC_CLIENT_SECRET", "client secret registered at the provider")
	fs.StringVar(&c.OIDC.Name, "oidc-name", envOr("TESTGATE_OIDC_NAME", "single sign-on"), "the provider's name on the sign-in button (env TESTGATE_OIDC_NAME)")
	fs.StringVar(&c.LogFormat, "log-format", envOr("TESTGATE_LOG_FORMAT", "text"), "text or json (env TESTGATE_LOG_FORMAT)")
	fs.StringVar(&c.LogLevel, "log-level", envOr("TESTGATE_LOG_LEVEL", "info"), "debug, info, warn or error (env TESTGATE_LOG_LEVEL)")
	if err := fs.parse(args); err != nil {
		return c, err
	}
	c.SMTPURL, c.SMTPPassword, c.WebhookSecret, c.SessionKey = *smtpURL, *smtpPassword, *webhookSecret, *sessionKey
	c.AllowPrivateCallbacks, c.BehindProxy = *allowPrivate, *behindProxy
	c.OIDC.ClientSecret = *oidcSecret
	return c, c.validate()
}

// validate checks the configuration before anything starts, so a typo
// fails fast with the setting named.
func (c *serveConfig) validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("--addr %q: %w", c.Addr, err))
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	c.BaseURL = strings.TrimSuffix(c.BaseURL, "/")
	if msg := store.ValidWebURL(c.BaseURL); msg != "" {
		errs = append(errs, fmt.Errorf("--base-url %q %s", c.BaseURL, msg))
	}
	if c.SMTPURL != "" {
		if _, err := tgmail.ParseSMTPURL(c.SMTPURL); err != nil {
			errs = append(errs, fmt.Errorf("--smtp-url: %w", err))
		}
	}
	if math.IsNaN(c.MailRate) || c.MailRate <= 0 || c.MailRate > 10000 {
		errs = append(errs, fmt.Errorf("--mail-rate must be between 0 and 10000 emails per second, not %v", c.MailRate))
	}
	if c.MailConcurrency < 1 || c.MailConcurrency > 64 {
		errs = append(errs, fmt.Errorf("--mail-concurrency must be between 1 and 64, not %d", c.MailConcurrency))
	}
	if _, err := mail.ParseAddress(c.MailFrom); err != nil {
		errs = append(errs, fmt.Errorf("--mail-from %q is not an email address: %w", c.MailFrom, err))
	}
	if c.WebhookSecret != "" && !validWebhookSecret(c.WebhookSecret) {
		errs = append(errs, errors.New("--webhook-secret must be whsec_ followed by base64 of at least 24 bytes"))
	}
	if c.OIDC.Issuer != "" {
		if msg := store.ValidWebURL(c.OIDC.Issuer); msg != "" {
			errs = append(errs, fmt.Errorf("--oidc-issuer %q %s", c.OIDC.Issuer, msg))
		}
		if c.OIDC.ClientID == "" {
			errs = append(errs, errors.New("--oidc-client-id is required with --oidc-issuer"))
		}
	}
	if c.SessionKey != "" && len(c.SessionKey) < 32 {
		errs = append(errs, errors.New("--session-key must be at least 32 characters"))
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("--log-format must be text or json, not %q", c.LogFormat))
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.LogLevel)); err != nil {
		errs = append(errs, fmt.Errorf("--log-level must be debug, info, warn or error, not %q", c.LogLevel))
	}
	return errors.Join(errs...)
}

func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

// envFloat reads a number from the environment; a bad value becomes NaN,
// which validation then refuses with the setting named.
func envFloat(name string, def float64) float64 {
	v, ok := os.LookupEnv(name)
	if !ok {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return math.NaN()
	}
	return f
}

// envInt reads a whole number from the environment; a bad value becomes
// -1, which validation refuses.
func envInt(name string, def int) int {
	v, ok := os.LookupEnv(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return -1
	}
	return n
}

func validWebhookSecret(s string) bool {
	raw, ok := strings.CutPrefix(s, "whsec_")
	if !ok {
		return false
	}
	b, err := base64.StdEncoding.DecodeString(raw)
	return err == nil && len(b) >= 24
}

func newSessionKey() (string, error) {
	b := make([]byte, 48)
	rand.Read(b)
	return base64.RawStdEncoding.EncodeToString(b), nil
}

func newLogger(c serveConfig, w io.Writer) *slog.Logger {
	var lvl slog.Level
	lvl.UnmarshalText([]byte(c.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// serve runs the server until ctx ends (SIGINT/SIGTERM), then drains
// requests in flight before closing the database.
func serve(ctx context.Context, args []string, stderr io.Writer) error {
	started := time.Now()
	cfg, err := parseServeConfig(args, stderr)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	// On SQLite one server owns the file; on PostgreSQL several share the
	// database, and their work by leases.
	if !store.IsPostgres(cfg.DB) {
		unlock, err := lockDatabase(cfg.DB)
		if err != nil {
			return err
		}
		defer unlock()
	}
	// The store is given its email composer and callback registry when it
	// is opened; web.New registers the dialects' callback bodies.
	from, _ := mail.ParseAddress(cfg.MailFrom)
	registry := callbacks.NewRegistry()
	db, applied, err := openStore(ctx, cfg.DB, store.Wiring{Composer: tgmail.NewComposer(cfg.BaseURL, from), Payloads: registry})
	if err != nil {
		return err
	}
	defer db.Close()
	for _, m := range applied {
		log.Info("migration applied", "version", m.Version, "name", m.Name)
	}
	if err := db.CheckSchema(ctx); err != nil {
		return err
	}
	// Holding SQLite's lock, this is the only server: leases left on the
	// database belong to a process that is gone. On PostgreSQL other
	// servers may hold them: only those of a process no longer seen are
	// taken over (now, and by the heartbeat from then on).
	recoverLeases := db.ExpireLeases
	if db.Postgres() {
		if err := db.Heartbeat(ctx); err != nil {
			return fmt.Errorf("heartbeat: %w", err)
		}
		recoverLeases = db.TakeOverLeases
	}
	if emails, callbacks, imports, err := recoverLeases(ctx); err != nil {
		return fmt.Errorf("recover leases: %w", err)
	} else if emails+callbacks+imports > 0 {
		log.Warn("taking up work a stopped process held", "emails", emails, "callbacks", callbacks, "imports", imports)
	}

	sessionKey := cfg.SessionKey
	if sessionKey == "" {
		if sessionKey, err = db.SettingOrCreate(ctx, store.SettingSessionKey, newSessionKey); err != nil {
			return fmt.Errorf("session key: %w", err)
		}
	}
	if cfg.WebhookSecret == "" {
		if _, err = db.SettingOrCreate(ctx, store.SettingWebhookSecret, callbacks.NewWebhookSecret); err != nil {
			return fmt.Errorf("webhook secret: %w", err)
		}
	}

	srv, err := web.New(db, web.Config{
		BaseURL: cfg.BaseURL, SessionKey: []byte(sessionKey), BehindProxy: cfg.BehindProxy, Logger: log, OIDC: cfg.OIDC,
		DevMailbox: cfg.SMTPURL == "", AllowPrivateCallbacks: cfg.AllowPrivateCallbacks, WebhookSecret: cfg.WebhookSecret,
		Callbacks: registry,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	httpServer := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	newSender := func() (tgmail.Sender, error) { return tgmail.DevMailbox{}, nil }
	mailMode := "dev mailbox (no --smtp-url)"
	if cfg.SMTPURL != "" {
		smtp, _ := tgmail.ParseSMTPURL(cfg.SMTPURL)
		if cfg.SMTPPassword != "" {
			smtp.Password = cfg.SMTPPassword
		}
		mailMode = smtp.String()
		newSender = func() (tgmail.Sender, error) { return tgmail.NewSMTPSender(smtp, from) }
	}
	// The background work, woken by the commits that make it due.
	outbox := &tgmail.Worker{DB: db, NewSender: newSender, Rate: cfg.MailRate, Concurrency: cfg.MailConcurrency, Log: log}
	workers := store.NewWorkers(db, log)
	workers.Add(store.WorkMail, outbox, outbox.Schedule())
	workers.Add(store.WorkCallbacks, callbacks.NewDeliverer(db, callbacks.Secrets{DB: db, Fixed: cfg.WebhookSecret},
		cfg.AllowPrivateCallbacks, log), callbacks.DeliverySchedule)
	workers.Add(store.WorkImports, store.NewImportJob(db, log), store.ImportSchedule)
	workers.Add(store.WorkSweep, &store.SweepJob{DB: db, Log: log}, store.SweepSchedule)
	if db.Postgres() {
		workers.Add(store.WorkHeartbeat, &store.HeartbeatJob{DB: db, Log: log}, store.HeartbeatSchedule)
	}
	log.Info("testgate listening", "addr", ln.Addr().String(), "base_url", cfg.BaseURL, "db", store.Redacted(cfg.DB),
		"mail", mailMode, "startup", time.Since(started).Round(time.Millisecond))

	errc := make(chan error, 1)
	go func() { errc <- httpServer.Serve(ln) }()
	workers.Start(ctx)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	// The email, callback and import chunk in flight are finished; the rest
	// stays queued.
	for _, name := range workers.Stop(shutdownCtx) {
		log.Warn("worker did not stop in time", "worker", name)
	}
	log.Info("stopped")
	return nil
}
