package web

import (
	"context"
	"net/http"
	"testing"

	"testgate/store"
)

// On PostgreSQL an invitation through the native API costs its round
// trips: the key, the invitation's five in the store and the audit
// record. The link the path names comes from the cache, and the new
// invitation is not read back.
func TestNativeInviteOnPostgresRoundTrips(t *testing.T) {
	t.Parallel()
	trips, dsn := countedDatabase(t)
	srv, db := newTestServerOn(t, dsn, testBaseURL)
	key := newAPIKey(t, db)
	ctx := context.Background()
	tt, err := db.CreateTest(ctx, store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	if err != nil {
		t.Fatal(err)
	}
	link, err := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Campus"})
	if err != nil {
		t.Fatal(err)
	}
	path := "/api/native/links/" + idStr(link.ID) + "/invitations"
	if code, _ := api(t, srv, http.MethodPost, path, key, map[string]any{"email": "warm@example.com", "name": "Warm"}); code != http.StatusCreated {
		t.Fatalf("first invite: %d", code) // each statement's first use prepares it
	}
	before := trips.RoundTrips()
	if code, inv := api(t, srv, http.MethodPost, path, key, map[string]any{"email": "kim@example.com", "name": "Kim"}); code != http.StatusCreated {
		t.Fatalf("invite: %d %v", code, inv)
	}
	if n := trips.RoundTrips() - before; n > 7 {
		t.Fatalf("an invitation through the API took %d round trips to PostgreSQL, want at most 7", n)
	}
}
