package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"syscall"
	"time"

	"code.dny.dev/ssrf"

	"testgate/store"
)

// CallbackWorker posts recorded callbacks to their URLs, signed, retried
// with backoff for a day, and never to private addresses unless allowed.
type CallbackWorker struct {
	db      *store.DB
	secrets webhookSecrets
	client  *http.Client
	log     *slog.Logger

	Poll    time.Duration
	Lease   time.Duration
	Backoff time.Duration // first retry delay; doubles, up to an hour
	MaxAge  time.Duration // then a delivery is failed
}

// Callbacks returns the worker that delivers this server's callbacks.
func (s *Server) Callbacks() *CallbackWorker {
	return &CallbackWorker{
		db: s.db, secrets: s.secrets, client: callbackClient(s.cfg.AllowPrivateCallbacks), log: s.log,
		Poll: time.Second, Lease: time.Minute, Backoff: 10 * time.Second, MaxAge: 24 * time.Hour,
	}
}

// errForbiddenAddress refuses a callback to an address that is not a
// public unicast one.
var errForbiddenAddress = errors.New("callback refused: the URL resolves to a private, local or special-purpose address")

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

// callbackDialCheck is the dialer's check of the address about to be
// dialled: after DNS, before any packet leaves.
func callbackDialCheck(allowPrivate bool) func(network, address string, _ syscall.RawConn) error {
	return func(_, address string, _ syscall.RawConn) error {
		if allowPrivate {
			return nil
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil || forbiddenIP(ap.Addr()) {
			return errForbiddenAddress
		}
		return nil
	}
}

// callbackClient checks the address actually dialled (after DNS, so a name
// that resolves to a private address is caught too), follows no
// redirects, ignores proxy settings, and gives up after 10 seconds.
func callbackClient(allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: callbackDialCheck(allowPrivate)}
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			Proxy: nil, DialContext: dialer.DialContext, MaxIdleConnsPerHost: 4,
			TLSHandshakeTimeout: 5 * time.Second, ResponseHeaderTimeout: 10 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Run delivers until ctx ends; a delivery in flight is finished first.
func (w *CallbackWorker) Run(ctx context.Context) {
	for ctx.Err() == nil {
		n, err := w.Step(ctx)
		if err != nil && ctx.Err() == nil {
			w.log.Error("claiming callbacks", "err", err)
		}
		if n == 0 {
			select {
			case <-ctx.Done():
			case <-time.After(w.Poll):
			}
		}
	}
}

// Step is one pass, synchronously: it claims the deliveries due now,
// posts each and records its outcome, and returns how many it handled.
// A delivery it began is finished even if ctx ends meanwhile.
func (w *CallbackWorker) Step(ctx context.Context) (int, error) {
	batch, err := w.db.ClaimDeliveries(ctx, 20, w.Lease)
	for _, d := range batch {
		w.deliver(context.WithoutCancel(ctx), d)
	}
	return len(batch), err
}

// responseLimit bounds how much of a receiver's answer is read and kept.
const responseLimit = 4 << 10

func (w *CallbackWorker) deliver(ctx context.Context, d store.Delivery) {
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

// post sends one signed request; ok means a 2xx came back.
func (w *CallbackWorker) post(ctx context.Context, d store.Delivery) (store.DeliveryOutcome, bool) {
	secrets, err := w.secrets.Current(ctx)
	if err != nil {
		return store.DeliveryOutcome{Error: "signing: " + err.Error()}, false
	}
	ts := w.db.Now().Unix()
	sig, err := signWebhook(secrets, d.WebhookID, ts, []byte(d.Payload))
	if err != nil {
		return store.DeliveryOutcome{Error: err.Error()}, false
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader([]byte(d.Payload)))
	if err != nil {
		return store.DeliveryOutcome{Error: "bad URL: " + err.Error()}, false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Testgate-Webhooks/1")
	req.Header.Set("webhook-id", d.WebhookID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", sig)
	resp, err := w.client.Do(req)
	if err != nil {
		msg := err.Error()
		if errors.Is(err, errForbiddenAddress) {
			msg = errForbiddenAddress.Error()
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
	return o, true
}
