package thinkexam

import (
	"encoding/json"
	"strconv"
	"testgate/store"
	"time"
)

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

func (h *Handler) thinkExamCallback(event string, inv store.Invitation) thinkExamEnvelope {
	d := thinkExamCallbackData{Event: event, TestID: strconv.FormatInt(inv.TestID, 10), Email: inv.Email, CandidateName: inv.Name,
		Status: string(inv.Status), MarksObtained: inv.Score, TotalMarks: inv.MaxScore, Percentage: inv.ScorePercent(),
		StartTime: inv.StartedAt, EndTime: inv.CompletedAt, TestURL: h.URLs.TestURL(inv)}
	switch inv.Outcome() { // once the score is final
	case "passed":
		d.Result = "Pass"
	case "failed":
		d.Result = "Fail"
	}
	return thinkExamEnvelope{Result: "success", Success: &thinkExamBody{Code: "200", Msg: event, Data: d}}
}

// CallbackBody is the notification of a ThinkExam assignment.
func (h *Handler) CallbackBody(event string, inv store.Invitation, _ string, _ time.Time) ([]byte, error) {
	return json.Marshal(h.thinkExamCallback(event, inv))
}
