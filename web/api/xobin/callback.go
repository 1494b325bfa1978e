package xobin

import (
	"encoding/json"
	"testgate/store"
	"time"
)

// xobinStartCallback is Xobin's "Assessment Start" workflow body, as its
// webhook page samples it; the submission body is the report.
type xobinStartCallback struct {
	ID           int64  `json:"id"`
	AssessmentID int64  `json:"assessment_id"`
	StartedAt    int64  `json:"started_at"` // Unix milliseconds
	Name         string `json:"name"`
	Email        string `json:"email"`
}

// CallbackBody is the body of Xobin's workflows, "Assessment Start" and
// "Assessment Submission" (sent again with the final score when a reviewer
// finishes grading); Xobin announces nothing else.
func (h *Handler) CallbackBody(event string, inv store.Invitation, _ string, _ time.Time) ([]byte, error) {
	switch event {
	case store.EventStarted:
		return json.Marshal(xobinStartCallback{ID: inv.ID, AssessmentID: inv.TestID, StartedAt: inv.StartedAt.UnixMilli(),
			Name: inv.Name, Email: inv.Email})
	case store.EventCompleted, store.EventGraded:
		return json.Marshal(h.xobinReportBody(inv))
	}
	return nil, nil
}
