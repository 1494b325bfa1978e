// Package web is Testgate's HTTP surface: the recruiter console, the
// candidate pages and the JSON APIs, on one echo instance.
package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"testgate/static"
	"testgate/store"
	"testgate/web/api/callbacks"
)

// Config is what the web layer needs from the command line.
type Config struct {
	// BaseURL is the public origin used in every URL handed out, without a
	// trailing slash ("https://tests.example.com").
	BaseURL string
	// SessionKey signs and encrypts the console cookie (at least 32 bytes).
	SessionKey []byte
	// BehindProxy trusts X-Forwarded-For for the client address (throttling).
	BehindProxy bool
	// DevMailbox says emails are kept in the console instead of sent.
	DevMailbox bool
	// AllowPrivateCallbacks lets callbacks reach loopback and private
	// addresses (tests, internal receivers).
	AllowPrivateCallbacks bool
	// WebhookSecret, when set, signs callbacks instead of the secret kept
	// in the database.
	WebhookSecret string
	// OIDC, when its Issuer is set, offers signing in through an OpenID
	// Connect provider beside passwords.
	OIDC OIDCConfig
	// Callbacks is the registry the store was opened with; New registers
	// the dialects' callback bodies in it.
	Callbacks *callbacks.Registry
	// ReportRenders is how many PDF reports are made at once (0: half the
	// CPUs, at least one); ReportWait how long a request waits for its
	// turn before a 503 (0: 20 s).
	ReportRenders int
	ReportWait    time.Duration
	Logger        *slog.Logger
}

// Server holds the handlers' dependencies.
type Server struct {
	e       *echo.Echo
	db      *store.DB
	cfg     Config
	log     *slog.Logger
	cookies *sessions.CookieStore
	oidc    *oidcLogin // nil: passwords only
	assets  map[string]static.Asset
	secrets callbacks.Secrets
	metrics *metrics
	reports *pdfReports
	apis    dialects
	// setupDone caches "a user exists" so the first-run check costs nothing
	// once setup is over; it never goes back to false.
	setupDone atomic.Bool
}

