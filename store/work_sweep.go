package store

import (
	"context"
	"log/slog"
	"time"

	"testgate/store/jobs"
)

// SweepJob marks invitations past their expiry as expired and submits
// attempts past their deadline, so that lists, reports and callbacks show
// it even when the candidate never comes back; queues due reminders; and
// erases candidates whose invitations ended longer ago than the retention
// period, and those whose scheduled deletion is due; and forgets throttle
// counts older than any window.
type SweepJob struct {
	DB  *DB
	Log *slog.Logger
}

// SweepSchedule is how serve runs the sweep: every 15 seconds.
var SweepSchedule = jobs.Schedule{Lanes: 1, Poll: 15 * time.Second, Retry: 15 * time.Second}

// Pass sweeps once. It reports nothing done, so that the next sweep waits
// for the poll whatever this one found.
func (j *SweepJob) Pass(ctx context.Context) (int, error) {
	expired, err := j.DB.ExpireDue(ctx)
	if err != nil {
		return 0, err
	}
	if expired > 0 {
		j.Log.Info("invitations expired", "count", expired)
	}
	submitted, err := j.DB.CompleteOverdue(ctx)
	if err != nil {
		return 0, err
	}
	if submitted > 0 {
		j.Log.Info("overdue attempts submitted", "count", submitted)
	}
	reminded, err := j.DB.QueueDueReminders(ctx)
	if err != nil {
		return 0, err
	}
	if reminded > 0 {
		j.Log.Info("reminders queued", "count", reminded)
	}
	erased, err := j.DB.ApplyRetention(ctx)
	if err != nil {
		return 0, err
	}
	if erased > 0 {
		j.Log.Info("candidates' data erased by retention", "count", erased)
	}
	deleted, err := j.DB.EraseDueCandidates(ctx)
	if err != nil {
		return 0, err
	}
	if deleted > 0 {
		j.Log.Info("scheduled candidate deletions carried out", "invitations", deleted)
	}
	return 0, j.DB.ForgetOldThrottles(ctx)
}
