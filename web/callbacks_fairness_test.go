package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"testgate/store"
	"testgate/store/jobs"
)

// stallingReceiver holds every callback it gets until released, and
// counts how many it held at once.
type stallingReceiver struct {
	ts             *httptest.Server
	got, now, most atomic.Int32
	release        chan struct{}
	releaseOnce    sync.Once
}

func newStallingReceiver(t *testing.T) *stallingReceiver {
	r := &stallingReceiver{release: make(chan struct{})}
	r.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		io.Copy(io.Discard, req.Body)
		r.got.Add(1)
		n := r.now.Add(1)
		for m := r.most.Load(); n > m && !r.most.CompareAndSwap(m, n); m = r.most.Load() {
		}
		select {
		case <-r.release:
		case <-req.Context().Done():
		}
		r.now.Add(-1)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.ts.Close)
	return r
}

func (r *stallingReceiver) open() { r.releaseOnce.Do(func() { close(r.release) }) }

// announce records one callback to url: an invitation cancelled.
func (f *callbackFixture) announce(t *testing.T, url, email string) {
	t.Helper()
	ctx := context.Background()
	res, err := f.db.Invite(ctx, store.NewInvitation{TestID: f.test.ID, LinkID: f.link.ID, Name: "Cand", Email: email,
		Source: store.SourceNative, CallbackURL: &url})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CancelInvitation(ctx, res.Invitation.ID, "user:rita@example.com"); err != nil {
		t.Fatal(err)
	}
}

// Receivers that hang hold up only their own callbacks: with 25 stalled
// receivers and one of them owed a dozen callbacks, a fast receiver's
// callback, recorded last, arrives while they all still hang; a host gets
// one callback at a time.
func TestASlowReceiverDelaysOnlyItself(t *testing.T) {
	t.Parallel()
	f := newCallbackFixture(t, true)
	var slow []*stallingReceiver
	for i := range 25 {
		r := newStallingReceiver(t)
		slow = append(slow, r)
		calls := 1
		if i == 0 {
			calls = 12
		}
		for j := range calls {
			f.announce(t, r.ts.URL+"/hook", "slow"+strconv.Itoa(i)+"-"+strconv.Itoa(j)+"@example.com")
		}
	}
	fast := newReceiver(t)
	f.announce(t, fast.ts.URL+"/hook", "fast@example.com")

	runWorker(t, f.db, store.WorkCallbacks, f.worker, jobs.Schedule{Poll: 10 * time.Millisecond})
	t.Cleanup(func() { // before the worker stops (cleanups run last first)
		for _, r := range slow {
			r.open()
		}
	})
	deadline := time.Now().Add(5 * time.Second) // the receivers hang for the client's whole 10 s timeout
	for len(fast.got()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if len(fast.got()) != 1 {
		t.Fatal("the fast receiver's callback waited behind the hanging receivers")
	}
	calledAll := func() bool {
		for _, r := range slow {
			if r.got.Load() == 0 {
				return false
			}
		}
		return true
	}
	for !calledAll() && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	for i, r := range slow {
		if r.got.Load() == 0 {
			t.Errorf("stalled receiver %d was not called while the others hung", i)
		}
		if r.most.Load() > 1 {
			t.Errorf("receiver %d was sent %d callbacks at once", i, r.most.Load())
		}
	}

	// Released, the stalled receivers get the rest, the busy one in turns.
	for _, r := range slow {
		r.open()
	}
	deadline = time.Now().Add(10 * time.Second)
	for slow[0].got.Load() < 12 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := slow[0].got.Load(); n != 12 {
		t.Fatalf("the busy receiver got %d of its 12 callbacks", n)
	}
}
