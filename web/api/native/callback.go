package native

import (
	"encoding/json"
	"testgate/store"
	"time"
)

type nativeEvent struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	OccurredAt time.Time       `json:"occurredAt"`
	Data       nativeEventData `json:"data"`
}

type nativeEventData struct {
	Invitation nativeInvitation `json:"invitation"`
}

// CallbackBody is the native event: its type, id and time, and the
// invitation as the native API shows it.
func (h *Handler) CallbackBody(event string, inv store.Invitation, webhookID string, at time.Time) ([]byte, error) {
	return json.Marshal(nativeEvent{Type: event, ID: webhookID, OccurredAt: at.UTC(),
		Data: nativeEventData{Invitation: h.toNativeInvitation(inv)}})
}
