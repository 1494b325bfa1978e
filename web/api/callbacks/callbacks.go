// Package callbacks builds callback bodies for every dialect: one
// registry that asks the dialect which made an invitation.
package callbacks

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"time"

	"testgate/store"
)

// CallbackBuilder writes one dialect's callback bodies: nil for an event
// the dialect does not announce.
type CallbackBuilder interface {
	CallbackBody(event string, inv store.Invitation, webhookID string, at time.Time) ([]byte, error)
}

// Registry is the registry: a builder per invitation source, and the
// native one for the sources that are not a dialect (the console, imports,
// self-registration, the native API). It implements store.PayloadBuilder.
//
// The store is given the registry when it is opened, before the dialects
// exist (they are built on the opened store); web.New then registers
// them. A body asked for before that is an error, never a skipped callback.
type Registry struct {
	builders atomic.Pointer[builders]
}

type builders struct {
	bySource  map[string]CallbackBuilder
	native    CallbackBuilder
	protocols map[string]Protocol
}

// Protocol makes the request that delivers a callback of an ATS's own kind
// (store.Delivery.Protocol), instead of the signed POST: Greenhouse's PATCH
// with the credential kept for it.
type Protocol interface {
	Request(ctx context.Context, d store.Delivery) (*http.Request, error)
	// Check says whether the ATS's answer took the delivery (Ashby answers
	// 200 with success false when it did not); nil: it did.
	Check(code int, body []byte) error
}

// RegisterProtocols adds the ATS protocols, after Register.
func (r *Registry) RegisterProtocols(protocols map[string]Protocol) error {
	bs := r.builders.Load()
	if bs == nil {
		return errNotRegistered
	}
	next := *bs
	next.protocols = protocols
	r.builders.Store(&next)
	return nil
}

// protocol is the registered protocol of a name.
func (r *Registry) protocol(name string) (Protocol, bool) {
	bs := r.builders.Load()
	if bs == nil {
		return nil, false
	}
	p, ok := bs.protocols[name]
	return p, ok
}

// NewRegistry makes an empty registry.
func NewRegistry() *Registry { return &Registry{} }

// errNotRegistered refuses a body asked for before the dialects registered.
var errNotRegistered = errors.New("callbacks: no callback builders are registered (web.New registers them)")

// Register installs the builders, replacing any before; every one must be
// given.
func (r *Registry) Register(native CallbackBuilder, bySource map[string]CallbackBuilder) error {
	if native == nil {
		return errors.New("callbacks: the native callback builder is missing")
	}
	for source, b := range bySource {
		if b == nil {
			return errors.New("callbacks: the callback builder of " + source + " is missing")
		}
	}
	r.builders.Store(&builders{bySource: bySource, native: native})
	return nil
}

// CallbackPayload writes the body in the shape of the dialect that made
// the invitation.
func (r *Registry) CallbackPayload(event string, inv store.Invitation, webhookID string, at time.Time) ([]byte, error) {
	bs := r.builders.Load()
	if bs == nil {
		return nil, errNotRegistered
	}
	if b, ok := bs.bySource[inv.Source]; ok {
		return b.CallbackBody(event, inv, webhookID, at)
	}
	return bs.native.CallbackBody(event, inv, webhookID, at)
}
