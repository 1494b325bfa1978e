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
		return json.Marshal(s.imochaCallback(inv))
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

// imochaCallback is iMocha's completion notification.
type imochaCallback struct {
	TestInvitationID    int64      `json:"TestInvitationId"`
	TestID              int64      `json:"TestId"`
	TestName            string     `json:"TestName"`
	CandidateEmailID    string     `json:"CandidateEmailId"`
	CandidateName       string     `json:"CandidateName"`
	Status              string     `json:"Status"`
	TotalScore          *int       `json:"TotalScore"`
	CandidateScore      *int       `json:"CandidateScore"`
	ScorePercentage     *float64   `json:"ScorePercentage"`
	AttemptedOnUtc      *time.Time `json:"AttemptedOnUtc"`
	CompletedOnUtc      *time.Time `json:"CompletedOnUtc"`
	ReportPDFUrl        string     `json:"ReportPDFUrl"`
	PerformanceCategory string     `json:"PerformanceCategory"`
	TestURL             string     `json:"TestUrl"`
}

func (s *Server) imochaCallback(inv store.Invitation) imochaCallback {
	cb := imochaCallback{TestInvitationID: inv.ID, TestID: inv.TestID, TestName: inv.TestName, CandidateEmailID: inv.Email,
		CandidateName: inv.Name, Status: imochaStatus(inv.Status), TotalScore: inv.MaxScore, CandidateScore: inv.Score,
		AttemptedOnUtc: inv.StartedAt, CompletedOnUtc: inv.CompletedAt, TestURL: s.testURL(inv),
		// There is no PDF report; the report API answers for it.
		ReportPDFUrl: s.cfg.BaseURL + "/v3/reports/" + strconv.FormatInt(inv.ID, 10), ScorePercentage: inv.ScorePercent()}
	if cb.ScorePercentage != nil {
		cb.PerformanceCategory = "Fail"
		if inv.Passed() {
			cb.PerformanceCategory = "Pass"
		}
	}
	return cb
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
