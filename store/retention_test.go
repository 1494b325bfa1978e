package store

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

// Retention erases candidates of invitations that ended longer ago than
// the setting, on the store's clock, oldest first; live invitations and
// recent ones stay, and without a setting nothing is erased.
func TestRetentionErasesWhatEndedLongAgo(t *testing.T) {
	t.Parallel()
	db, tt, link, clock := resultsFixture(t)
	ctx := context.Background()
	start := *clock
	at := func(d time.Duration) { *clock = start.Add(d) }
	day := 24 * time.Hour

	completed := takeAttempt(t, db, tt, link, "old@example.com", 1, 0) // ended on day 0
	expires := start.Add(day)
	exp, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Exp", Email: "exp@example.com", Source: SourceConsole, ExpiresAt: &expires})
	live, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Live", Email: "live@example.com", Source: SourceConsole})
	cancelled, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Can", Email: "can@example.com", Source: SourceConsole})
	at(day + time.Hour)
	if n, err := db.ExpireDue(ctx); err != nil || n != 1 {
		t.Fatalf("expire: %d %v", n, err)
	}
	at(2 * day)
	db.CancelInvitation(ctx, cancelled.Invitation.ID, "user:x")
	at(40 * day)
	recent := takeAttempt(t, db, tt, link, "recent@example.com", 1, 0)

	if n, err := db.ApplyRetention(ctx); err != nil || n != 0 {
		t.Fatalf("without a retention setting: %d erased, %v", n, err)
	}
	for _, bad := range []int{-1, MaxRetentionDays + 1} {
		if err := db.SetRetentionDays(ctx, bad); err == nil {
			t.Fatalf("retention of %d days accepted", bad)
		}
	}
	if err := db.SetRetentionDays(ctx, 39); err != nil {
		t.Fatal(err)
	}
	at(40*day + 2*time.Hour) // 40 days after the completion, 39 after the expiry
	if n, err := db.ApplyRetention(ctx); err != nil || n != 2 {
		t.Fatalf("day 40: %d erased, %v", n, err)
	}
	erased := func(id int64) bool {
		inv, _ := db.Invitation(ctx, id)
		return inv.ErasedAt != nil
	}
	if !erased(completed.ID) || !erased(exp.Invitation.ID) || erased(cancelled.Invitation.ID) || erased(live.Invitation.ID) || erased(recent.ID) {
		t.Fatal("day 40 erased the wrong invitations")
	}
	events, _ := db.Timeline(ctx, completed.ID)
	if last := events[len(events)-1]; last.Kind != "erased" || last.Actor != RetentionActor {
		t.Fatalf("timeline ends with %+v", last)
	}
	at(41*day + time.Minute)
	if n, err := db.ApplyRetention(ctx); err != nil || n != 1 || !erased(cancelled.Invitation.ID) || erased(live.Invitation.ID) {
		t.Fatalf("day 41: %d erased, %v", n, err)
	}
	if n, _ := db.ApplyRetention(ctx); n != 0 {
		t.Fatalf("erased again: %d", n)
	}

	// The sweep finds them through the retention index in its order, not by
	// reading and sorting every ended invitation (SQLite's planner, told).
	if onPostgres {
		return
	}
	plan := sqlitePlan(t, db, dialectSQLite.retentionDue(), 0, DefaultTeamID, 10)
	if !strings.Contains(plan, "invitations_retention") || strings.Contains(plan, "TEMP B-TREE") {
		t.Fatalf("plan: %s", plan)
	}
}

