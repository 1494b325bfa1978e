package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// sameDatabase opens a second store on the test's database, as a second
// serve process would.
func sameDatabase(t *testing.T, db *DB) *DB {
	t.Helper()
	dsn := db.path
	if db.Postgres() {
		dsn = db.dsn
	}
	return openTestDB(t, dsn, testWiring)
}

// A process that stops being seen loses its leases to another at once; a
// live one keeps them however long its work takes.
func TestDeadProcessesLeasesAreTakenOver(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, tt, _, campus, _ := inviteFixture(t)
	b := sameDatabase(t, a)
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := func(d time.Duration) func() time.Time { return func() time.Time { return now.Add(d) } }
	a.SetClock(clock(0))
	b.SetClock(clock(0))
	yes := true
	for i := range 3 {
		if _, err := a.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: campus.ID, Name: "C", Email: fmt.Sprintf("c%d@example.com", i),
			SendEmail: &yes, Source: SourceNative}); err != nil {
			t.Fatal(err)
		}
	}
	// a says it is alive every minute, b every ten seconds: each is judged
	// by its own heartbeat.
	if err := a.Heartbeat(ctx, time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := b.Heartbeat(ctx, DefaultHeartbeat); err != nil {
		t.Fatal(err)
	}
	aStale := missedHeartbeats * time.Minute
	held, err := a.ClaimOutbox(ctx, 10, time.Hour)
	if err != nil || len(held) != 3 {
		t.Fatalf("a claimed %d: %v", len(held), err)
	}

	// a is alive: b takes nothing, however long a's sending takes, though
	// b would have been taken for dead three of its own heartbeats ago.
	b.SetClock(clock(aStale - time.Second))
	b.Heartbeat(ctx, DefaultHeartbeat)
	if e, c, i, err := b.TakeOverLeases(ctx); err != nil || e+c+i != 0 {
		t.Fatalf("b took %d leases of a live process: %v", e+c+i, err)
	}
	if got, _ := b.ClaimOutbox(ctx, 10, time.Hour); len(got) != 0 {
		t.Fatalf("b claimed %d held by a live process", len(got))
	}

	// a is not seen for three of its heartbeats: b takes its leases over,
	// and the emails go out with the Message-IDs a gave them.
	b.SetClock(clock(aStale + time.Second))
	b.Heartbeat(ctx, DefaultHeartbeat)
	if e, _, _, err := b.TakeOverLeases(ctx); err != nil || e != 3 {
		t.Fatalf("b took %d of a dead process's 3 leases: %v", e, err)
	}
	got, err := b.ClaimOutbox(ctx, 10, time.Hour)
	if err != nil || len(got) != 3 {
		t.Fatalf("b claimed %d after the take-over: %v", len(got), err)
	}
	ids := map[int64]string{}
	for _, m := range held {
		ids[m.ID] = m.MessageID
	}
	for _, m := range got {
		if m.Attempts != 2 || m.MessageID != ids[m.ID] {
			t.Errorf("message %d: attempt %d, Message-ID %q (was %q)", m.ID, m.Attempts, m.MessageID, ids[m.ID])
		}
	}
	// b is alive and now holds them: nobody takes them from b.
	if e, _, _, _ := a.TakeOverLeases(ctx); e != 0 {
		t.Fatalf("a (come back) took %d of b's leases", e)
	}
}
