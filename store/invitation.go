package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// InvitationStatus is where a test attempt stands.
type InvitationStatus string

const (
	StatusInvited   InvitationStatus = "invited"
	StatusOpened    InvitationStatus = "opened"
	StatusStarted   InvitationStatus = "started"
	StatusCompleted InvitationStatus = "completed"
	StatusExpired   InvitationStatus = "expired"
	StatusCancelled InvitationStatus = "cancelled"
)

// Statuses lists every status in funnel order.
var Statuses = []InvitationStatus{StatusInvited, StatusOpened, StatusStarted, StatusCompleted, StatusExpired, StatusCancelled}

// Valid reports whether s is a known status.
func (s InvitationStatus) Valid() bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// Live reports whether the invitation can still be used (or was used):
// cancelled and expired ones are not, and inviting again re-opens them.
func (s InvitationStatus) Live() bool { return s != StatusCancelled && s != StatusExpired }

// NotStarted reports whether the candidate has not begun the test yet.
func (s InvitationStatus) NotStarted() bool { return s == StatusInvited || s == StatusOpened }

// Invitation is one test attempt.
type Invitation struct {
	ID          int64
	TestID      int64
	LinkID      int64 // 0: none
	Token       string
	Name        string
	Email       string
	Placeholder bool // name and email are generated; the candidate replaces them
	Status      InvitationStatus
	Source      string // the dialect or surface that made it

	CallbackURL            string
	RedirectURL            string
	HideInstruction        bool
	DisableMandatoryFields bool
	SendEmail              bool
	ExpiresAt              *time.Time
	ValidFrom              *time.Time
	ValidUntil             *time.Time

	Tags         json.RawMessage // object
	Labels       []string
	Group        string
	ExternalID   string
	ExternalData json.RawMessage // object
	Lang         string          // asked for by the inviter (or copied from the link); "" lets the browser choose
	ChosenLang   string          // chosen by the candidate on their pages; wins over Lang

	Score      *int
	MaxScore   *int
	DeadlineAt *time.Time

	// AccessCode, when set, must be typed besides opening the link.
	AccessCode     string
	AccessFailures int

	// Testinvite's fields: tracking within a scope, the kind of candidate,
	// and which callback body (basic or detailed) with which extra params.
	TrackingUniqID   string
	TrackingKey      string
	CandidateKind    string
	CallbackResource string
	CallbackParams   json.RawMessage

	InvitedAt   time.Time
	OpenedAt    *time.Time
	StartedAt   *time.Time
	CompletedAt *time.Time
	ExpiredAt   *time.Time
	CancelledAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// Joined from the test and link.
	TestName     string
	PassingScore int // percent
	LinkName     string
}

// ScorePercent is the score as a percentage with two decimals, or nil
// before the attempt is scored.
func (inv Invitation) ScorePercent() *float64 {
	if inv.Score == nil || inv.MaxScore == nil || *inv.MaxScore == 0 {
		return nil
	}
	p := float64(*inv.Score*10000 / *inv.MaxScore) / 100
	return &p
}

// Passed reports whether a scored attempt reached the test's passing score.
func (inv Invitation) Passed() bool {
	p := inv.ScorePercent()
	return p != nil && *p >= float64(inv.PassingScore)
}

// Sources of invitations.
const (
	SourceConsole    = "console"
	SourceImport     = "import" // a bulk import from the console
	SourceNative     = "native"
	SourceIMocha     = "imocha"
	SourcePublic     = "public" // self-registration through /l/{slug}
	SourceThinkExam  = "thinkexam"
	SourceXobin      = "xobin"
	SourceTestinvite = "testinvite"
)

// NewInvitation asks for an invitation through a link. Nil overrides take
// the link's setting.
type NewInvitation struct {
	TestID int64
	LinkID int64 // 0: the test's default link
	Name   string
	Email  string
	// GeneratePlaceholders accepts a missing name and email and makes
	// stand-ins that the candidate replaces on the landing page.
	GeneratePlaceholders bool
	Source               string
	Actor                string // who asked, for the timeline
	// RequireAccessCode makes a one-time code the candidate must type.
	RequireAccessCode bool
	// Testinvite: uniqId unique within TrackingKey (a conflict is
	// ErrConflict), the candidate's kind, and the callback's shape.
	TrackingUniqID   string
	TrackingKey      string
	CandidateKind    string
	CallbackResource string
	CallbackParams   json.RawMessage

	CallbackURL            *string
	RedirectURL            *string
	HideInstruction        *bool
	DisableMandatoryFields *bool
	SendEmail              *bool
	SendEmailAt            *time.Time // schedule the email; nil: now
	ExpiresAt              *time.Time
	ValidFrom              *time.Time
	ValidUntil             *time.Time

	Tags         json.RawMessage
	Labels       []string
	Group        string
	ExternalID   string
	ExternalData json.RawMessage
	Lang         string
}

// InviteResult is the invitation a request produced or found.
type InviteResult struct {
	Invitation Invitation
	Created    bool // a new invitation
	Reopened   bool // a cancelled or expired one made pending again
}

// ErrDuplicateTracking refuses a second candidate with the same tracking
// uniqId in the same scope.
var ErrDuplicateTracking = errors.New("a candidate with this uniqId already exists in this scope")

// ClosedError says why a link or test takes no invitations now.
type ClosedError struct{ Reason string }

func (e *ClosedError) Error() string { return e.Reason }

// ErrClosed matches every ClosedError.
var ErrClosed = errors.New("closed")

func (e *ClosedError) Is(target error) bool { return target == ErrClosed }

// Validate checks what the invitation request carries.
func (n NewInvitation) Validate() FieldErrors {
	fe := FieldErrors{}
	email, name := strings.TrimSpace(n.Email), strings.TrimSpace(n.Name)
	switch {
	case email == "" && !n.GeneratePlaceholders:
		fe["email"] = ProblemRequired
	case email != "" && !ValidEmail(email):
		fe["email"] = ProblemInvalidEmail
	}
	switch {
	case name == "" && !n.GeneratePlaceholders:
		fe["name"] = ProblemRequired
	case len([]rune(name)) > MaxNameLength:
		fe["name"] = fmt.Sprintf("must be at most %d characters", MaxNameLength)
	case HasUnsafeChars(name):
		fe["name"] = ProblemUnsafeText
	}
	if n.Lang != "" && !ValidLanguage(n.Lang) {
		fe["lang"] = "must be one of " + strings.Join(Languages, ", ")
	}
	for field, v := range map[string]*string{"callbackUrl": n.CallbackURL, "redirectUrl": n.RedirectURL} {
		if v != nil && *v != "" {
			if msg := ValidWebURL(*v); msg != "" {
				fe[field] = msg
			}
		}
	}
	return fe
}

// placeholderEmailDomain is reserved (RFC 2606): mail to it never leaves.
const placeholderEmailDomain = "placeholder.invalid"

// IsPlaceholderEmail reports whether an address is a generated stand-in.
func IsPlaceholderEmail(email string) bool {
	return strings.HasSuffix(NormalizeEmail(email), "@"+placeholderEmailDomain)
}
