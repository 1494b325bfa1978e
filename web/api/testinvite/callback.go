package testinvite

import (
	"encoding/json"
	"time"

	"testgate/store"
)

// testinviteCallback is Testinvite's notification: the event, the params
// the integrator gave, and the candidate as the resource asked.
func (h *Handler) testinviteCallback(event string, inv store.Invitation) map[string]any {
	params := json.RawMessage(inv.CallbackParams)
	if len(params) == 0 {
		params = json.RawMessage("{}")
	}
	return map[string]any{"event": event, "params": params, "candidate": h.testinviteView(inv.CallbackResource, inv)}
}

// CallbackBody is Testinvite's notification of an event.
func (h *Handler) CallbackBody(event string, inv store.Invitation, _ string, _ time.Time) ([]byte, error) {
	return json.Marshal(h.testinviteCallback(event, inv))
}
