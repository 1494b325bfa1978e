// Package callbacks builds callback bodies for every dialect: one
// registry that asks the dialect which made an invitation.
package callbacks

import (
	"errors"
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
type Registry struct {
	bySource map[string]CallbackBuilder
	native   CallbackBuilder
}

// NewRegistry makes it; every builder must be given.
func NewRegistry(native CallbackBuilder, bySource map[string]CallbackBuilder) (*Registry, error) {
	if native == nil {
		return nil, errors.New("callbacks: the native callback builder is missing")
	}
	for source, b := range bySource {
		if b == nil {
			return nil, errors.New("callbacks: the callback builder of " + source + " is missing")
		}
	}
	return &Registry{bySource: bySource, native: native}, nil
}

// CallbackPayload writes the body in the shape of the dialect that made
// the invitation.
func (r *Registry) CallbackPayload(event string, inv store.Invitation, webhookID string, at time.Time) ([]byte, error) {
	if b, ok := r.bySource[inv.Source]; ok {
		return b.CallbackBody(event, inv, webhookID, at)
	}
	return r.native.CallbackBody(event, inv, webhookID, at)
}
