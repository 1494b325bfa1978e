package imocha

import (
	"encoding/json"
	"testgate/store"
	"time"
)

// imochaCallback is iMocha's notification, as developer.imocha.io's
// "Callback notification" page shows it: its fields and formats first
// (AttemptedOn in the "09-Oct-2020 06:51 PM" form, AttemptedOnUtc without a
// zone, scores as numbers, no PDF or category while in progress), then
// Testgate's own, kept from before.
type imochaCallback struct {
	CandidateEmailID    string  `json:"CandidateEmailId"`
	AttemptedOn         *string `json:"AttemptedOn"`
	TotalScore          float64 `json:"TotalScore"`
	CandidateScore      float64 `json:"CandidateScore"`
	ReportPDFUrl        *string `json:"ReportPDFUrl"`
	TestInvitationID    int64   `json:"TestInvitationId"`
	Status              string  `json:"Status"`
	AttemptedOnUtc      *string `json:"AttemptedOnUtc"`
	PerformanceCategory *string `json:"PerformanceCategory"`

	TestID          int64    `json:"TestId"`
	TestName        string   `json:"TestName"`
	CandidateName   string   `json:"CandidateName"`
	ScorePercentage *float64 `json:"ScorePercentage"`
	CompletedOnUtc  *string  `json:"CompletedOnUtc"`
	TestURL         string   `json:"TestUrl"`
}

func (h *Handler) imochaCallback(inv store.Invitation) imochaCallback {
	cb := imochaCallback{TestInvitationID: inv.ID, TestID: inv.TestID, TestName: inv.TestName, CandidateEmailID: inv.Email,
		CandidateName: inv.Name, Status: imochaStatus(inv.Status), TestURL: h.URLs.TestURL(inv), ScorePercentage: inv.ScorePercent(),
		PerformanceCategory: performanceCategory(inv), AttemptedOnUtc: imochaZonelessUTC(inv.StartedAt),
		CompletedOnUtc: imochaZonelessUTC(inv.CompletedAt)}
	if inv.StartedAt != nil {
		on := inv.StartedAt.UTC().Format("02-Jan-2006 03:04 PM")
		cb.AttemptedOn = &on
	}
	if inv.Score != nil && inv.MaxScore != nil {
		cb.CandidateScore, cb.TotalScore = float64(*inv.Score), float64(*inv.MaxScore)
	}
	if inv.Status == store.StatusCompleted {
		link := h.reportLink(inv.ID)
		cb.ReportPDFUrl = &link
	}
	return cb
}

func imochaZonelessUTC(t *time.Time) *string {
	if t == nil {
		return nil
	}
	v := t.UTC().Format(imochaUTC)
	return &v
}

// CallbackBody is iMocha's notification of an event, or nil for the
// events iMocha does not announce: it notifies two moments only, "In
// Progress" and "Complete". A grade by hand that makes the score final
// sends "Complete" again, with the final score and category.
func (h *Handler) CallbackBody(event string, inv store.Invitation, _ string, _ time.Time) ([]byte, error) {
	if event != store.EventStarted && event != store.EventCompleted && event != store.EventGraded {
		return nil, nil
	}
	return json.Marshal(h.imochaCallback(inv))
}
