// Package views holds the console's templ components: layouts, pages and the
// htmx fragments they are built from. Views render what handlers give them
// and run no queries.
package views

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"testgate/store"
	"testgate/views/locale"
)

// PageBase is what every page carries, console or candidate.
type PageBase struct {
	Title  string
	CSRF   string
	Assets Assets
	// Loc is the viewer's time zone (reported by the browser); nil is UTC.
	Loc *time.Location
}

// ConsolePage is what a console page's layout needs (the console is in
// English).
type ConsolePage struct {
	PageBase
	User    *store.User // nil when signed out
	Section string      // highlighted navigation entry
	Flash   string      // one-off notice after a redirect
	// DevMailbox is set when emails are kept in the console, not sent.
	DevMailbox bool
}

// CandidatePage is what a candidate's page needs: their language and the
// organisation's brand.
type CandidatePage struct {
	PageBase
	// Brand is the organisation candidate pages show.
	Brand Brand
	// PreviewOf marks a recruiter's preview: where the banner leads back to.
	PreviewOf string
	// PreviewSeed draws a preview's sample paper, the same on every page
	// of it; PreviewDraw says, per section and rule, what the draw takes
	// from how many.
	PreviewSeed string
	PreviewDraw []string
	// L is the page's language.
	L locale.T
	// LangURL is where the language menu sends the choice (LangGet: as a
	// query, for pages without an invitation); LangForm instead names the
	// form the menu belongs to (the attempt's).
	LangURL  string
	LangGet  bool
	LangForm string
}

func (p CandidatePage) langMethod() string {
	if p.LangGet {
		return "get"
	}
	return "post"
}

// MailURL is where the navigation's Emails entry leads.
func (p ConsolePage) MailURL() string {
	if p.DevMailbox {
		return "/mailbox"
	}
	return "/outbox"
}

// Assets are the fingerprinted URLs of the static files.
type Assets struct {
	CSS       string
	JS        string
	HTMX      string
	Icon      string
	Candidate string
}

// Section names for the navigation.
const (
	SectionDashboard    = "dashboard"
	SectionTests        = "tests"
	SectionBank         = "bank"
	SectionInvitations  = "invitations"
	SectionEmails       = "emails"
	SectionCallbacks    = "callbacks"
	SectionWebhooks     = "webhooks"
	SectionUsers        = "users"
	SectionAPIKeys      = "api-keys"
	SectionBranding     = "branding"
	SectionPrivacy      = "privacy"
	SectionAudit        = "audit"
	SectionTeams        = "teams"
	SectionIntegrations = "integrations"
)

// csrfHeaders is the data-hx-headers value that lets htmx requests outside a form
// carry the CSRF token.
func csrfHeaders(token string) string {
	return fmt.Sprintf(`{"X-CSRF-Token": %q}`, token)
}

// htmxConfig keeps htmx within the CSP (no inline styles, no eval) and lets
// it swap 422 responses, which carry forms with their errors.
const htmxConfig = `{"includeIndicatorStyles": false, "allowEval": false, "allowScriptTags": false,
 "responseHandling": [{"code": "204", "swap": false}, {"code": "[23]..", "swap": true},
 {"code": "422", "swap": true}, {"code": "[45]..", "swap": false, "error": true}]}`

// Location is the viewer's time zone.
func (p PageBase) Location() *time.Location {
	if p.Loc == nil {
		return time.UTC
	}
	return p.Loc
}

// ZoneName names the viewer's time zone, e.g. "Europe/Berlin".
func (p PageBase) ZoneName() string { return p.Location().String() }

// When formats a time in the viewer's zone, with the zone named.
func (p PageBase) When(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(p.Location()).Format("2 Jan 2006 15:04 MST")
}

// WhenPtr formats an optional time, or a dash.
func (p PageBase) WhenPtr(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return p.When(*t)
}

func itoa(n int) string { return strconv.Itoa(n) }

func idStr(n int64) string { return strconv.FormatInt(n, 10) }

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func shownHidden(shown bool) string {
	if shown {
		return "Shown"
	}
	return "Skipped"
}