// New wires the routes. The database must be migrated.
func New(db *store.DB, cfg Config) (*Server, error) {
	base, err := url.Parse(cfg.BaseURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("web: base URL %q must be an absolute http(s) URL", cfg.BaseURL)
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	if cfg.Callbacks == nil {
		return nil, errors.New("web: the callback registry the store was opened with is required")
	}
	if len(cfg.SessionKey) < 32 {
		return nil, errors.New("web: session key must be at least 32 bytes")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	assets, err := static.Assets()
	if err != nil {
		return nil, fmt.Errorf("web: static assets: %w", err)
	}
	s := &Server{e: echo.New(), db: db, cfg: cfg, log: cfg.Logger, assets: assets,
		secrets: callbacks.Secrets{DB: db, Fixed: cfg.WebhookSecret}, metrics: newMetrics(),
		reports: newPDFReports(cfg.ReportRenders, cmp.Or(cfg.ReportWait, 20*time.Second), reportCacheBytes)}
	if err := s.newDialects(); err != nil {
		return nil, err
	}
	s.cookies = newCookieStore(cfg.SessionKey, base.Scheme == "https")
	if cfg.OIDC.Issuer != "" {
		if cfg.OIDC.ClientID == "" {
			return nil, errors.New("web: single sign-on needs the identity provider's client id")
		}
		s.oidc = &oidcLogin{cfg: cfg.OIDC, redirectURL: cfg.BaseURL + "/login/oidc/callback"}
	}
	s.e.HideBanner, s.e.HidePort = true, true
	s.e.HTTPErrorHandler = s.handleError
	if cfg.BehindProxy {
		s.e.IPExtractor = echo.ExtractIPFromXFFHeader()
	} else {
		s.e.IPExtractor = echo.ExtractIPDirect()
	}
	s.routes()
	return s, nil
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.e.ServeHTTP(w, r) }

// Echo exposes the router, for route listings in tests.
func (s *Server) Echo() *echo.Echo { return s.e }

// routes is the whole URL map: console, API, operations.
func (s *Server) routes() {
	e := s.e
	e.Pre(routeHeadAsGet)
	e.Use(headAgain, middleware.Recover(), middleware.RequestID(), s.requestLog(), s.metrics.middleware, securityHeaders, s.audit)

	e.GET("/healthz", s.healthz)
	e.GET("/metrics", s.serveMetrics)
	e.GET("/static/:name", s.serveAsset)
	e.GET("/brand/logo", s.serveLogo) // candidate pages and emails show it

	s.apiRoutes()

	// Candidate pages: the token is the key; no session, no CSRF token (a
	// forged form would need the unguessable token it posts to).
	candidate := e.Group("", bodyLimit(1<<20, nil), candidateHeaders, requireText, candidateClient)
	candidate.GET("/t/:token", s.showCandidate)
	candidate.POST("/t/:token/details", s.saveDetails)
	candidate.POST("/t/:token/start", s.startAttempt)
	candidate.POST("/t/:token/access", s.checkAccess)
	candidate.POST("/t/:token/answers", s.saveAnswers)
	candidate.POST("/t/:token/lang", s.chooseLanguage)
	candidate.POST("/t/:token/signals", s.recordSignals)
	candidate.GET("/t/:token/clock", s.clock)
	candidate.GET("/reports/:file", s.reportByLink)
	candidate.GET("/l/:slug", s.publicLinkForm)
	candidate.POST("/l/:slug", s.publicRegister)
	candidate.POST("/l/:slug/link", s.emailMyLink)

	// Forms are small; an import's upload has a larger limit. Both apply
	// before the CSRF check reads the body.
	isImport := func(c echo.Context) bool { return strings.HasPrefix(c.Path(), "/links/:id/import") }
	formLimit := bodyLimit(2<<20, isImport)
	importLimit := bodyLimit(24<<20, func(c echo.Context) bool { return !isImport(c) })
	console := e.Group("", formLimit, importLimit, s.loadSession, requireText, s.checkCSRF, s.requireSetup)
	console.GET("/setup", s.setupForm)
	console.POST("/setup", s.setup)
	console.GET("/login", s.loginForm)
	console.GET("/login/oidc", s.oidcStart)
	console.GET("/login/oidc/callback", s.oidcCallback)
	console.POST("/login", s.login)
	console.GET("/login/forgot", s.passwordResetForm)
	console.POST("/login/forgot", s.requestPasswordReset)
	console.POST("/logout", s.logout)
	console.GET("/password/:token", s.setPasswordForm)
	console.POST("/password/:token", s.setPassword)

	signedIn := console.Group("", s.requireUser, s.teamScope)
	signedIn.GET("/", s.dashboard)
	signedIn.GET("/tests", s.listTests)
	signedIn.GET("/tests/new", s.newTestForm)
	signedIn.POST("/tests", s.createTest)
	signedIn.GET("/tests/:id", s.showTest)
	signedIn.GET("/tests/:id/edit", s.editTestForm)
	signedIn.POST("/tests/:id", s.updateTest)
	signedIn.POST("/tests/:id/archive", s.archiveTest)
	signedIn.POST("/tests/:id/duplicate", s.duplicateTest)
	signedIn.POST("/tests/:id/questions", s.addQuestion)
	signedIn.GET("/tests/:id/questions/:qid/edit", s.editQuestionForm)
	signedIn.POST("/tests/:id/questions/:qid", s.updateQuestion)
	signedIn.POST("/tests/:id/questions/:qid/move", s.moveQuestion)
	signedIn.POST("/tests/:id/questions/:qid/delete", s.deleteQuestion)
	signedIn.GET("/tests/:id/preview", s.previewIntro)
	signedIn.POST("/tests/:id/preview/start", s.previewStart)
	signedIn.POST("/tests/:id/preview/answers", s.previewAnswers)
	signedIn.GET("/tests/:id/links/new", s.newLinkForm)
	signedIn.POST("/tests/:id/links", s.createLink)
	signedIn.GET("/links/:id", s.showLink)
	signedIn.GET("/links/:id/edit", s.editLinkForm)
	signedIn.POST("/links/:id", s.updateLink)
	signedIn.POST("/links/:id/state", s.setLinkState)
	signedIn.POST("/links/:id/invitations", s.inviteFromLink)
	signedIn.GET("/tests/:id/invitations.csv", s.exportTest)
	signedIn.GET("/links/:id/invitations.csv", s.exportLink)
	signedIn.GET("/invitations", s.listInvitations)
	signedIn.GET("/invitations.csv", s.exportList)
	signedIn.GET("/invitations/:id", s.showInvitation)
	signedIn.GET("/invitations/:id/report.pdf", s.consoleReport)
	signedIn.GET("/invitations/:id/report", s.showReport)
	signedIn.POST("/invitations/:id/grades", s.gradeAnswer)
	signedIn.POST("/invitations/:id/time", s.addTime)
	signedIn.POST("/invitations/:id/extra-time", s.setExtraTime)
	signedIn.GET("/tests/:id/results", s.testResults)
	signedIn.GET("/tests/:id/statistics", s.testStatistics)
	signedIn.GET("/tests/:id/statistics.csv", s.statisticsCSV)
	signedIn.POST("/tests/:id/sections", s.addSection)
	signedIn.POST("/tests/:id/sections/:sid", s.updateSection)
	signedIn.POST("/tests/:id/sections/:sid/rules", s.addRule)
	signedIn.POST("/tests/:id/sections/:sid/rules/:n/delete", s.removeRule)
	signedIn.GET("/tests/:id/sections/:sid/pick", s.pickForm)
	signedIn.POST("/tests/:id/sections/:sid/picks", s.pickQuestions)
	signedIn.POST("/tests/:id/sections/:sid/picks/:bid/delete", s.unpickQuestion)
	signedIn.GET("/bank", s.listBank)
	signedIn.POST("/bank", s.addBankQuestion)
	signedIn.POST("/bank/import", s.importBank)
	signedIn.GET("/bank/:id/edit", s.editBankQuestionForm)
	signedIn.POST("/bank/:id", s.updateBankQuestion)
	signedIn.POST("/bank/:id/archive", s.archiveBankQuestion)
	signedIn.POST("/invitations/:id/cancel", s.cancelInvitation)
	signedIn.POST("/invitations/:id/extend", s.extendInvitation)
	signedIn.POST("/invitations/:id/resend", s.resendInvitation)
	signedIn.POST("/invitations/:id/reattempt", s.reattemptInvitation)
	signedIn.POST("/invitations/:id/erase", s.eraseCandidate, s.requireAdmin)
	signedIn.GET("/invitations/:id/candidate-data.json", s.exportCandidate, s.requireAdmin)
	signedIn.POST("/links/:id/remind", s.remindLink)
	signedIn.GET("/links/:id/import", s.importPage)
	signedIn.POST("/links/:id/import/check", s.checkImport)
	signedIn.POST("/links/:id/imports", s.startImport)
	signedIn.GET("/imports/:id", s.showImport)
	signedIn.GET("/imports/:id/progress", s.importProgress)
	signedIn.GET("/imports/:id/rejected.csv", s.importRejected)
	signedIn.GET("/links/:id/emails", s.linkEmailsForm)
	signedIn.POST("/links/:id/emails", s.saveLinkEmails)
	signedIn.GET("/outbox", s.listOutbox)
	signedIn.GET("/mailbox", s.mailbox)
	signedIn.GET("/outbox/:id", s.showMessage)
	signedIn.GET("/outbox/:id/html", s.messageHTML)
	signedIn.POST("/outbox/:id/retry", s.retryMessage)
	signedIn.POST("/outbox/:id/cancel", s.cancelMessage)
	signedIn.GET("/deliveries", s.listDeliveries)
	signedIn.GET("/deliveries/:id", s.showDelivery)
	signedIn.POST("/deliveries/:id/retry", s.retryDelivery)

	admin := signedIn.Group("/settings", s.requireAdmin)
	admin.GET("/users", s.listUsers)
	admin.POST("/users", s.createUser)
	admin.POST("/users/:id", s.updateUserAccess)
	admin.GET("/api-keys", s.listAPIKeys)
	admin.POST("/api-keys", s.createAPIKey)
	admin.POST("/api-keys/:id/revoke", s.revokeAPIKey)
	admin.GET("/integrations", s.integrationsPage)
	admin.GET("/integrations/:ats", s.atsPage)
	admin.POST("/integrations/:ats", s.saveATS)
	admin.POST("/integrations/:ats/key", s.makeATSKey)
	admin.POST("/integrations/:ats/credential", s.keepATSCredential)
	admin.POST("/integrations/:ats/test", s.testATS)
	admin.GET("/webhooks", s.webhooksPage)
	admin.POST("/webhooks/rotate", s.rotateWebhookSecret)
	admin.GET("/branding", s.brandingPage)
	admin.POST("/branding", s.saveBranding)
	admin.GET("/privacy", s.privacyPage)
	admin.POST("/privacy", s.savePrivacy)
	admin.GET("/teams", s.teamsPage)
	admin.POST("/teams", s.createTeam)
	admin.POST("/teams/:id", s.updateTeam)
	admin.GET("/audit", s.auditPage)
	admin.GET("/audit.csv", s.auditCSV)

	// Unknown paths are a plain 404 for everyone, not a sign-in prompt: a
	// candidate with a mistyped URL must not land on the recruiters' login.
	// Registered last, it replaces the catch-alls the groups above added.
	e.RouteNotFound("/*", func(echo.Context) error { return echo.ErrNotFound }, s.loadSession)
}

// TestURL is the candidate's personal URL of an invitation.
func (s *Server) TestURL(inv store.Invitation) string {
	return s.cfg.BaseURL + "/t/" + inv.Token
}

// LinkURL is the shareable URL of a test link.
func (s *Server) LinkURL(l store.TestLink) string {
	return s.cfg.BaseURL + "/l/" + l.Slug
}

// BaseURL is the public origin every URL handed out starts with.
func (s *Server) BaseURL() string { return s.cfg.BaseURL }

// healthz answers 200 once the database answers; serve only starts
// listening after migrations ran.
func (s *Server) healthz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2e9)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		s.log.Error("health check failed", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}
