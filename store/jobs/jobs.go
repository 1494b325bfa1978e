// Package jobs runs background work — the outbox, callbacks, imports and
// the sweep — in passes under one loop per kind: a pass claims what is due
// (by lease, in the store, so that a crashed process's work is taken up
// when its lease runs out), does it and says how much it did. A pass that
// found nothing waits for its poll or for a wake; the store wakes a worker
// when a commit made its work due (store.DB.StartWorkers).
package jobs

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// Job is one kind of background work.
type Job interface {
	// Pass claims and does what is due, and returns how much it did. Work
	// it began is finished (or handed back) even when ctx ends meanwhile.
	Pass(ctx context.Context) (int, error)
}

// Closer is a job with something to release once its passes have ended
// (the outbox's SMTP connections).
type Closer interface{ Close() }

// Schedule is how a worker runs its job.
type Schedule struct {
	Lanes int           // passes at once; at least 1
	Poll  time.Duration // wait after a pass that did nothing, unless woken
	Retry time.Duration // wait after a pass that failed
}

// Workers is the home of the background work: it starts every worker's
// loop, wakes a worker when work is due, and stops them all.
type Workers struct {
	log     *slog.Logger
	workers map[string]*worker
	order   []string
	stop    context.CancelFunc
}

type worker struct {
	job   Job
	sched Schedule
	wake  chan struct{}
	done  chan struct{}
}

// New makes a home for background work (the store's DB.StartWorkers
// starts it, so that commits wake its workers).
func New(log *slog.Logger) *Workers {
	return &Workers{log: log, workers: map[string]*worker{}}
}

// Add registers a worker; call it before Start.
func (ws *Workers) Add(name string, job Job, s Schedule) {
	s.Lanes = max(s.Lanes, 1)
	if s.Poll <= 0 {
		s.Poll = time.Second
	}
	if s.Retry <= 0 {
		s.Retry = 5 * time.Second
	}
	ws.workers[name] = &worker{job: job, sched: s, wake: make(chan struct{}, 1), done: make(chan struct{})}
	ws.order = append(ws.order, name)
}

// Start runs every worker until Stop (or ctx's end).
func (ws *Workers) Start(ctx context.Context) {
	ctx, ws.stop = context.WithCancel(ctx)
	for _, name := range ws.order {
		w := ws.workers[name]
		go func() {
			defer close(w.done)
			w.run(ctx, name, ws.log)
		}()
	}
}

// Wake makes a worker that waits for its poll look for work now.
func (ws *Workers) Wake(name string) {
	if w, ok := ws.workers[name]; ok {
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
}

// Stop asks every worker to stop and waits, until ctx ends, for the work
// in hand to be finished; it returns the workers that did not stop in time.
func (ws *Workers) Stop(ctx context.Context) []string {
	if ws.stop == nil {
		return nil
	}
	ws.stop()
	var late []string
	for _, name := range ws.order {
		select {
		case <-ws.workers[name].done:
		case <-ctx.Done():
			late = append(late, name)
		}
	}
	return late
}

// run is the one loop: lanes of passes, each waiting when idle or failed.
func (w *worker) run(ctx context.Context, name string, log *slog.Logger) {
	var wg sync.WaitGroup
	for range w.sched.Lanes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				n, err := w.job.Pass(ctx)
				switch {
				case err != nil && ctx.Err() == nil && !errors.Is(err, context.Canceled):
					log.Error("background work failed", "worker", name, "err", err)
					w.sleep(ctx, w.sched.Retry)
				case n == 0:
					w.sleep(ctx, w.sched.Poll)
				}
			}
		}()
	}
	wg.Wait()
	if c, ok := w.job.(Closer); ok {
		c.Close()
	}
}

func (w *worker) sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-w.wake:
	}
}
