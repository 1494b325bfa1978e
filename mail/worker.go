package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"testgate/store"
	"testgate/store/jobs"
)

// Worker drains the outbox: it leases due messages, sends them at no more
// than Rate per second over Concurrency connections, and records each
// outcome. A message left "sending" by a crash is leased again when its
// lease runs out, with the same Message-ID. It is the outbox's background
// job (jobs.Job), run with Schedule.
type Worker struct {
	DB          *store.DB
	NewSender   func() (Sender, error)
	Rate        float64 // messages per second, all connections together
	Concurrency int
	MaxAttempts int           // then the message is failed
	Backoff     time.Duration // first retry delay; doubles each attempt
	Lease       time.Duration
	Poll        time.Duration // how often to look for due messages when idle
	Log         *slog.Logger

	once     sync.Once
	recorder sync.Once
	limiter  *rate.Limiter
	mu       sync.Mutex
	senders  []Sender // connections not in use by a pass
	outcomes chan outcome
	recorded chan struct{}
}

func (w *Worker) defaults() {
	w.once.Do(func() {
		if w.Concurrency < 1 {
			w.Concurrency = 1
		}
		if w.Rate <= 0 {
			w.Rate = 20
		}
		if w.MaxAttempts < 1 {
			w.MaxAttempts = 8
		}
		if w.Backoff <= 0 {
			w.Backoff = 30 * time.Second
		}
		if w.Lease <= 0 {
			w.Lease = 2 * time.Minute
		}
		if w.Poll <= 0 {
			w.Poll = time.Second
		}
		if w.Log == nil {
			w.Log = slog.Default()
		}
		w.limiter = rate.NewLimiter(rate.Limit(w.Rate), 1)
		// Outcomes of passes are recorded by a goroutine of their own, so
		// the next message goes out while the last one's row is written;
		// each row still records its own message before long.
		w.outcomes, w.recorded = make(chan outcome, 64), make(chan struct{})
	})
}

func (w *Worker) startRecorder() {
	w.recorder.Do(func() {
		go func() {
			w.recordAll(w.outcomes)
			close(w.recorded)
		}()
	})
}

// Schedule runs a pass per connection, each looking for due messages
// every Poll when idle (and at once when the store wakes it).
func (w *Worker) Schedule() jobs.Schedule {
	w.defaults()
	return jobs.Schedule{Lanes: w.Concurrency, Poll: w.Poll, Retry: w.Poll}
}

// Pass claims a small batch (so that a stop leaves little to hand back)
// and sends it over a connection of its own, at the rate allowed.
func (w *Worker) Pass(ctx context.Context) (int, error) {
	w.defaults()
	w.startRecorder()
	sender, err := w.sender()
	if err != nil {
		return 0, fmt.Errorf("mail sender: %w", err)
	}
	defer w.putSender(sender)
	batch := max(1, min(50, int(w.Rate)/w.Concurrency))
	msgs, err := w.DB.ClaimOutbox(ctx, batch, w.Lease)
	if err != nil {
		return 0, err
	}
	for i, m := range msgs {
		if w.limiter.Wait(ctx) != nil {
			w.release(msgs[i:])
			return i, nil
		}
		// Finish this one even if a stop arrives meanwhile.
		w.outcomes <- w.send(context.WithoutCancel(ctx), sender, m)
	}
	return len(msgs), nil
}

// Close records the outcomes still waiting and closes the connections;
// the passes must have ended.
func (w *Worker) Close() {
	w.defaults()
	w.startRecorder()
	close(w.outcomes)
	<-w.recorded
	for _, s := range w.senders {
		s.Close()
	}
	w.senders = nil
}

// sender takes an idle connection, or opens one.
func (w *Worker) sender() (Sender, error) {
	w.mu.Lock()
	if n := len(w.senders); n > 0 {
		s := w.senders[n-1]
		w.senders = w.senders[:n-1]
		w.mu.Unlock()
		return s, nil
	}
	w.mu.Unlock()
	return w.NewSender()
}

func (w *Worker) putSender(s Sender) {
	w.mu.Lock()
	w.senders = append(w.senders, s)
	w.mu.Unlock()
}

