package store

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Integrity signals: what a candidate's page reports, and where the server
// saw the candidate from. They are shown to people with their times and
// never decide anything by themselves, except the tab-switch limit a link
// sets and the candidate is warned of.

// Kinds of signals.
const (
	SignalOpen           = "open"
	SignalStart          = "start"
	SignalSubmit         = "submit"
	SignalFocusLost      = "focus_lost"      // the page lost focus: another tab or window
	SignalPaste          = "paste"           // text pasted into a written answer
	SignalFullscreenExit = "fullscreen_exit" // full screen left
)

// PageSignalKinds are the kinds a candidate's page may report.
var PageSignalKinds = []string{SignalFocusLost, SignalPaste, SignalFullscreenExit}

// accessSignals are the statuses at which the server records the
// candidate's address and browser.
var accessSignals = map[InvitationStatus]string{StatusOpened: SignalOpen, StatusStarted: SignalStart, StatusCompleted: SignalSubmit}

// ReasonTabSwitchLimit completes an attempt whose candidate left the test
// page as often as the link allows.
const ReasonTabSwitchLimit = "tab switch limit reached"

// Limits on what a page may report, so a script cannot fill the database.
const (
	maxSignalsPerAttempt = 1000
	maxSignalDetail      = 200
	maxSecondsPerReport  = 600
)

// Client is where a candidate's request came from.
type Client struct {
	IP        string
	UserAgent string
}

type clientKey struct{}

// WithClient carries the candidate's address and browser to the store, so
// opening, starting and submitting record them in the same transaction.
func WithClient(ctx context.Context, c Client) context.Context {
	return context.WithValue(ctx, clientKey{}, c)
}

// recordAccess keeps where a candidate opened, started or submitted from,
// when the request that did it carried the client.
func recordAccess(ctx context.Context, tx *Tx, invitationID int64, to InvitationStatus, now time.Time) error {
	kind, ok := accessSignals[to]
	c, known := ctx.Value(clientKey{}).(Client)
	if !ok || !known {
		return nil
	}
	return insertSignal(ctx, tx, invitationID, kind, "", c, now)
}

func insertSignal(ctx context.Context, tx *Tx, invitationID int64, kind, detail string, c Client, now time.Time) error {
	err := tx.ExecLater(ctx, `INSERT INTO attempt_signals (invitation_id, kind, detail, ip, user_agent, occurred_at)
		VALUES (?, ?, ?, ?, ?, ?)`, invitationID, kind, clip(detail, maxSignalDetail), clip(c.IP, 64), clip(c.UserAgent, 400), millis(now))
	return err
}

func clip(s string, n int) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// PageReport is what a candidate's page sends: events as they happen, and
// the seconds spent on questions since its last report.
type PageReport struct {
	Kind   string // one of PageSignalKinds, or "" for time only
	Detail string
	Spent  map[int64]int // question id → seconds
}

// PageReportResult tells the page where the attempt stands.
type PageReportResult struct {
	FocusLost int
	Limit     int  // the link's tab-switch limit; 0: none
	Submitted bool // the limit was reached and the attempt submitted
	Status    InvitationStatus
}

// RecordPageReport keeps a page's report on a started attempt and
// submits it when the link's tab-switch limit is reached. Reports on an
// attempt no longer running change nothing.
func (db *DB) RecordPageReport(ctx context.Context, invitationID int64, r PageReport, c Client) (PageReportResult, error) {
	var res PageReportResult
	if r.Kind != "" && !slices.Contains(PageSignalKinds, r.Kind) {
		return res, FieldErrors{"kind": "must be one of " + strings.Join(PageSignalKinds, ", ")}
	}
	err := db.inTx(ctx, func(tx *Tx) error {
		inv, err := invitationTx(ctx, tx, invitationID)
		if err != nil {
			return err
		}
		res = PageReportResult{FocusLost: inv.FocusLostCount, Limit: inv.TabSwitchLimit, Status: inv.Status}
		now := db.Now()
		if inv.Status != StatusStarted || inv.TimeUp(now) {
			return nil
		}
		var total int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM attempt_signals WHERE invitation_id = ?`, inv.ID).Scan(&total); err != nil {
			return err
		}
		if r.Kind != "" && total < maxSignalsPerAttempt {
			if err := insertSignal(ctx, tx, inv.ID, r.Kind, r.Detail, c, now); err != nil {
				return err
			}
		}
		if r.Kind == SignalFocusLost {
			res.FocusLost++
			tx.changedInvitation(inv.ID)
			if err := tx.ExecLater(ctx, `UPDATE invitations SET focus_lost_count = ? WHERE id = ?`, res.FocusLost, inv.ID); err != nil {
				return err
			}
		}
		if err := addTimeSpent(ctx, tx, inv.ID, r.Spent, now); err != nil {
			return err
		}
		if inv.TabSwitchLimit > 0 && res.FocusLost >= inv.TabSwitchLimit {
			res.Submitted, res.Status = true, StatusCompleted
			return db.complete(ctx, tx, inv, ReasonTabSwitchLimit, now)
		}
		return nil
	})
	return res, err
}

// addTimeSpent adds seconds to the attempt's questions (others are
// ignored), at most maxSecondsPerReport each.
func addTimeSpent(ctx context.Context, tx *Tx, invitationID int64, spent map[int64]int, now time.Time) error {
	for qid, secs := range spent {
		secs = min(max(secs, 0), maxSecondsPerReport)
		if secs == 0 {
			continue
		}
		if err := tx.ExecLater(ctx, `INSERT INTO answers (invitation_id, question_id, seconds_spent, updated_at)
			SELECT ?, ?, ?, ? FROM attempt_questions WHERE invitation_id = ? AND question_id = ?
			ON CONFLICT (invitation_id, question_id) DO UPDATE SET seconds_spent = answers.seconds_spent + excluded.seconds_spent`,
			invitationID, qid, secs, millis(now), invitationID, qid); err != nil {
			return err
		}
	}
	return nil
}

// Signal is one recorded integrity signal.
type Signal struct {
	Kind       string
	Detail     string
	IP         string
	UserAgent  string
	OccurredAt time.Time
}

// Signals are an attempt's integrity signals, oldest first.
func (db *DB) Signals(ctx context.Context, invitationID int64) ([]Signal, error) {
	rows, err := db.query(ctx, `SELECT kind, detail, ip, user_agent, occurred_at FROM attempt_signals
		WHERE invitation_id = ? ORDER BY id`, invitationID)
	return collect(rows, err, func(r row) (Signal, error) {
		var s Signal
		var at int64
		err := r.Scan(&s.Kind, &s.Detail, &s.IP, &s.UserAgent, &at)
		s.OccurredAt = fromMillis(at)
		return s, err
	})
}

// SignalCounts counts an attempt's page signals by kind.
func SignalCounts(signals []Signal) map[string]int {
	n := map[string]int{}
	for _, s := range signals {
		n[s.Kind]++
	}
	return n
}
