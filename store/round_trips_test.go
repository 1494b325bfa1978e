package store

import (
	"context"
	"strconv"
	"testing"
	"time"

	"testgate/store/dbproxy"
	"testgate/store/testkit"
)

// On PostgreSQL one network hop away a candidate's write costs its round
// trips. An opening reads and locks the invitation, then sends its writes
// with the commit: two. A start reads the invitation with its test's
// minutes, sends its writes with the read of the test's sections, then the
// rest with the commit: three. A completion reads the invitation, the
// paper, what the answers were and are, then grades with the commit:
// seven. None reads the invitation back.
func TestCandidateWritesOnPostgresRoundTrips(t *testing.T) {
	t.Parallel()
	db, fc := openCountingRoundTrips(t)
	ctx := context.Background()
	invs := oneQuestionTest(t, db, NewInvitation{Name: "C", Email: "first@example.com"}, NewInvitation{Name: "C", Email: "second@example.com"})
	if _, err := db.VisitAttempt(ctx, invs[0], false); err != nil { // the statements' first use
		t.Fatal(err)
	}
	if _, err := db.StartInvitation(ctx, invs[0].ID); err != nil {
		t.Fatal(err)
	}
	seen := invs[1]
	before := fc.RoundTrips()
	if opened, err := db.VisitAttempt(ctx, seen, false); err != nil || opened.Status != StatusOpened {
		t.Fatalf("opened: %v, %v", opened.Status, err)
	}
	if trips := fc.RoundTrips() - before; trips > 2 {
		t.Fatalf("an opening took %d round trips to PostgreSQL, want at most 2", trips)
	}
	before = fc.RoundTrips()
	inv, err := db.StartInvitation(ctx, seen.ID)
	if err != nil || inv.Status != StatusStarted || inv.DeadlineAt == nil {
		t.Fatalf("started: %v %v, %v", inv.Status, inv.DeadlineAt, err)
	}
	if trips := fc.RoundTrips() - before; trips > 3 {
		t.Fatalf("a start took %d round trips to PostgreSQL, want at most 3", trips)
	}
	paper, err := db.AttemptQuestions(ctx, inv)
	if err != nil {
		t.Fatal(err)
	}
	before = fc.RoundTrips()
	done, err := db.Submit(ctx, Submission{InvitationID: inv.ID, Finish: true,
		Form: map[string][]string{"q" + strconv.FormatInt(paper[0].ID, 10): {"0"}}})
	if err != nil || done.Outcome != Completed || done.Invitation.Status != StatusCompleted {
		t.Fatalf("completed: %v %v, %v", done.Outcome, done.Invitation.Status, err)
	}
	if trips := fc.RoundTrips() - before; trips > 7 {
		t.Fatalf("a completion took %d round trips to PostgreSQL, want at most 7", trips)
	}
	if want := inv.StartedAt.Add(45 * time.Minute); !inv.DeadlineAt.Equal(want) {
		t.Fatalf("deadline %v, want the test's 45 minutes after the start, %v", inv.DeadlineAt, want)
	}
}

// A new invitation takes five round trips: its link, its address's lock,
// the address's invitation on the link, its test, then the insert, with
// the rest sent at the commit. It does not read the new row back (six).
func TestInviteOnPostgresRoundTrips(t *testing.T) {
	t.Parallel()
	db, fc := openCountingRoundTrips(t)
	ctx := context.Background()
	first := oneQuestionTest(t, db, NewInvitation{Name: "C", Email: "first@example.com"})[0] // the statements' first use
	before := fc.RoundTrips()
	res, err := db.Invite(ctx, NewInvitation{TestID: first.TestID, Name: "D", Email: "second@example.com", Source: SourceNative})
	if err != nil || !res.Created {
		t.Fatalf("invite: %v, %v", res.Created, err)
	}
	if trips := fc.RoundTrips() - before; trips > 5 {
		t.Fatalf("an invitation took %d round trips to PostgreSQL, want at most 5", trips)
	}
}

// openCountingRoundTrips opens a store on a PostgreSQL database of the
// test's own through a round-trip counter.
func openCountingRoundTrips(t *testing.T) (*DB, *dbproxy.Proxy) {
	t.Helper()
	fc, dsn := testkit.CountRoundTrips(t, testkit.Postgres(t, migrateTemplate))
	return openTestDB(t, dsn, testWiring), fc
}