// Step is one pass of the worker, synchronously: it claims the messages
// due now, sends them over sender and records each outcome before it
// returns how many it handled. Tests drive the worker with it, so that
// "nothing was sent" is a fact about a finished pass, not about a pause.
func (w *Worker) Step(ctx context.Context, sender Sender) (int, error) {
	w.defaults()
	msgs, err := w.DB.ClaimOutbox(ctx, 50, w.Lease)
	if err != nil {
		return 0, err
	}
	for _, m := range msgs {
		w.record(w.send(ctx, sender, m))
	}
	return len(msgs), nil
}

func (w *Worker) release(msgs []store.OutboxMessage) {
	ids := make([]int64, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	if err := w.DB.ReleaseOutbox(store.Background(context.Background()), ids); err != nil {
		w.Log.Error("handing back unsent messages", "err", err)
	}
}

// outcome is a delivery attempt waiting to be recorded.
type outcome struct {
	msg        store.OutboxMessage
	err        error
	devMailbox bool
}

func (w *Worker) send(ctx context.Context, sender Sender, m store.OutboxMessage) outcome {
	sendCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	return outcome{msg: m, err: sender.Deliver(sendCtx, m), devMailbox: sender.DevMailbox()}
}

// recordWindow is how long deliveries are gathered before they are marked
// sent together: one write per window instead of one per message, at the
// price of resending (same Message-ID) what a crash catches unrecorded.
const recordWindow = 10 * time.Millisecond

// recordAll records outcomes as they come; deliveries are marked sent in
// batches gathered for up to recordWindow.
func (w *Worker) recordAll(outcomes <-chan outcome) {
	for o := range outcomes {
		if o.err != nil {
			w.record(o)
			continue
		}
		sent := []int64{o.msg.ID}
		dev := o.devMailbox
		window := time.After(recordWindow)
	more:
		for len(sent) < 200 {
			select {
			case next, ok := <-outcomes:
				if !ok {
					break more
				}
				if next.err != nil {
					w.record(next)
					continue
				}
				sent = append(sent, next.msg.ID)
			case <-window:
				break more
			}
		}
		if err := w.DB.MarkSentAll(store.Background(context.Background()), sent, dev); err != nil {
			w.Log.Error("recording sent emails", "count", len(sent), "err", err)
		}
	}
}

// record writes an attempt's outcome: sent, failed for good, or queued
// again after a backoff.
func (w *Worker) record(o outcome) {
	ctx, m := store.Background(context.Background()), o.msg
	var perm *PermanentError
	var err error
	switch {
	case o.err == nil:
		err = w.DB.MarkSent(ctx, m.ID, o.devMailbox)
	case errors.As(o.err, &perm):
		w.Log.Warn("email refused", "outbox_id", m.ID, "kind", m.Kind, "err", o.err)
		err = w.DB.MarkFailed(ctx, m.ID, o.err.Error())
	case m.Attempts >= w.MaxAttempts:
		w.Log.Warn("email given up", "outbox_id", m.ID, "attempts", m.Attempts, "err", o.err)
		err = w.DB.MarkFailed(ctx, m.ID, fmt.Sprintf("gave up after %d attempts: ", m.Attempts)+o.err.Error())
	default:
		next := w.DB.Now().Add(w.retryDelay(m.Attempts))
		w.Log.Info("email will be retried", "outbox_id", m.ID, "attempt", m.Attempts, "next", next, "err", o.err)
		err = w.DB.MarkRetry(ctx, m.ID, next, o.err.Error())
	}
	if err != nil {
		w.Log.Error("recording email outcome", "outbox_id", m.ID, "err", err)
	}
}

// retryDelay doubles from Backoff with each attempt, up to an hour, with
// ±20% jitter so that a recovering server is not hit all at once.
func (w *Worker) retryDelay(attempt int) time.Duration {
	d := w.Backoff << min(attempt-1, 16)
	d = min(d, time.Hour)
	jitter := 0.8 + 0.4*rand.Float64()
	return time.Duration(float64(d) * jitter)
}
