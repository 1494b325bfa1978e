package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// The rules that check before they write, each run by many goroutines in
// two processes (two stores on one database) at once. On SQLite the two
// take turns at the file's one writer; on PostgreSQL they run side by
// side, and each rule holds by the lock or constraint locks.go names:
// without it, these tests fail there.

// twoProcesses is the test's database opened twice, as two processes of
// one installation would.
func twoProcesses(t *testing.T) [2]*DB {
	t.Helper()
	first := newTestDB(t)
	return [2]*DB{first, sameDatabase(t, first)}
}

// atOnce runs fn n times at once, alternating between the processes, and
// returns the errors in call order.
func atOnce(n int, dbs [2]*DB, fn func(i int, db *DB) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i, dbs[i%2])
		})
	}
	close(start)
	wg.Wait()
	return errs
}

func eventsOfKind(t *testing.T, db *DB, id int64, kind string) int {
	t.Helper()
	events, err := db.Timeline(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range events {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

// Guard: the address's key lock (the partial unique index would refuse
// the losers with a conflict instead of handing them the invitation).
func TestAtOnceOneAddressGetsOneInvitation(t *testing.T) {
	t.Parallel()
	dbs := twoProcesses(t)
	ctx := context.Background()
	tt, _ := dbs[0].CreateTest(ctx, sampleTest, nil)
	link, _ := dbs[0].DefaultLink(ctx, tt.ID)
	ids := make([]int64, 24)
	errs := atOnce(24, dbs, func(i int, db *DB) error {
		res, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Dee", Email: "dee@example.com", Source: SourceNative})
		ids[i] = res.Invitation.ID
		return err
	})
	for i, err := range errs {
		if err != nil || ids[i] != ids[0] {
			t.Fatalf("request %d: invitation %d, %v (first: %d)", i, ids[i], err, ids[0])
		}
	}
	if _, total, _ := dbs[1].Invitations(ctx, InvitationFilter{LinkID: link.ID}); total != 1 {
		t.Fatalf("%d invitations", total)
	}
}

// Guard: the link's row lock while its uses are counted.
func TestAtOnceALinkTakesItsMaximumUses(t *testing.T) {
	t.Parallel()
	dbs := twoProcesses(t)
	ctx := context.Background()
	tt, _ := dbs[0].CreateTest(ctx, sampleTest, nil)
	link, err := dbs[0].CreateLink(ctx, tt.ID, LinkInput{Name: "Five seats", MaxUses: 5})
	if err != nil {
		t.Fatal(err)
	}
	errs := atOnce(30, dbs, func(i int, db *DB) error {
		_, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "C", Email: fmt.Sprintf("c%d@example.com", i), Source: SourcePublic})
		return err
	})
	admitted := 0
	for _, err := range errs {
		switch {
		case err == nil:
			admitted++
		case !errors.Is(err, ErrClosed):
			t.Fatal(err)
		}
	}
	_, total, _ := dbs[1].Invitations(ctx, InvitationFilter{LinkID: link.ID})
	if admitted != 5 || total != 5 {
		t.Fatalf("%d admitted, %d invitations; the link takes 5", admitted, total)
	}
}

// Guard: the address keys a bulk batch takes, in one order.
func TestAtOnceBulkBatchesSharingAddresses(t *testing.T) {
	t.Parallel()
	dbs := twoProcesses(t)
	ctx := context.Background()
	tt, _ := dbs[0].CreateTest(ctx, sampleTest, nil)
	link, _ := dbs[0].DefaultLink(ctx, tt.ID)
	batch := func(from, to int) []NewInvitation {
		var ns []NewInvitation
		for i := from; i < to; i++ {
			ns = append(ns, NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "B", Email: fmt.Sprintf("b%d@example.com", i), Source: SourceNative})
		}
		return ns
	}
	errs := atOnce(6, dbs, func(i int, db *DB) error {
		ns := batch(i*100, i*100+400) // each overlaps the next three
		if i%2 == 1 {
			for l, r := 0, len(ns)-1; l < r; l, r = l+1, r-1 {
				ns[l], ns[r] = ns[r], ns[l] // the other order
			}
		}
		_, err := db.InviteMany(ctx, ns)
		return err
	})
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, total, _ := dbs[1].Invitations(ctx, InvitationFilter{LinkID: link.ID}); total != 900 {
		t.Fatalf("%d invitations for 900 addresses", total)
	}
}

