package callbacks

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"

	"code.dny.dev/ssrf"

	"testgate/store"
	"testgate/store/jobs"
)

// Deliverer posts recorded callbacks to their URLs, signed, retried with
// backoff for a day, and never to private addresses unless allowed. It is
// the callbacks' background job (jobs.Job).
//
// Receiving hosts take turns: a pass hands each host with callbacks due
// (and none in flight) a turn of up to PerHost deliveries, posted one after
// another in their own goroutine, up to Hosts turns at once; a turn that
// runs long hands its rest back. A slow or dead receiver so holds up only
// its own callbacks, never another host's.
type Deliverer struct {
	db      *store.DB
	secrets Secrets
	client  *http.Client
	log     *slog.Logger

	Lease   time.Duration // a turn starts no delivery past half of it, so none outlives it
	Backoff time.Duration // first retry delay; doubles, up to an hour
	MaxAge  time.Duration // then a delivery is failed
	Hosts   int           // turns at once
	PerHost int           // deliveries one turn posts

	// Protocols delivers the callbacks of ATS protocols (nil: such a
	// delivery fails, saying so).
	Protocols *Registry

	mu    sync.Mutex
	busy  int // turns under way
	turns sync.WaitGroup
}

// NewDeliverer makes the job that delivers db's callbacks, signed with
// secrets; allowPrivate lets callbacks reach private and local addresses.
func NewDeliverer(db *store.DB, secrets Secrets, allowPrivate bool, log *slog.Logger) *Deliverer {
	return &Deliverer{
		db: db, secrets: secrets, client: callbackClient(allowPrivate), log: log,
		Lease: time.Minute, Backoff: 10 * time.Second, MaxAge: 24 * time.Hour,
		Hosts: store.MaxDeliveryHosts, PerHost: 32,
	}
}

// DeliverySchedule is how serve runs deliveries: a pass a second when idle, and at
// once when a commit records a callback.
var DeliverySchedule = jobs.Schedule{Lanes: 1, Poll: time.Second, Retry: 5 * time.Second}

// ErrForbiddenAddress refuses a callback to an address that is not a
// public unicast one.
var ErrForbiddenAddress = errors.New("callback refused: the URL resolves to a private, local or special-purpose address")

// callbackGuard refuses every prefix of IANA's IPv4 and IPv6
// special-purpose registries, and all IPv6 outside global unicast (so IPv4
// embedded in IPv6 — mapped, compatible, NAT64 — and 6to4 and Teredo too):
// a list generated from the registries by a maintained library rather than
// kept by hand. Callbacks may use any port.
var callbackGuard = ssrf.New(ssrf.WithAnyPort())

// forbiddenIP reports whether callbacks may not reach ip.
func forbiddenIP(ip netip.Addr) bool {
	return !ip.IsValid() || callbackGuard.SafeAddr(ip) != nil
}

