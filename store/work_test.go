package store

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"testgate/store/jobs"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// startWorkers runs one worker until the test ends.
func startWorkers(t *testing.T, db *DB, name string, job jobs.Job, s jobs.Schedule) *jobs.Workers {
	t.Helper()
	ws := jobs.New(quiet)
	ws.Add(name, job, s)
	db.StartWorkers(context.Background(), ws)
	t.Cleanup(func() {
		if late := ws.Stop(context.Background()); len(late) > 0 {
			t.Errorf("not stopped: %v", late)
		}
	})
	return ws
}

// waitUntil polls cond for up to ten seconds.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not happen within 10 s", what)
		}
	}
}

// A queued import starts when its commit wakes the worker, not at the
// next poll (an hour away here).
func TestCommitWakesItsWorker(t *testing.T) {
	t.Parallel()
	db, tt, def, _, _ := inviteFixture(t)
	ctx := context.Background()
	job := NewImportJob(db, quiet)
	startWorkers(t, db, WorkImports, job, jobs.Schedule{Poll: time.Hour})
	// The first pass found nothing: the worker now waits for its poll.
	time.Sleep(20 * time.Millisecond)
	im, err := db.CreateImport(ctx, NewImport{LinkID: def.ID, Actor: "user:r@example.com", FileName: "a.csv", TotalRows: 2,
		Rows: []ImportRow{{Line: 2, Name: "Ann", Email: "ann@example.com"}, {Line: 3, Name: "Bob", Email: "bob@example.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the import", func() bool {
		im, _ = db.Import(ctx, im.ID)
		return im.Status == ImportDone
	})
	if _, total, _ := db.Invitations(ctx, InvitationFilter{TestID: tt.ID}); total != 2 {
		t.Fatalf("%d invited", total)
	}
}

// countingJob counts its passes and reports what its test tells it to.
type countingJob struct {
	passes atomic.Int64
	fail   atomic.Bool
	hold   chan struct{} // a pass waits for it, when set
	closed atomic.Bool
}

func (j *countingJob) Pass(ctx context.Context) (int, error) {
	j.passes.Add(1)
	if j.hold != nil {
		<-j.hold
	}
	if j.fail.Load() {
		return 0, errors.New("the database is away")
	}
	return 0, nil
}

func (j *countingJob) Close() { j.closed.Store(true) }

// An idle worker waits its poll, a failing one its retry, and a wake cuts
// either short.
func TestWorkerWaitsPollOrRetryUnlessWoken(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	job := &countingJob{}
	ws := startWorkers(t, db, WorkCallbacks, job, jobs.Schedule{Poll: time.Hour, Retry: time.Hour})
	waitUntil(t, "the first pass", func() bool { return job.passes.Load() == 1 })
	time.Sleep(20 * time.Millisecond)
	if n := job.passes.Load(); n != 1 {
		t.Fatalf("%d passes within the poll", n)
	}
	job.fail.Store(true)
	ws.Wake(WorkCallbacks)
	waitUntil(t, "the woken pass", func() bool { return job.passes.Load() == 2 })
	ws.Wake(WorkMail) // not this worker
	time.Sleep(20 * time.Millisecond)
	if n := job.passes.Load(); n != 2 {
		t.Fatalf("%d passes after a failure, within the retry", n)
	}
	ws.Wake(WorkCallbacks)
	waitUntil(t, "the pass woken after the failure", func() bool { return job.passes.Load() == 3 })
}

// Stop waits for the pass in hand, names a worker that does not finish in
// time, and closes the job once its passes ended.
func TestStopWaitsForThePassInHand(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	job := &countingJob{hold: make(chan struct{})}
	ws := jobs.New(quiet)
	ws.Add(WorkImports, job, jobs.Schedule{Lanes: 2})
	db.StartWorkers(context.Background(), ws)
	waitUntil(t, "both lanes' passes", func() bool { return job.passes.Load() == 2 })
	soon, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if late := ws.Stop(soon); !slices.Equal(late, []string{WorkImports}) || job.closed.Load() {
		t.Fatalf("stopped mid-pass: late %v, closed %v", late, job.closed.Load())
	}
	close(job.hold)
	if late := ws.Stop(context.Background()); len(late) > 0 {
		t.Fatalf("late %v", late)
	}
	if !job.closed.Load() || job.passes.Load() != 2 {
		t.Fatalf("closed %v after %d passes", job.closed.Load(), job.passes.Load())
	}
}

// The sweep erases candidates past the retention period in the background,
// on the store's clock.
func TestSweepAppliesRetention(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	now := time.Now().UTC()
	db.SetClock(func() time.Time { return now })
	tt, _ := db.CreateTest(ctx, TestInput{Name: "Go", Kind: KindAssessment, DurationMinutes: 10}, nil)
	link, _ := db.DefaultLink(ctx, tt.ID)
	res, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Old", Email: "old@example.com", Source: SourceConsole})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CancelInvitation(ctx, res.Invitation.ID, "user:x"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetRetentionDays(ctx, 30); err != nil {
		t.Fatal(err)
	}
	later := now.Add(31 * 24 * time.Hour)
	db.SetClock(func() time.Time { return later })
	startWorkers(t, db, WorkSweep, &SweepJob{DB: db, Log: quiet}, jobs.Schedule{Poll: 10 * time.Millisecond})
	var inv Invitation
	waitUntil(t, "the erasure", func() bool {
		inv, err = db.Invitation(ctx, res.Invitation.ID)
		return err == nil && inv.ErasedAt != nil
	})
	if inv.Name != ErasedName || !inv.ErasedAt.Equal(later.Truncate(time.Millisecond)) {
		t.Fatalf("erased: %q at %v", inv.Name, inv.ErasedAt)
	}
}
