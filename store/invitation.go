package store

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
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

// Finished reports whether the invitation is over: completed, cancelled
// or expired.
func (s InvitationStatus) Finished() bool {
	return s == StatusCompleted || s == StatusCancelled || s == StatusExpired
}

// NotStarted reports whether the candidate has not begun the test yet.
func (s InvitationStatus) NotStarted() bool { return s == StatusInvited || s == StatusOpened }

// Invitation is one test attempt.
type Invitation struct {
	ID int64
	// PersonID is the person the address belongs to: the id of the first
	// invitation the test's team ever made for it, so the same in every
	// test of the team and telling nothing of other teams (Xobin's
	// candidate_id).
	PersonID    int64
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

	Score      *int // points; final once Review is not ReviewAwaiting
	MaxScore   *int
	Review     Review
	DeadlineAt *time.Time
	// ExtraTimePercent lengthens this candidate's time (0–400), set by
	// the inviter; no other candidate's page or API answer shows it.
	ExtraTimePercent int
	// FocusLostCount is how often the candidate's page lost focus (tab or
	// window switches) during the attempt.
	FocusLostCount int
	// SectionAt is the section a candidate is in, in a test whose sections
	// are taken one after another (0: all sections at once), and
	// SectionDeadlineAt when its own time ends (nil: it has none).
	SectionAt         int
	SectionDeadlineAt *time.Time
	// ErasedAt is when the candidate's data was erased (nil: it was not):
	// name and address are stand-ins, answers' text and emails are gone.
	ErasedAt *time.Time

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
	TestName       string
	PassingScore   int    // percent
	Bands          []Band // the test's, highest first
	LinkName       string
	TabSwitchLimit int // the link's; 0: none
}

// Review is where the grading of an attempt's written answers stands.
type Review string

const (
	ReviewNone     Review = ""         // nothing to grade by hand: the total is final at completion
	ReviewAwaiting Review = "awaiting" // written answers wait for a reviewer
	ReviewGraded   Review = "graded"   // every written answer is graded
)

// Final reports whether the attempt's total will not change by itself:
// completed, and nothing waits for a reviewer.
func (inv Invitation) Final() bool {
	return inv.Status == StatusCompleted && inv.Score != nil && inv.Review != ReviewAwaiting
}

// Outcome is "passed" or "failed" against the test's passing score once
// the total is final, else "".
func (inv Invitation) Outcome() string {
	switch {
	case !inv.Final():
		return ""
	case inv.Passed():
		return "passed"
	}
	return "failed"
}

// Band is the performance band of a final total, or "".
func (inv Invitation) Band() string {
	p := inv.exactPercent()
	if !inv.Final() || p == nil {
		return ""
	}
	return BandFor(inv.Bands, *p)
}

// EndsAt is when the candidate's current time ends: the attempt's
// deadline, or their section's when that comes first.
func (inv Invitation) EndsAt() *time.Time {
	if inv.SectionDeadlineAt != nil && (inv.DeadlineAt == nil || inv.SectionDeadlineAt.Before(*inv.DeadlineAt)) {
		return inv.SectionDeadlineAt
	}
	return inv.DeadlineAt
}

// ScorePercent is the score as a percentage rounded to two decimals (9 of
// 14 is 64.29), or nil before the attempt is scored. Every surface shows
// this one figure; pass, fail and bands compare the exact share.
func (inv Invitation) ScorePercent() *float64 {
	exact := inv.exactPercent()
	if exact == nil {
		return nil
	}
	p := math.Round(*exact*100) / 100
	return &p
}

// FormatPercent writes a percentage as every surface shows it: at most two
// decimals, none when whole ("64.29", "50").
func FormatPercent(p float64) string { return strconv.FormatFloat(p, 'f', -1, 64) }

// exactPercent is the unrounded share, for comparisons with thresholds.
func (inv Invitation) exactPercent() *float64 {
	if inv.Score == nil || inv.MaxScore == nil || *inv.MaxScore == 0 {
		return nil
	}
	p := float64(*inv.Score) * 100 / float64(*inv.MaxScore)
	return &p
}

// Passed reports whether a scored attempt reached the test's passing score.
func (inv Invitation) Passed() bool {
	return inv.Score != nil && inv.MaxScore != nil && *inv.MaxScore > 0 && *inv.Score*100 >= inv.PassingScore**inv.MaxScore
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
	// ATS is the applicant tracking system's ids of the candidate it sent
	// (nil: not sent by one).
	ATS    *ATSReference
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
	// NewAfterFinish makes a new invitation when the address's last one on
	// the link is finished (Testinvite re-tests that way), instead of
	// returning or re-opening it.
	NewAfterFinish bool
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
	// ExtraTimePercent lengthens the candidate's time (0–400 %).
	ExtraTimePercent int
}

// MaxExtraTimePercent bounds extra time: five times the test's duration.
const MaxExtraTimePercent = 400

// InviteResult is the invitation a request produced or found.
type InviteResult struct {
	Invitation Invitation
	Created    bool // a new invitation
	Reopened   bool // a cancelled or expired one made pending again
	Emailed    bool // its invitation email was queued
}

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
	if n.ExtraTimePercent < 0 || n.ExtraTimePercent > MaxExtraTimePercent {
		fe["extraTimePercent"] = fmt.Sprintf("must be between 0 and %d (percent)", MaxExtraTimePercent)
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
