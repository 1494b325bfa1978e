package store

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"testgate/store/jobs"
)

// ImportJob runs bulk imports, one chunk per transaction. Its progress is
// in the database, so a page reload shows it and a restarted process
// resumes where the last one stopped.
type ImportJob struct {
	DB    *DB
	Log   *slog.Logger
	Lease time.Duration // how long a job stays ours without progress
	Retry time.Duration // pause after a chunk failed
}

// NewImportJob makes the job with the leases and pauses serve uses.
func NewImportJob(db *DB, log *slog.Logger) *ImportJob {
	return &ImportJob{DB: db, Log: log, Lease: 30 * time.Second, Retry: 5 * time.Second}
}

// ImportSchedule is how serve runs imports: one at a time, looking for a
// queued one every two seconds unless woken by its commit.
var ImportSchedule = jobs.Schedule{Lanes: 1, Poll: 2 * time.Second, Retry: 5 * time.Second}

// maxChunkFailures is how many times in a row a chunk may fail before the
// job is stopped and its rows left listed as not invited, rather than
// retried forever out of sight.
const maxChunkFailures = 5

// Pass claims one queued (or abandoned) import and works it to its end.
// The chunk in hand commits or rolls back as a whole; a job stopped midway
// is handed back for the next start.
func (j *ImportJob) Pass(ctx context.Context) (int, error) {
	im, err := j.DB.ClaimImport(ctx, j.Lease)
	if errors.Is(err, ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	j.Log.Info("import running", "import", im.ID, "link", im.LinkID, "rows", im.Staged, "done", im.Processed)
	j.run(ctx, im)
	return 1, nil
}

func (j *ImportJob) run(ctx context.Context, im Import) {
	start := time.Now()
	failures := 0
	for !im.Finished() {
		if ctx.Err() != nil {
			if err := j.DB.ReleaseImport(context.WithoutCancel(ctx), im.ID); err != nil {
				j.Log.Error("releasing an import failed", "import", im.ID, "err", err)
			}
			return
		}
		// The chunk in hand is finished even when asked to stop: it is short.
		next, err := j.DB.ImportNextChunk(context.WithoutCancel(ctx), im.ID, j.Lease)
		if err != nil {
			if failures++; failures >= maxChunkFailures {
				j.Log.Error("import stopped after repeated failures", "import", im.ID, "err", err)
				if err := j.DB.FailImport(context.WithoutCancel(ctx), im.ID, "an internal error stopped the import"); err != nil {
					j.Log.Error("stopping an import failed", "import", im.ID, "err", err)
				}
				return
			}
			j.Log.Error("import chunk failed; retrying", "import", im.ID, "err", err)
			pause(ctx, j.Retry)
			continue
		}
		failures = 0
		im = next
	}
	j.Log.Info("import finished", "import", im.ID, "status", im.Status, "invited", im.Invited, "skipped", im.Skipped,
		"rejected", im.Rejected, "took", time.Since(start).Round(time.Millisecond))
}

// pause waits d or until ctx ends.
func pause(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
