package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"testgate/store"
)

// The server's sweep erases candidates past the retention period in the
// background, on the store's clock.
func TestSweepAppliesRetention(t *testing.T) {
	db := openDB(t, filepath.Join(t.TempDir(), "tg.db"))
	ctx := context.Background()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	clock := func() time.Time { return now }
	db.SetClock(clock)
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 10}, nil)
	link, _ := db.DefaultLink(ctx, tt.ID)
	res, err := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Old", Email: "old@example.com", Source: store.SourceConsole})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CancelInvitation(ctx, res.Invitation.ID, "user:x"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetRetentionDays(ctx, 30); err != nil {
		t.Fatal(err)
	}
	later := now.Add(31 * 24 * time.Hour)
	db.SetClock(func() time.Time { return later })

	sweepCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		sweepInvitations(store.Background(sweepCtx), db, slog.New(slog.NewTextHandler(io.Discard, nil)), 10*time.Millisecond)
		close(done)
	}()
	defer func() { stop(); <-done }()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		inv, err := db.Invitation(ctx, res.Invitation.ID)
		if err != nil {
			t.Fatal(err)
		}
		if inv.ErasedAt != nil {
			if inv.Name != store.ErasedName || !inv.ErasedAt.Equal(later.Truncate(time.Millisecond)) {
				t.Fatalf("erased: %q at %v", inv.Name, inv.ErasedAt)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the sweep did not erase the invitation past the retention period within 10 s")
		}
	}
}
