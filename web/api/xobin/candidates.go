package xobin

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/store"
	"testgate/web/api/apihttp"
)

// Xobin's "Delete Candidate" (POST /candidate/delete {email}): the
// candidate is marked for deletion and erased 7 days later, which
// POST /candidate/delete/cancel {task_id or email} calls off until then.
// Erasing is what Testgate's privacy tools do: names, addresses and
// answers go, the counts of the reports stay.

// deletionDelay is how long a scheduled deletion waits, as Xobin's page says.
const deletionDelay = 7 * 24 * time.Hour

type deletionAnswer struct {
	Success bool   `json:"success"`
	Message string `json:"message,omitempty"`
	TaskID  string `json:"task_id,omitempty"`
	Error   string `json:"error,omitempty"`
}

// DeleteCandidate schedules the erasure of the candidate's invitations in
// the key's teams.
func (h *Handler) DeleteCandidate(c echo.Context) error {
	f, err := xobinFields(c)
	if err != nil {
		return err
	}
	email, err := xobinString(f, "email", true)
	if err != nil {
		return err
	}
	task, err := h.DB.ScheduleCandidateDeletion(c.Request().Context(), email, apihttp.Teams(c), apihttp.Actor(c), deletionDelay)
	if errors.Is(err, store.ErrNotFound) {
		return c.JSON(http.StatusNotFound, deletionAnswer{Error: "Candidate not found"})
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, deletionAnswer{Success: true, Message: "Candidate scheduled for deletion", TaskID: task.TaskID})
}

// CancelDeletion calls off a scheduled deletion, named by task_id or email.
func (h *Handler) CancelDeletion(c echo.Context) error {
	f, err := xobinFields(c)
	if err != nil {
		return err
	}
	taskID, err := xobinString(f, "task_id", false)
	if err != nil {
		return err
	}
	email, err := xobinString(f, "email", false)
	if err != nil {
		return err
	}
	if taskID == "" && email == "" {
		return xobinFail(http.StatusBadRequest, "task_id or email is required.")
	}
	cancelled, err := h.DB.CancelCandidateDeletion(c.Request().Context(), taskID, email, apihttp.Teams(c))
	if errors.Is(err, store.ErrNotFound) {
		return c.JSON(http.StatusNotFound, deletionAnswer{Error: "No scheduled deletion found"})
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, deletionAnswer{Success: true, Message: "Candidate deletion cancelled", TaskID: cancelled[0].TaskID})
}
