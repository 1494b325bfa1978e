package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/mail"
	"strings"
	"time"

	tgmail "testgate/mail"
	"testgate/store"
	"testgate/store/jobs"
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
	Heartbeat             time.Duration
	AllowPrivateCallbacks bool
	WebhookSecret         string
	SessionKey            string
	BehindProxy           bool
	LogFormat             string
	LogLevel              string
	OIDC                  web.OIDCConfig
}

// parseServeConfig reads serve's settings (serveSettings) from the flags
// and the environment, and checks them all before anything starts, so a
// typo fails fast with the setting named.
func parseServeConfig(args []string, stderr io.Writer) (serveConfig, error) {
	fs := newFlagSet("serve", stderr)
	values := make([]*settingValue, len(serveSettings))
	for i, s := range serveSettings {
		values[i] = fs.setting(s)
	}
	var c serveConfig
	if err := fs.parse(args); err != nil {
		return c, err
	}
	var errs []error
	for _, v := range values {
		errs = append(errs, v.read(&c))
	}
	errs = append(errs, c.checkTogether())
	return c, errors.Join(errs...)
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
		if err := db.Heartbeat(ctx, cfg.Heartbeat); err != nil {
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
	workers := jobs.New(log)
	workers.Add(store.WorkMail, outbox, outbox.Schedule())
	deliverer := callbacks.NewDeliverer(db, callbacks.Secrets{DB: db, Fixed: cfg.WebhookSecret}, cfg.AllowPrivateCallbacks, log)
	deliverer.Protocols = registry // ATSs' own ways, registered by web.New
	workers.Add(store.WorkCallbacks, deliverer, callbacks.DeliverySchedule)
	workers.Add(store.WorkImports, store.NewImportJob(db, log), store.ImportSchedule)
	workers.Add(store.WorkSweep, &store.SweepJob{DB: db, Log: log}, store.SweepSchedule)
	if db.Postgres() {
		heartbeat := &store.HeartbeatJob{DB: db, Log: log, Every: cfg.Heartbeat}
		workers.Add(store.WorkHeartbeat, heartbeat, heartbeat.Schedule())
	}
	log.Info("testgate listening", "addr", ln.Addr().String(), "base_url", cfg.BaseURL, "db", store.Redacted(cfg.DB),
		"mail", mailMode, "startup", time.Since(started).Round(time.Millisecond))

	errc := make(chan error, 1)
	go func() { errc <- httpServer.Serve(ln) }()
	db.StartWorkers(ctx, workers)
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
