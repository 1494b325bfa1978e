package web

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"testgate/store"
)

// ImportWorker runs bulk imports in the background, one chunk per
// transaction. Its progress is in the database, so a page reload shows it
// and a restarted process resumes where the last one stopped.
type ImportWorker struct {
	db   *store.DB
	log  *slog.Logger
	wake chan struct{}

	Poll  time.Duration // how often to look for work when not woken
	Lease time.Duration // how long a job stays ours without progress
	Retry time.Duration // pause after a database error
}

func newImportWorker(db *store.DB, log *slog.Logger) *ImportWorker {
	return &ImportWorker{db: db, log: log, wake: make(chan struct{}, 1),
		Poll: 2 * time.Second, Lease: 30 * time.Second, Retry: 5 * time.Second}
}

// Imports returns the worker that runs this server's bulk imports.
func (s *Server) Imports() *ImportWorker { return s.imports }

// Wake starts a newly queued import without waiting for the next poll.
func (w *ImportWorker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run works until ctx ends. The chunk in hand commits or rolls back as a
// whole; a job stopped midway is handed back for the next start.
func (w *ImportWorker) Run(ctx context.Context) {
	for ctx.Err() == nil {
		im, err := w.db.ClaimImport(ctx, w.Lease)
		switch {
		case errors.Is(err, store.ErrNotFound):
			w.sleep(ctx, w.Poll)
			continue
		case err != nil:
			w.log.Error("claiming an import failed", "err", err)
			w.sleep(ctx, w.Retry)
			continue
		}
		w.log.Info("import running", "import", im.ID, "link", im.LinkID, "rows", im.Staged, "done", im.Processed)
		w.runJob(ctx, im)
	}
}

// maxChunkFailures is how many times in a row a chunk may fail before the
// job is stopped and its rows left listed as not invited, rather than
// retried forever out of sight.
const maxChunkFailures = 5

func (w *ImportWorker) runJob(ctx context.Context, im store.Import) {
	start := time.Now()
	failures := 0
	for !im.Finished() {
		if ctx.Err() != nil {
			if err := w.db.ReleaseImport(context.WithoutCancel(ctx), im.ID); err != nil {
				w.log.Error("releasing an import failed", "import", im.ID, "err", err)
			}
			return
		}
		// The chunk in hand is finished even when asked to stop: it is short.
		next, err := w.db.ImportNextChunk(context.WithoutCancel(ctx), im.ID, w.Lease)
		if err != nil {
			if failures++; failures >= maxChunkFailures {
				w.log.Error("import stopped after repeated failures", "import", im.ID, "err", err)
				if err := w.db.FailImport(context.WithoutCancel(ctx), im.ID, "an internal error stopped the import"); err != nil {
					w.log.Error("stopping an import failed", "import", im.ID, "err", err)
				}
				return
			}
			w.log.Error("import chunk failed; retrying", "import", im.ID, "err", err)
			w.sleep(ctx, w.Retry)
			continue
		}
		failures = 0
		im = next
	}
	w.log.Info("import finished", "import", im.ID, "status", im.Status, "invited", im.Invited, "skipped", im.Skipped,
		"rejected", im.Rejected, "took", time.Since(start).Round(time.Millisecond))
}

func (w *ImportWorker) sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-w.wake:
	}
}