// A team's own retention overrides the installation's: a team may keep
// its candidates longer, shorter, or for good.
// The retention read runs outside the erasing transaction. An invitation
// it found due that a recruiter brought back meanwhile (an expired one
// extended) is left alone, and one erased meanwhile is not counted again;
// what is still due is erased.
func TestRetentionSparesWhatCameBackMeanwhile(t *testing.T) {
	t.Parallel()
	db, tt, link, clock := resultsFixture(t)
	ctx := context.Background()
	start := *clock
	day := 24 * time.Hour
	expires := start.Add(day)
	var ids []int64
	for _, who := range []string{"back", "gone", "due"} {
		res, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: who, Email: who + "@example.com",
			Source: SourceConsole, ExpiresAt: &expires})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.Invitation.ID)
	}
	*clock = start.Add(day + time.Hour)
	if n, err := db.ExpireDue(ctx); err != nil || n != 3 {
		t.Fatalf("expire: %d %v", n, err)
	}
	*clock = start.Add(40 * day)
	cutoff := clock.Add(-30 * day) // all three ended before it, as the read saw them

	// Meanwhile: one is extended, one is erased at the candidate's request.
	if _, err := db.ExtendInvitation(ctx, ids[0], clock.Add(7*day), "user:rita"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.EraseInvitation(ctx, ids[1], "user:rita"); err != nil {
		t.Fatal(err)
	}
	var erased []bool
	if err := db.inTx(ctx, func(tx *Tx) error {
		for _, id := range ids {
			ok, err := db.eraseIfEnded(ctx, tx, dueErasure{id: id, cutoff: cutoff}, db.Now())
			if err != nil {
				return err
			}
			erased = append(erased, ok)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(erased, []bool{false, false, true}) {
		t.Fatalf("erased by retention (extended, erased already, due): %v", erased)
	}
	if inv, _ := db.Invitation(ctx, ids[0]); inv.ErasedAt != nil || inv.Status != StatusInvited || inv.Name != "back" {
		t.Fatalf("the extended invitation: %s, %q, erased at %v", inv.Status, inv.Name, inv.ErasedAt)
	}
	if inv, _ := db.Invitation(ctx, ids[2]); inv.ErasedAt == nil {
		t.Fatal("the invitation still due was not erased")
	}
}

func TestRetentionPerTeam(t *testing.T) {
	t.Parallel()
	db, tt, link, clock := resultsFixture(t)
	ctx := context.Background()
	start := *clock
	day := 24 * time.Hour
	short, _ := db.CreateTeam(ctx, "Short")
	keep, _ := db.CreateTeam(ctx, "Keep")
	one, zero := 1, 0
	if err := db.UpdateTeam(ctx, short.ID, "Short", &one); err != nil {
		t.Fatal(err)
	}
	if err := db.UpdateTeam(ctx, keep.ID, "Keep", &zero); err != nil {
		t.Fatal(err)
	}
	if err := db.UpdateTeam(ctx, keep.ID, "Keep", &[]int{-1}[0]); err == nil {
		t.Fatal("a negative retention was accepted")
	}
	inTeam := func(team int64, email string) Invitation {
		t2, _ := db.CreateTest(ctx, TestInput{Name: "T " + email, Kind: KindAssessment, DurationMinutes: 10, TeamID: team},
			[]QuestionInput{{Text: "2+2?", Kind: QuestionSingle, Options: []string{"3", "4"}, Correct: []int{1}}, {Text: "Why?", Kind: QuestionText}})
		l, _ := db.DefaultLink(ctx, t2.ID)
		return takeAttempt(t, db, t2, l, email, 1, 0)
	}
	s := inTeam(short.ID, "s@example.com")
	k := inTeam(keep.ID, "k@example.com")
	d := takeAttempt(t, db, tt, link, "d@example.com", 1, 0) // the default team: the installation's setting
	db.SetRetentionDays(ctx, 30)
	*clock = start.Add(2 * day)
	if n, err := db.ApplyRetention(ctx); err != nil || n != 1 {
		t.Fatalf("day 2: %d erased, %v", n, err)
	}
	*clock = start.Add(40 * day)
	if n, err := db.ApplyRetention(ctx); err != nil || n != 1 {
		t.Fatalf("day 40: %d erased, %v", n, err)
	}
	for _, c := range []struct {
		inv    Invitation
		erased bool
	}{{s, true}, {k, false}, {d, true}} {
		if got, _ := db.Invitation(ctx, c.inv.ID); (got.ErasedAt != nil) != c.erased {
			t.Errorf("%s: erased %v, want %v", c.inv.Email, got.ErasedAt != nil, c.erased)
		}
	}
}
