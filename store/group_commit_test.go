package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// queued is how many writes wait in SQLite's group commit queue.
func (g *groupCommit) queued() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.queue)
}

// holdWriter holds the writer with a write of its own until n others
// queue behind it, so that they are taken as one group; it returns once
// it holds the writer, and the returned wait once it let go.
func holdWriter(t *testing.T, db *DB, n int) (wait func()) {
	t.Helper()
	holding := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.inTx(context.Background(), func(*Tx) error {
			close(holding)
			for deadline := time.Now().Add(10 * time.Second); db.group.queued() < n; time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					return fmt.Errorf("only %d of %d writes queued", db.group.queued(), n)
				}
			}
			return nil
		})
	}()
	<-holding
	return func() {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

// Writes that queue share one transaction, and each still has its own
// outcome: one that fails, after writing or by a statement the database
// refuses, is rolled back alone; one whose caller left before its turn
// writes nothing; the others are committed.
func TestGroupCommitGivesEachWriteItsOwnOutcome(t *testing.T) {
	sqliteOnly(t, "group commit at the one writer")
	t.Parallel()
	db := newTestDB(t)
	const n = 10
	refused := errors.New("refused by its caller")
	gone, leave := context.WithCancel(context.Background())
	leave() // its caller is gone before its turn comes
	wait := holdWriter(t, db, n)
	errs := make([]error, n)
	shared := make([]bool, n)
	var wg sync.WaitGroup
	for i := range n {
		ctx := context.Background()
		if i == 7 {
			ctx = gone
		}
		wg.Go(func() {
			errs[i] = db.inTx(ctx, func(tx *Tx) error {
				shared[i] = tx.detached
				name := fmt.Sprintf("group-%d", i)
				if _, err := tx.ExecContext(ctx, `INSERT INTO settings (name, value, updated_at) VALUES (?, 'x', 0)`, name); err != nil {
					return err
				}
				switch i {
				case 3:
					return refused
				case 5: // the second row breaks the key: the first goes with it
					_, err := tx.ExecContext(ctx, `INSERT INTO settings (name, value, updated_at) VALUES (?, 'y', 0)`, name)
					return err
				}
				return nil
			})
		})
	}
	wait()
	wg.Wait()
	for i, err := range errs {
		switch i {
		case 3:
			if !errors.Is(err, refused) {
				t.Errorf("write 3: %v, want its own error", err)
			}
		case 5:
			if err == nil {
				t.Errorf("write 5 broke the key and was not refused")
			}
		case 7:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("write 7, its caller gone: %v", err)
			}
		default:
			if err != nil {
				t.Errorf("write %d: %v", i, err)
			}
		}
		if i != 7 && !shared[i] {
			t.Errorf("write %d ran in a transaction of its own, not the group's", i)
		}
	}
	rows, err := db.r.Query(`SELECT name FROM settings WHERE name LIKE 'group-%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var name string
		rows.Scan(&name)
		got = append(got, name)
	}
	want := []string{"group-0", "group-1", "group-2", "group-4", "group-6", "group-8", "group-9"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("kept %v, want %v", got, want)
	}
}

// The candidate pages cached before a group of starts are dropped by its
// commit, each start's own.
func TestGroupCommitDropsWhatEachWriteChanged(t *testing.T) {
	sqliteOnly(t, "group commit at the one writer")
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	tt, err := db.CreateTest(ctx, sampleTest, []QuestionInput{{Text: "2+2?", Kind: QuestionSingle, Options: []string{"3", "4"}, Correct: []int{1}}})
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	var invs []Invitation
	for i := range n {
		res, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, Name: "Sam", Email: fmt.Sprintf("sam%d@example.com", i), Source: SourceNative})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.InvitationAndTestByToken(ctx, res.Invitation.Token); err != nil { // cached
			t.Fatal(err)
		}
		invs = append(invs, res.Invitation)
	}
	wait := holdWriter(t, db, n)
	var wg sync.WaitGroup
	for _, inv := range invs {
		wg.Go(func() {
			if _, err := db.StartInvitation(ctx, inv.ID); err != nil {
				t.Error(err)
			}
		})
	}
	wait()
	wg.Wait()
	for _, inv := range invs {
		got, _, err := db.InvitationAndTestByToken(ctx, inv.Token)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != StatusStarted {
			t.Errorf("%s's page after the group's commit: %s, want started", inv.Email, got.Status)
		}
	}
}

// Background work takes the writer alone, in its turn; the writes queued
// around it go together.
func TestGroupCommitTakesBackgroundWorkAlone(t *testing.T) {
	g := newGroupCommit()
	fg := func() *pendingWrite { return &pendingWrite{} }
	a, bulk, b, c := fg(), &pendingWrite{alone: true}, fg(), fg()
	g.queue = []*pendingWrite{a, bulk, b, c}
	if got := g.take(); len(got) != 3 || got[0] != a || got[1] != b || got[2] != c {
		t.Fatalf("first turn took %d writes, want the three others in order", len(got))
	}
	if got := g.take(); len(got) != 1 || got[0] != bulk {
		t.Fatalf("second turn took %d writes, want the background one alone", len(got))
	}
	g.queue = []*pendingWrite{bulk, a, b}
	if got := g.take(); len(got) != 1 || got[0] != bulk {
		t.Fatal("background work at the head did not go first, alone")
	}
	g.queue = nil
	for range maxGroup + 5 {
		g.queue = append(g.queue, fg())
	}
	if got := g.take(); len(got) != maxGroup || g.queued() != 5 {
		t.Fatalf("a turn took %d of %d writes, want %d", len(got), maxGroup+5, maxGroup)
	}
}

// A write that panics panics in its own caller, not in the goroutine that
// ran it for the group; the others commit and the writer is free after.
func TestGroupCommitPanicsInTheCallerItsOwn(t *testing.T) {
	sqliteOnly(t, "group commit at the one writer")
	t.Parallel()
	db := newTestDB(t)
	const n = 4
	wait := holdWriter(t, db, n)
	recovered := make([]any, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			defer func() { recovered[i] = recover() }()
			errs[i] = db.inTx(context.Background(), func(tx *Tx) error {
				if _, err := tx.ExecContext(context.Background(), `INSERT INTO settings (name, value, updated_at) VALUES (?, 'x', 0)`,
					fmt.Sprintf("panic-%d", i)); err != nil {
					return err
				}
				if i == 2 {
					panic("write 2 broke")
				}
				return nil
			})
		})
	}
	wait()
	wg.Wait()
	for i := range n {
		if i == 2 {
			if recovered[i] != "write 2 broke" {
				t.Fatalf("write 2's caller recovered %v, want its own panic", recovered[i])
			}
			continue
		}
		if recovered[i] != nil || errs[i] != nil {
			t.Fatalf("write %d: panic %v, error %v", i, recovered[i], errs[i])
		}
	}
	var kept int
	if err := db.r.QueryRow(`SELECT COUNT(*) FROM settings WHERE name LIKE 'panic-%'`).Scan(&kept); err != nil || kept != n-1 {
		t.Fatalf("%d rows kept (%v), want the %d of the writes that did not panic", kept, err, n-1)
	}
	func() { // a write alone that panics is rolled back too
		defer func() {
			if v := recover(); v != "alone" {
				t.Fatalf("a lone write's caller recovered %v", v)
			}
		}()
		db.inTx(context.Background(), func(tx *Tx) error {
			tx.ExecContext(context.Background(), `INSERT INTO settings (name, value, updated_at) VALUES ('panic-alone', 'x', 0)`)
			panic("alone")
		})
	}()
	done := make(chan error, 1)
	go func() { done <- db.inTx(context.Background(), func(*Tx) error { return nil }) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the writer is stuck after a write panicked")
	}
}

// A caller that gives up while its write's statement runs does not take
// the others down: SQLite answers an interrupted INSERT inside a
// transaction by rolling back the whole transaction, so inside a shared
// one the statement runs on, detached from its caller's context.
func TestGroupCommitOutlivesACallerThatGivesUp(t *testing.T) {
	sqliteOnly(t, "group commit at the one writer")
	t.Parallel()
	db := newTestDB(t)
	const n = 3
	wait := holdWriter(t, db, n)
	giveUp, cancel := context.WithCancel(context.Background())
	defer cancel()
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		ctx := context.Background()
		if i == n-1 {
			ctx = giveUp
		}
		wg.Go(func() {
			errs[i] = db.inTx(ctx, func(tx *Tx) error {
				if i == n-1 { // the last in the group: a long INSERT its caller abandons
					time.AfterFunc(10*time.Millisecond, cancel)
					_, err := tx.ExecContext(ctx, `INSERT INTO settings (name, value, updated_at)
						WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 100000)
						SELECT 'long-' || x, 'x', 0 FROM n WHERE x < 0`)
					return err
				}
				_, err := tx.ExecContext(ctx, `INSERT INTO settings (name, value, updated_at) VALUES (?, 'x', 0)`, fmt.Sprintf("kept-%d", i))
				return err
			})
		})
	}
	wait()
	wg.Wait()
	for i, err := range errs[:n-1] {
		if err != nil {
			t.Fatalf("write %d, beside a caller that gave up: %v", i, err)
		}
	}
	var kept int
	if err := db.r.QueryRow(`SELECT COUNT(*) FROM settings WHERE name LIKE 'kept-%'`).Scan(&kept); err != nil || kept != n-1 {
		t.Fatalf("%d rows kept (%v), want %d", kept, err, n-1)
	}
}
