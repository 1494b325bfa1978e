package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"testgate/store/testkit"
)

func TestNoticesCarryWhatChanged(t *testing.T) {
	t.Parallel()
	ids := map[int64]struct{}{7: {}, 12: {}}
	for _, c := range []readChanges{{tests: true}, {newInvitations: true}, {invitations: ids}, {newInvitations: true, invitations: ids}} {
		process, got := parseNotice(c.notice("p1"))
		if process != "p1" || got.tests != c.tests || got.newInvitations != c.newInvitations || len(got.invitations) != len(c.invitations) {
			t.Errorf("%+v came back as %s %+v", c, process, got)
		}
	}
	many := map[int64]struct{}{}
	for i := range maxNoticeIDs + 1 {
		many[int64(i)] = struct{}{}
	}
	if _, got := parseNotice(readChanges{invitations: many}.notice("p")); !got.tests {
		t.Error("a notice past its size does not say everything changed")
	}
	if _, got := parseNotice("p  1,x"); !got.tests {
		t.Error("a notice that does not parse does not drop everything")
	}
}

// eventually polls check for up to 5 seconds: another process's notice
// arrives a moment after its commit.
func eventually(t *testing.T, what string, check func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !check(); {
		if time.Now().After(deadline) {
			t.Fatal(what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// One process caches the landing page and the list counts; another
// process's writes reach it through PostgreSQL's notices.
func TestAnotherProcessesWritesDropTheCaches(t *testing.T) {
	t.Parallel()
	if !onPostgres {
		t.Skip("SQLite is one process: its own commits drop its caches")
	}
	dbs := twoProcesses(t)
	a, b := dbs[0], dbs[1]
	ctx := context.Background()
	tt, _ := a.CreateTest(ctx, sampleTest, nil)
	res, _ := a.Invite(ctx, NewInvitation{TestID: tt.ID, Name: "Ann", Email: "ann@example.com", Source: SourceNative})
	token := res.Invitation.Token
	page := func() (Invitation, Test) {
		inv, test, err := a.InvitationAndTestByToken(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		return inv, test
	}
	page()
	raw := behindTheBack(t, a)
	if _, err := raw.Exec(`UPDATE invitations SET name = 'Behind the back' WHERE id = ?`, res.Invitation.ID); err != nil {
		t.Fatal(err)
	}
	if inv, _ := page(); inv.Name != "Ann" {
		t.Fatalf("the page is not cached on PostgreSQL: %q", inv.Name)
	}
	if _, err := b.OpenInvitation(ctx, res.Invitation.ID); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the other process's open never reached the page", func() bool {
		inv, _ := page()
		return inv.Status == StatusOpened && inv.Name == "Behind the back"
	})
	if _, err := b.UpdateTest(ctx, tt.ID, TestInput{Name: "Renamed", Kind: tt.Kind, DurationMinutes: 30}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the other process's test change never reached the page", func() bool { _, test := page(); return test.Name == "Renamed" })

	count := func() int { _, total, _ := a.Invitations(ctx, InvitationFilter{TestID: tt.ID}); return total }
	if count() != 1 {
		t.Fatal("count")
	}
	if _, err := b.Invite(ctx, NewInvitation{TestID: tt.ID, Name: "Bo", Email: "bo@example.com", Source: SourceNative}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the other process's invitation never reached the count", func() bool { return count() == 2 })
}

// A process that loses its listening connection stops serving cached
// pages, since it may miss notices; once it listens again it caches again,
// having dropped all it held.
func TestALostListenerStopsServingCachedPages(t *testing.T) {
	t.Parallel()
	if !onPostgres {
		t.Skip("PostgreSQL's listening connection")
	}
	dbs := twoProcesses(t)
	a, b := dbs[0], dbs[1]
	ctx := context.Background()
	ann, name := annsPage(t, a)
	raw := behindTheBack(t, a)
	rename := func(to string) {
		if _, err := raw.Exec(`UPDATE invitations SET name = ? WHERE id = ?`, to, ann.ID); err != nil {
			t.Fatal(err)
		}
	}
	rename("Missed")
	if name() != "Ann" {
		t.Fatal("not cached")
	}
	old := a.listener.pid.Load()
	if _, err := raw.Exec(`SELECT pg_terminate_backend(?)`, int64(old)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "pages cached before the listener was lost are still served", func() bool { return name() == "Missed" })
	eventually(t, "the listener never came back", func() bool { return a.cachesReads() && a.listener.pid.Load() != old })
	name()
	rename("Behind again")
	if got := name(); got != "Missed" {
		t.Fatalf("listening again, the page is not cached: %q", got)
	}
	if err := b.ChooseLanguage(ctx, ann.ID, "fr"); err != nil {
		t.Fatal(err)
	}
	eventually(t, fmt.Sprintf("the other process's change never reached the page after the listener came back (%q)", name()),
		func() bool { return name() == "Behind again" })
}

// A request that writes decides on what the database holds, not on a page
// another process's notice has not reached yet.
func TestAWriteReadsPastTheCacheOnPostgres(t *testing.T) {
	t.Parallel()
	if !onPostgres {
		t.Skip("SQLite's cache is never behind: one process makes every change")
	}
	db := newTestDB(t)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, sampleTest, nil)
	res, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, Name: "Ann", Email: "ann@example.com", Source: SourceNative})
	db.InvitationAndTestByToken(ctx, res.Invitation.Token)
	// Another process's start, its notice not arrived: written behind the
	// store's back.
	if _, err := behindTheBack(t, db).Exec(`UPDATE invitations SET status = 'started' WHERE id = ?`, res.Invitation.ID); err != nil {
		t.Fatal(err)
	}
	if inv, _, _ := db.InvitationAndTestByToken(ctx, res.Invitation.Token); inv.Status != StatusInvited {
		t.Fatalf("the page is not cached: %s", inv.Status)
	}
	if inv, _, _ := db.InvitationAndTestForWrite(ctx, res.Invitation.Token); inv.Status != StatusStarted {
		t.Fatalf("a write decided on the cached page: %s", inv.Status)
	}
}

// A write's notice goes out behind its commit, as a transaction of its
// own: one that fails leaves the write done. (Inside the write, as it
// was, every write took the lock PostgreSQL serialises notifying commits
// with, and a notice that failed failed the write.) Its payload here is
// past what PostgreSQL takes.
func TestAWriteIsDoneWhenItsNoticeFails(t *testing.T) {
	t.Parallel()
	if !onPostgres {
		t.Skip("PostgreSQL's notices")
	}
	wiring := testWiring
	wiring.process = strings.Repeat("p", 8000)
	db := openTestDB(t, testkit.Postgres(t, migrateTemplate), wiring)
	ctx := context.Background()
	tt, err := db.CreateTest(ctx, sampleTest, nil)
	if err != nil {
		t.Fatalf("a write whose notice failed: %v", err)
	}
	if _, err := db.Test(ctx, tt.ID); err != nil {
		t.Fatalf("the write whose notice failed was not kept: %v", err)
	}
}

// A notice lost after its write committed leaves another process's pages
// stale for forgetEvery at most: each listening process drops everything
// that often.
func TestAListeningProcessForgetsWhatNoNoticeReached(t *testing.T) {
	t.Parallel()
	if !onPostgres {
		t.Skip("PostgreSQL's listening connection")
	}
	db := newTestDB(t)
	ann, name := annsPage(t, db)
	if _, err := behindTheBack(t, db).Exec(`UPDATE invitations SET name = 'Unannounced' WHERE id = ?`, ann.ID); err != nil {
		t.Fatal(err)
	}
	if name() != "Ann" {
		t.Fatal("not cached")
	}
	db.listener.forget.Store(int64(200 * time.Millisecond))
	eventually(t, "a change no notice reached is still not seen", func() bool { return name() == "Unannounced" })
}

// annsPage invites Ann to a new test, and returns her invitation and the
// name her landing page shows, read through the cache (once already).
func annsPage(t *testing.T, db *DB) (Invitation, func() string) {
	t.Helper()
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, sampleTest, nil)
	res, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, Name: "Ann", Email: "ann@example.com", Source: SourceNative})
	if err != nil {
		t.Fatal(err)
	}
	name := func() string {
		inv, _, err := db.InvitationAndTestByToken(ctx, res.Invitation.Token)
		if err != nil {
			t.Fatal(err)
		}
		return inv.Name
	}
	name()
	return res.Invitation, name
}