func maxUses(n int) string {
	if n == 0 {
		return "Unlimited"
	}
	return itoa(n)
}

// describedBy links an input to its error, or else to its hint.
func describedBy(name, hint string, errs map[string]string) string {
	switch {
	case errs[name] != "":
		return "e-" + name
	case hint != "":
		return "h-" + name
	}
	return ""
}

// URL is the tests list with this filter, without empty parameters.
func (l TestList) URL() string {
	v := url.Values{}
	if l.Query != "" {
		v.Set("q", l.Query)
	}
	if l.Archived {
		v.Set("archived", "1")
	}
	if len(v) == 0 {
		return "/tests"
	}
	return "/tests?" + v.Encode()
}

// remindAge is how long ago "remind everyone" reminds from, as words.
func remindAge() string { return strconv.Itoa(int(store.MinReminderAge.Hours())) + " hours" }

// minutes words a duration in minutes: "1 minute", "45 minutes".
func minutes(n int) string {
	if n == 1 {
		return "1 minute"
	}
	return strconv.Itoa(n) + " minutes"
}

// testKindLabel is a test's kind as people say it.
func testKindLabel(k store.TestKind) string {
	if k == store.KindInterview {
		return "Interview"
	}
	return "Assessment"
}

// emailKindLabel says what an email was for.
func emailKindLabel(kind string) string {
	switch kind {
	case store.EmailInvitation:
		return "Invitation"
	case store.EmailReminder:
		return "Reminder"
	case store.EmailRevocation:
		return "Invitation withdrawn"
	case store.EmailAccount:
		return "Console account: set a password"
	}
	return kind
}

// questionKindLabel is a question's kind as people say it.
func questionKindLabel(k store.QuestionKind) string {
	if r := k.Rules(); r != nil {
		return r.Label()
	}
	return string(k)
}

// actorLabel names who did something, as the timeline records it
// ("user:rita@example.com", "api:ATS", "candidate", "system").
func actorLabel(actor string) string {
	kind, who, _ := strings.Cut(actor, ":")
	switch {
	case kind == "user" && who != "":
		return who
	case kind == "api" && who != "":
		return "the API key “" + who + "”"
	case actor == "api":
		return "the API"
	case actor == "candidate":
		return "the candidate"
	case actor == "system":
		return "Testgate"
	default:
		return actor
	}
}

// sourceLabel names the surface an invitation came through.
func sourceLabel(source string) string {
	switch source {
	case store.SourceConsole:
		return "the console"
	case store.SourceImport:
		return "an import"
	case store.SourceNative:
		return "the API"
	case store.SourceIMocha:
		return "the iMocha API"
	case store.SourcePublic:
		return "self-registration"
	case store.SourceThinkExam:
		return "the ThinkExam API"
	case store.SourceXobin:
		return "the Xobin API"
	case store.SourceGreenhouse:
		return "Greenhouse"
	case store.SourceTestinvite:
		return "the Testinvite API"
	}
	return source
}

// eventDetail words a timeline detail; "via <source>" names the surface.
func eventDetail(detail string) string {
	if source, ok := strings.CutPrefix(detail, "via "); ok {
		return "via " + sourceLabel(source)
	}
	if source, ok := strings.CutPrefix(detail, "invited again via "); ok {
		return "invited again via " + sourceLabel(source)
	}
	return detail
}

// languageName is a language's own name, or empty's text for none.
func languageName(code, empty string) string {
	if name, ok := locale.Names[code]; ok {
		return name
	}
	return empty
}

// addressParts cuts an address where it may wrap: before the @ and after
// each dot ("ada.lovelace", "@example.", "com").
func addressParts(addr string) []string {
	var parts []string
	start := 0
	for i, r := range addr {
		switch {
		case r == '@' && i > start:
			parts, start = append(parts, addr[start:i]), i
		case r == '.' || r == '-':
			parts, start = append(parts, addr[start:i+1]), i+1
		}
	}
	return append(parts, addr[start:])
}
