package web

import (
	"encoding/json"
	"strconv"
	"time"

	"testgate/store"
)

// CallbackPayload writes a callback body in the shape of the dialect that
// made the invitation: iMocha's PascalCase report, or the native event.
// It implements store.PayloadBuilder.
func (s *Server) CallbackPayload(event string, inv store.Invitation, webhookID string, at time.Time) ([]byte, error) {
	switch inv.Source {
	case store.SourceIMocha:
		// iMocha notifies two moments only: "In Progress" and "Complete".
		if event != store.EventStarted && event != store.EventCompleted {
			return nil, nil
		}
		return json.Marshal(s.imochaCallback(inv))
	case store.SourceXobin:
		// Xobin's workflows: "Assessment Start" and "Assessment Submission".
		switch event {
		case store.EventStarted:
			return json.Marshal(xobinStartCallback{ID: inv.ID, AssessmentID: inv.TestID, StartedAt: inv.StartedAt.UnixMilli(),
				Name: inv.Name, Email: inv.Email})
		case store.EventCompleted:
			return json.Marshal(s.xobinReportBody(inv))
		}
		return nil, nil
	case store.SourceThinkExam:
		return json.Marshal(s.thinkExamCallback(event, inv))
	case store.SourceTestinvite:
		return json.Marshal(s.testinviteCallback(event, inv))
	}
	return json.Marshal(nativeEvent{Type: event, ID: webhookID, OccurredAt: at.UTC(),
		Data: nativeEventData{Invitation: s.toNativeInvitation(inv)}})
}

type nativeEvent struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	OccurredAt time.Time       `json:"occurredAt"`
	Data       nativeEventData `json:"data"`
}

type nativeEventData struct {
	Invitation nativeInvitation `json:"invitation"`
}

// xobinStartCallback is Xobin's "Assessment Start" workflow body, as its
// webhook page samples it; the submission body is the report.
type xobinStartCallback struct {
	ID           int64  `json:"id"`
	AssessmentID int64  `json:"assessment_id"`
	StartedAt    int64  `json:"started_at"` // Unix milliseconds
	Name         string `json:"name"`
	Email        string `json:"email"`
}

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

func (s *Server) imochaCallback(inv store.Invitation) imochaCallback {
	cb := imochaCallback{TestInvitationID: inv.ID, TestID: inv.TestID, TestName: inv.TestName, CandidateEmailID: inv.Email,
		CandidateName: inv.Name, Status: imochaStatus(inv.Status), TestURL: s.testURL(inv), ScorePercentage: inv.ScorePercent(),
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
		link := s.reportLink(inv.ID)
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

// thinkExamCallback is the notification of a ThinkExam assignment, in the
// platform's envelope.
type thinkExamCallbackData struct {
	Event         string     `json:"event"`
	TestID        string     `json:"testId"`
	Email         string     `json:"email"`
	CandidateName string     `json:"candidateName"`
	Status        string     `json:"status"`
	MarksObtained *int       `json:"marksObtained"`
	TotalMarks    *int       `json:"totalMarks"`
	Percentage    *float64   `json:"percentage"`
	Result        string     `json:"result"`
	StartTime     *time.Time `json:"startTime"`
	EndTime       *time.Time `json:"endTime"`
	TestURL       string     `json:"testUrl"`
}

func (s *Server) thinkExamCallback(event string, inv store.Invitation) thinkExamEnvelope {
	d := thinkExamCallbackData{Event: event, TestID: strconv.FormatInt(inv.TestID, 10), Email: inv.Email, CandidateName: inv.Name,
		Status: string(inv.Status), MarksObtained: inv.Score, TotalMarks: inv.MaxScore, Percentage: inv.ScorePercent(),
		StartTime: inv.StartedAt, EndTime: inv.CompletedAt, TestURL: s.testURL(inv)}
	if d.Percentage != nil {
		d.Result = "Fail"
		if inv.Passed() {
			d.Result = "Pass"
		}
	}
	return thinkExamEnvelope{Result: "success", Success: &thinkExamBody{Code: "200", Msg: event, Data: d}}
}
