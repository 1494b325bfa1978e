package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestScheduledCandidateDeletion(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return now })
	beta, _ := db.CreateTeam(ctx, "Beta")
	alphaTest, _ := db.CreateTest(ctx, TestInput{Name: "Alpha", Kind: KindAssessment, DurationMinutes: 10}, nil)
	betaTest, _ := db.CreateTest(ctx, TestInput{Name: "Beta", Kind: KindAssessment, DurationMinutes: 10, TeamID: beta.ID}, nil)
	a, _ := db.Invite(ctx, NewInvitation{TestID: alphaTest.ID, Name: "Ann", Email: "ann@example.com", Source: SourceXobin})
	b, _ := db.Invite(ctx, NewInvitation{TestID: betaTest.ID, Name: "Ann", Email: "ann@example.com", Source: SourceXobin})
	betaOnly := Teams{beta.ID}

	if _, err := db.ScheduleCandidateDeletion(ctx, "nobody@example.com", nil, "api", 7*24*time.Hour); !errors.Is(err, ErrNotFound) {
		t.Fatalf("an unknown address: %v", err)
	}
	var fe FieldErrors
	if _, err := db.ScheduleCandidateDeletion(ctx, "ann\x00@example.com", nil, "api", time.Hour); !errors.As(err, &fe) {
		t.Fatalf("a NUL in the address: %v", err)
	}
	if _, err := db.CancelCandidateDeletion(ctx, "del_\x00", "", nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a NUL in the task: %v", err)
	}
	first, err := db.ScheduleCandidateDeletion(ctx, "Ann@Example.com", betaOnly, "api:key", 7*24*time.Hour)
	if err != nil || first.TaskID == "" || !first.DueAt.Equal(now.Add(7*24*time.Hour)) {
		t.Fatalf("schedule: %+v %v", first, err)
	}
	// Asked again while pending: the same task.
	if again, _ := db.ScheduleCandidateDeletion(ctx, "ann@example.com", betaOnly, "api:key", 7*24*time.Hour); again.TaskID != first.TaskID {
		t.Fatalf("again: %+v, want %s", again, first.TaskID)
	}
	// Called off, by task; a second call finds nothing pending.
	if got, err := db.CancelCandidateDeletion(ctx, first.TaskID, "", betaOnly); err != nil || len(got) != 1 || got[0].CancelledAt == nil {
		t.Fatalf("cancel: %+v %v", got, err)
	}
	if _, err := db.CancelCandidateDeletion(ctx, first.TaskID, "", betaOnly); !errors.Is(err, ErrNotFound) {
		t.Fatalf("cancel twice: %v", err)
	}
	// Nothing is erased when the cancelled one falls due.
	now = now.Add(8 * 24 * time.Hour)
	if n, err := db.EraseDueCandidates(ctx); err != nil || n != 0 {
		t.Fatalf("a cancelled deletion erased %d: %v", n, err)
	}
	// Scheduled again: not before it is due, then only the team's.
	second, _ := db.ScheduleCandidateDeletion(ctx, "ann@example.com", betaOnly, "api:key", 7*24*time.Hour)
	if _, err := db.CancelCandidateDeletion(ctx, second.TaskID, "", Teams{999}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another scope called it off: %v", err)
	}
	now = now.Add(7*24*time.Hour - time.Minute)
	if n, _ := db.EraseDueCandidates(ctx); n != 0 {
		t.Fatalf("erased %d before it was due", n)
	}
	now = now.Add(time.Minute)
	if n, err := db.EraseDueCandidates(ctx); err != nil || n != 1 {
		t.Fatalf("due: erased %d, %v", n, err)
	}
	if inv, _ := db.Invitation(ctx, b.Invitation.ID); inv.ErasedAt == nil {
		t.Fatal("Beta's invitation was not erased")
	}
	if inv, _ := db.Invitation(ctx, a.Invitation.ID); inv.ErasedAt != nil || inv.Email != "ann@example.com" {
		t.Fatal("another team's invitation was erased")
	}
	if n, _ := db.EraseDueCandidates(ctx); n != 0 {
		t.Fatalf("a done deletion ran again: %d", n)
	}
	var left int
	db.queryRow(ctx, `SELECT COUNT(*) FROM candidate_deletions WHERE email_norm = 'ann@example.com' AND done_at IS NOT NULL`).Scan(&left)
	if left != 0 {
		t.Fatal("a carried-out deletion still names the address")
	}
}