// DialCheck is the dialer's check of the address about to be dialled:
// after DNS, before any packet leaves.
func DialCheck(allowPrivate bool) func(network, address string, _ syscall.RawConn) error {
	return func(_, address string, _ syscall.RawConn) error {
		if allowPrivate {
			return nil
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil || forbiddenIP(ap.Addr()) {
			return ErrForbiddenAddress
		}
		return nil
	}
}

// callbackClient checks the address actually dialled (after DNS, so a name
// that resolves to a private address is caught too), follows no
// redirects, ignores proxy settings, and gives up after 10 seconds.
// NewClient is the HTTP client callbacks go out with: no proxy, short
// timeouts, no redirects followed, and (unless allowPrivate) no private,
// local or special-purpose address dialled. Calls to an ATS that are not
// deliveries (a connection test) use it too.
func NewClient(allowPrivate bool) *http.Client { return callbackClient(allowPrivate) }

func callbackClient(allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: DialCheck(allowPrivate)}
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			Proxy: nil, DialContext: dialer.DialContext, MaxIdleConnsPerHost: 4,
			TLSHandshakeTimeout: 5 * time.Second, ResponseHeaderTimeout: 10 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Pass hands the hosts with callbacks due a turn each, as far as there is
// room, and returns how many deliveries it handed out; it does not wait for
// them (Wait does). The end of a turn wakes the worker, for that host's
// next callbacks. A turn that began is finished even if ctx ends
// meanwhile, but for deliveries not yet begun, which are handed back.
func (w *Deliverer) Pass(ctx context.Context) (int, error) {
	w.mu.Lock()
	free := w.Hosts - w.busy
	w.mu.Unlock()
	if free <= 0 {
		return 0, nil
	}
	batch, err := w.db.ClaimDeliveries(ctx, free, w.PerHost, w.Lease)
	if err != nil {
		return 0, err
	}
	byHost := map[string][]store.Delivery{}
	for _, d := range batch {
		byHost[d.Host] = append(byHost[d.Host], d)
	}
	for _, turn := range byHost {
		slices.SortFunc(turn, func(a, b store.Delivery) int {
			return cmp.Or(a.NextAttemptAt.Compare(b.NextAttemptAt), cmp.Compare(a.ID, b.ID))
		})
		w.mu.Lock()
		w.busy++
		w.mu.Unlock()
		w.turns.Add(1)
		go w.take(ctx, turn)
	}
	return len(batch), nil
}

// take posts one host's turn, in order. A turn that has run half its
// lease (a slow receiver) hands the rest back for the next turn.
func (w *Deliverer) take(ctx context.Context, turn []store.Delivery) {
	defer w.turns.Done()
	start := time.Now()
	for i, d := range turn {
		if ctx.Err() != nil || time.Since(start) > w.Lease/2 {
			var left []int64
			for _, d := range turn[i:] {
				left = append(left, d.ID)
			}
			if err := w.db.ReleaseDeliveries(context.WithoutCancel(ctx), left); err != nil {
				w.log.Error("handing back callbacks", "err", err)
			}
			break
		}
		w.deliver(context.WithoutCancel(ctx), d)
	}
	w.mu.Lock()
	w.busy--
	w.mu.Unlock()
	w.db.Wake(store.WorkCallbacks)
}

// Wait waits for the turns under way to end.
func (w *Deliverer) Wait() { w.turns.Wait() }

// Close waits for the turns under way once the worker stops (jobs.Closer).
func (w *Deliverer) Close() { w.Wait() }

// request makes a delivery's request.
func (w *Deliverer) request(ctx context.Context, d store.Delivery) (*http.Request, error) {
	if d.Protocol != "" {
		p, ok := w.protocolOf(d)
		if !ok {
			return nil, fmt.Errorf("no sender for %s callbacks", d.Protocol)
		}
		return p.Request(ctx, d)
	}
	secrets, err := w.secrets.Current(ctx)
	if err != nil {
		return nil, errors.New("signing: " + err.Error())
	}
	ts := w.db.Now().Unix()
	sig, err := Sign(secrets, d.WebhookID, ts, []byte(d.Payload))
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader([]byte(d.Payload)))
	if err != nil {
		return nil, errors.New("bad URL: " + err.Error())
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Testgate-Webhooks/1")
	req.Header.Set("webhook-id", d.WebhookID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", sig)
	return req, nil
}

// responseLimit bounds how much of a receiver's answer is read and kept.
const responseLimit = 4 << 10

func (w *Deliverer) deliver(ctx context.Context, d store.Delivery) {
	outcome, ok := w.post(ctx, d)
	var next *time.Time
	if !ok {
		now := w.db.Now()
		if now.Sub(d.CreatedAt) < w.MaxAge {
			delay := min(w.Backoff<<min(d.Attempts-1, 16), time.Hour)
			t := now.Add(time.Duration(float64(delay) * (0.8 + 0.4*rand.Float64())))
			next = &t
		}
		w.log.Info("callback not delivered", "delivery_id", d.ID, "attempt", d.Attempts, "code", outcome.Code,
			"err", outcome.Error, "retry", next != nil)
	}
	if err := w.db.RecordDelivery(ctx, d.ID, outcome, ok, next); err != nil {
		w.log.Error("recording callback", "delivery_id", d.ID, "err", err)
	}
}

// post sends one delivery, a signed POST or its ATS protocol's request;
// ok means a 2xx came back.
func (w *Deliverer) post(ctx context.Context, d store.Delivery) (store.DeliveryOutcome, bool) {
	req, err := w.request(ctx, d)
	if err != nil {
		return store.DeliveryOutcome{Error: err.Error()}, false
	}
	resp, err := w.client.Do(req)
	if err != nil {
		msg := err.Error()
		if errors.Is(err, ErrForbiddenAddress) {
			msg = ErrForbiddenAddress.Error()
		}
		return store.DeliveryOutcome{Error: msg}, false
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, responseLimit))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // let the connection be reused
	o := store.DeliveryOutcome{Code: resp.StatusCode, Body: string(body)}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		o.Error = fmt.Sprintf("the receiver answered %d", resp.StatusCode)
		return o, false
	}
	if p, ok := w.protocolOf(d); ok {
		if err := p.Check(resp.StatusCode, body); err != nil {
			o.Error = err.Error()
			return o, false
		}
	}
	return o, true
}

// protocolOf is the ATS protocol that delivers d, if any.
func (w *Deliverer) protocolOf(d store.Delivery) (Protocol, bool) {
	if d.Protocol == "" || w.Protocols == nil {
		return nil, false
	}
	return w.Protocols.protocol(d.Protocol)
}
