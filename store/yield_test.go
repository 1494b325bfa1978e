package store

import (
	"context"
	"testing"
	"time"
)

// Bulk work runs flat out alone; when someone else wrote since its last
// transaction began it pauses three times that transaction (bounded), and
// background workers' own transactions do not count as someone writing.
func TestBulkWorkPacesWhileOthersWrite(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	// The write just before (the request's own) does not slow it.
	tt, _ := db.CreateTest(ctx, TestInput{Name: "Pace", Kind: KindAssessment, DurationMinutes: 10}, nil)
	link, _ := db.DefaultLink(ctx, tt.ID)
	var ns []NewInvitation
	for i := range BulkChunk + 1 {
		ns = append(ns, NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "C", Email: "c" + time.Duration(i).String() + "@example.com", Source: SourceThinkExam})
	}
	if _, err := db.InviteMany(ctx, ns); err != nil {
		t.Fatal(err)
	}
	took := time.Duration(db.lastBulk.Load())
	if took <= 0 {
		t.Fatal("a bulk invite's transactions were not measured")
	}
	now := time.Now()
	if p := db.pace(now); p != 0 {
		t.Fatalf("alone (after a write before it began), bulk work paused %s", p)
	}
	if _, err := db.exec(Background(ctx), `UPDATE test_links SET name = name WHERE id = ?`, link.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.inTx(Background(ctx), func(*Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if p := db.pace(time.Now()); p != 0 {
		t.Fatalf("a background worker's transaction made bulk work pause %s", p)
	}

	// A candidate's write (any transaction not marked Background).
	if err := db.inTx(ctx, func(*Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	now = time.Now()
	db.lastBulk.Store(int64(4 * time.Millisecond))
	if p := db.pace(now); p != 12*time.Millisecond {
		t.Fatalf("after another's write, bulk work pauses %s, want 3 × 4 ms", p)
	}
	db.lastBulk.Store(int64(time.Second))
	if p := db.pace(now); p != maxPace {
		t.Fatalf("after a long transaction, bulk work pauses %s, want at most %s", p, maxPace)
	}
	if p := db.pace(now.Add(othersWindow + time.Millisecond)); p != 0 {
		t.Fatalf("%s after another's last write, bulk work still pauses %s", othersWindow, p)
	}
}