// Guard: the throttle scope's key lock from the count to the insert.
func TestAtOnceAThrottleAdmitsItsLimit(t *testing.T) {
	t.Parallel()
	dbs := twoProcesses(t)
	ctx := context.Background()
	waits := make([]time.Duration, 24)
	errs := atOnce(24, dbs, func(i int, db *DB) error {
		var err error
		_, waits[i], err = db.BeginLoginAttempt(ctx, 15*time.Minute,
			LoginLimit{fmt.Sprintf("ip:10.0.0.%d", i), 30}, LoginLimit{"account:a@b.co", 5})
		return err
	})
	admitted := 0
	for i, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
		if waits[i] == 0 {
			admitted++
		}
	}
	if admitted != 5 {
		t.Fatalf("%d attempts admitted, want 5", admitted)
	}
}

// startedAttempt is an invitation a candidate has started, on a test of
// one question, and its test.
func startedAttempt(t *testing.T, db *DB) Invitation {
	t.Helper()
	ctx := context.Background()
	tt, err := db.CreateTest(ctx, sampleTest, []QuestionInput{{Text: "2+2?", Kind: QuestionSingle, Options: []string{"3", "4"}, Correct: []int{1}}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, Name: "Sam", Email: "sam@example.com", Source: SourceNative})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := db.StartInvitation(ctx, res.Invitation.ID)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// Guard: the invitation's row lock, taken by the read every candidate
// action begins with.
func TestAtOnceAnAttemptIsStartedAndSubmittedOnce(t *testing.T) {
	t.Parallel()
	dbs := twoProcesses(t)
	ctx := context.Background()
	tt, _ := dbs[0].CreateTest(ctx, sampleTest, []QuestionInput{{Text: "2+2?", Kind: QuestionSingle, Options: []string{"3", "4"}, Correct: []int{1}}})
	res, _ := dbs[0].Invite(ctx, NewInvitation{TestID: tt.ID, Name: "Sam", Email: "sam@example.com", Source: SourceNative})
	id := res.Invitation.ID
	for _, err := range atOnce(16, dbs, func(_ int, db *DB) error { _, err := db.StartInvitation(ctx, id); return err }) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := eventsOfKind(t, dbs[0], id, "started"); n != 1 {
		t.Fatalf("started %d times", n)
	}
	for _, err := range atOnce(16, dbs, func(_ int, db *DB) error {
		_, err := db.Submit(ctx, Submission{InvitationID: id, Finish: true, Confirmed: true})
		return err
	}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := eventsOfKind(t, dbs[0], id, "completed"); n != 1 {
		t.Fatalf("completed %d times", n)
	}
}

// Guard: the sweep's rows locked, skipping one a candidate holds, and its
// condition checked again once locked.
func TestAtOnceTheOverdueSweepAndTheCandidateCompleteOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// The race needs a submit to commit between the sweep's read and its
	// lock, likeliest while fresh connections still plan their statements;
	// several rounds make it likely enough to catch a missing check.
	for range 4 {
		dbs := twoProcesses(t)
		inv := startedAttempt(t, dbs[0])
		later := func() time.Time { return inv.DeadlineAt.Add(time.Minute) }
		dbs[0].SetClock(later)
		dbs[1].SetClock(later)
		errs := atOnce(12, dbs, func(i int, db *DB) error {
			if i%3 == 0 {
				_, err := db.Submit(ctx, Submission{InvitationID: inv.ID, Finish: true, Confirmed: true})
				return err
			}
			_, err := db.CompleteOverdue(ctx)
			return err
		})
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n := eventsOfKind(t, dbs[0], inv.ID, "completed"); n != 1 {
			t.Fatalf("completed %d times", n)
		}
	}
}

// Guard: the address's key lock, taken before the chain of attempts is
// followed.
func TestAtOnceAFinishedAttemptGetsOneNewAttempt(t *testing.T) {
	t.Parallel()
	dbs := twoProcesses(t)
	ctx := context.Background()
	inv := startedAttempt(t, dbs[0])
	if _, err := dbs[0].Submit(ctx, Submission{InvitationID: inv.ID, Finish: true, Confirmed: true}); err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, 12)
	errs := atOnce(12, dbs, func(i int, db *DB) error {
		res, err := db.Reattempt(ctx, inv.ID, ReattemptInput{Source: SourceNative, Actor: "api:test"})
		ids[i] = res.Invitation.ID
		return err
	})
	for i, err := range errs {
		if err != nil || ids[i] != ids[0] || ids[i] == inv.ID {
			t.Fatalf("ask %d: invitation %d, %v (first: %d)", i, ids[i], err, ids[0])
		}
	}
	if _, total, _ := dbs[1].Invitations(ctx, InvitationFilter{TestID: inv.TestID}); total != 2 {
		t.Fatalf("%d invitations: one finished and one new attempt expected", total)
	}
}

// Guard: the users' key lock.
func TestAtOnceSetupMakesOneAdmin(t *testing.T) {
	t.Parallel()
	dbs := twoProcesses(t)
	ctx := context.Background()
	errs := atOnce(8, dbs, func(i int, db *DB) error {
		_, err := db.CreateFirstAdmin(ctx, NewUser{Email: fmt.Sprintf("admin%d@example.com", i), Name: "Admin", Password: "correct horse battery"})
		return err
	})
	made := 0
	for _, err := range errs {
		switch {
		case err == nil:
			made++
		case !errors.Is(err, ErrConflict):
			t.Fatal(err)
		}
	}
	if n, _ := dbs[1].CountUsers(ctx); made != 1 || n != 1 {
		t.Fatalf("%d setups succeeded, %d users", made, n)
	}
}

// Guard: the users' key lock.
func TestAtOnceTwoAdminsCannotDemoteEachOther(t *testing.T) {
	t.Parallel()
	dbs := twoProcesses(t)
	ctx := context.Background()
	for round := range 6 {
		var admins [2]User
		for i := range admins {
			u, err := dbs[0].CreateUser(ctx, NewUser{Email: fmt.Sprintf("a%d-%d@example.com", round, i), Name: "A", Password: "correct horse battery", Role: RoleAdmin})
			if err != nil {
				t.Fatal(err)
			}
			admins[i] = u
		}
		// Every other admin steps down first, leaving these two.
		all, _ := dbs[0].Users(ctx)
		for _, u := range all {
			if u.ID != admins[0].ID && u.ID != admins[1].ID && u.Role == RoleAdmin {
				if _, err := dbs[0].UpdateUserAccess(ctx, u.ID, RoleRecruiter, false); err != nil {
					t.Fatal(err)
				}
			}
		}
		atOnce(2, dbs, func(i int, db *DB) error {
			_, err := db.UpdateUserAccess(ctx, admins[i].ID, RoleRecruiter, false)
			return err
		})
		left := 0
		all, _ = dbs[1].Users(ctx)
		for _, u := range all {
			if u.Role == RoleAdmin && u.DisabledAt == nil {
				left++
			}
		}
		if left != 1 {
			t.Fatalf("round %d: %d active admins left", round, left)
		}
	}
}

// Guard: the test's row lock while its structure is edited.
func TestAtOnceQuestionsAddedTakeTheirOwnPositions(t *testing.T) {
	t.Parallel()
	dbs := twoProcesses(t)
	ctx := context.Background()
	tt, _ := dbs[0].CreateTest(ctx, sampleTest, nil)
	errs := atOnce(20, dbs, func(i int, db *DB) error {
		_, err := db.AddQuestion(ctx, tt.ID, QuestionInput{Text: fmt.Sprintf("Q%d", i), Kind: QuestionSingle, Options: []string{"a", "b"}, Correct: []int{0}})
		return err
	})
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	qs, _ := dbs[1].Questions(ctx, tt.ID)
	seen := map[int]bool{}
	for _, q := range qs {
		seen[q.Position] = true
	}
	if len(qs) != 20 || len(seen) != 20 || !seen[1] || !seen[20] {
		t.Fatalf("%d questions on %d positions", len(qs), len(seen))
	}
}

// Guard: the address's deletion key lock.
func TestAtOnceOneDeletionIsScheduledPerAddress(t *testing.T) {
	t.Parallel()
	dbs := twoProcesses(t)
	ctx := context.Background()
	tt, _ := dbs[0].CreateTest(ctx, sampleTest, nil)
	dbs[0].Invite(ctx, NewInvitation{TestID: tt.ID, Name: "Del", Email: "del@example.com", Source: SourceNative})
	tasks := make([]string, 10)
	errs := atOnce(10, dbs, func(i int, db *DB) error {
		d, err := db.ScheduleCandidateDeletion(ctx, "del@example.com", nil, "api:test", time.Hour)
		tasks[i] = d.TaskID
		return err
	})
	for i, err := range errs {
		if err != nil || tasks[i] != tasks[0] {
			t.Fatalf("ask %d: task %q, %v (first %q)", i, tasks[i], err, tasks[0])
		}
	}
}
