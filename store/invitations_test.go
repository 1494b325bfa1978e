package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// inviteFixture is a test with its default link and a second link.
func inviteFixture(t *testing.T) (*DB, Test, TestLink, TestLink, *time.Time) {
	t.Helper()
	db := newTestDB(t)
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := &now
	db.SetClock(func() time.Time { return *clock })
	tt, err := db.CreateTest(context.Background(), sampleTest, nil)
	if err != nil {
		t.Fatal(err)
	}
	def, _ := db.DefaultLink(context.Background(), tt.ID)
	other, err := db.CreateLink(context.Background(), tt.ID, LinkInput{Name: "Campus", RedirectURL: "https://example.com/done", HideInstruction: true})
	if err != nil {
		t.Fatal(err)
	}
	return db, tt, def, other, clock
}

func TestInviteIsIdempotentPerLink(t *testing.T) {
	t.Parallel()
	db, tt, def, campus, _ := inviteFixture(t)
	ctx := context.Background()
	first, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: campus.ID, Name: "Ann", Email: " Ann@Example.com ", Source: SourceIMocha, Actor: "api:ats"})
	if err != nil || !first.Created {
		t.Fatalf("first invite: %+v %v", first, err)
	}
	inv := first.Invitation
	if inv.Email != "Ann@Example.com" || inv.Status != StatusInvited || !inv.HideInstruction || inv.RedirectURL != "https://example.com/done" || len(inv.Token) < 22 {
		t.Fatalf("invitation %+v", inv)
	}
	again, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: campus.ID, Name: "Ann B", Email: "ann@example.COM", Source: SourceIMocha})
	if err != nil || again.Created || again.Invitation.ID != inv.ID || again.Invitation.Token != inv.Token {
		t.Fatalf("re-invite: %+v %v", again, err)
	}
	// Another link of the same test: its own invitation.
	elsewhere, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: def.ID, Name: "Ann", Email: "ann@example.com", Source: SourceIMocha})
	if err != nil || !elsewhere.Created || elsewhere.Invitation.ID == inv.ID {
		t.Fatalf("other link: %+v %v", elsewhere, err)
	}
	// LinkID 0 means the default link.
	viaDefault, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, Name: "Ann", Email: "ann@example.com", Source: SourceNative})
	if viaDefault.Invitation.ID != elsewhere.Invitation.ID {
		t.Fatal("default link not used when none is named")
	}
	events, _ := db.Timeline(ctx, inv.ID)
	if len(events) != 1 || events[0].Kind != "invited" || events[0].Actor != "api:ats" {
		t.Fatalf("timeline %+v", events)
	}
}

func TestInviteRefusesLinkOfAnotherTest(t *testing.T) {
	t.Parallel()
	db, _, _, campus, _ := inviteFixture(t)
	other, _ := db.CreateTest(context.Background(), sampleTest, nil)
	_, err := db.Invite(context.Background(), NewInvitation{TestID: other.ID, LinkID: campus.ID, Name: "A", Email: "a@example.com", Source: SourceIMocha})
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("link of another test: %v", err)
	}
	_, err = db.Invite(context.Background(), NewInvitation{TestID: other.ID, LinkID: 9999, Name: "A", Email: "a@example.com", Source: SourceIMocha})
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown link: %v", err)
	}
}

func TestCancelledInvitationIsReopened(t *testing.T) {
	t.Parallel()
	db, tt, _, campus, _ := inviteFixture(t)
	ctx := context.Background()
	res, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: campus.ID, Name: "Bo", Email: "bo@example.com", Source: SourceIMocha})
	cancelled, err := db.CancelInvitation(ctx, res.Invitation.ID, "user:admin@example.com")
	if err != nil || cancelled.Status != StatusCancelled || cancelled.CancelledAt == nil {
		t.Fatalf("cancel: %+v %v", cancelled, err)
	}
	if again, err := db.CancelInvitation(ctx, res.Invitation.ID, "x"); err != nil || again.Status != StatusCancelled {
		t.Fatalf("cancel twice: %v", err)
	}
	re, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: campus.ID, Name: "Bo", Email: "BO@example.com", Source: SourceIMocha})
	if err != nil || re.Created || !re.Reopened || re.Invitation.ID != res.Invitation.ID || re.Invitation.Status != StatusInvited || re.Invitation.CancelledAt != nil {
		t.Fatalf("reopen: %+v %v", re, err)
	}
	events, _ := db.Timeline(ctx, res.Invitation.ID)
	kinds := ""
	for _, e := range events {
		kinds += e.Kind + ","
	}
	if kinds != "invited,cancelled,reopened," {
		t.Fatalf("timeline %s", kinds)
	}
}

func TestExpiredInvitationIsReopenedAndExtended(t *testing.T) {
	t.Parallel()
	db, tt, _, campus, clock := inviteFixture(t)
	ctx := context.Background()
	soon := clock.Add(time.Hour)
	res, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: campus.ID, Name: "Cy", Email: "cy@example.com", Source: SourceNative, ExpiresAt: &soon})
	*clock = clock.Add(2 * time.Hour)
	if n, err := db.ExpireDue(ctx); err != nil || n != 1 {
		t.Fatalf("expire due: %d %v", n, err)
	}
	if inv, _ := db.Invitation(ctx, res.Invitation.ID); inv.Status != StatusExpired || inv.ExpiredAt == nil {
		t.Fatalf("not expired: %+v", inv)
	}
	later := clock.Add(48 * time.Hour)
	ext, err := db.ExtendInvitation(ctx, res.Invitation.ID, later, "user:a")
	if err != nil || ext.Status != StatusInvited || !ext.ExpiresAt.Equal(later) || ext.ExpiredAt != nil {
		t.Fatalf("extend: %+v %v", ext, err)
	}
	if _, err := db.ExtendInvitation(ctx, res.Invitation.ID, clock.Add(-time.Hour), "user:a"); err == nil {
		t.Fatal("extended into the past")
	}
	// Past its expiry again, a re-invite finds it expired and re-opens it.
	*clock = later.Add(time.Minute)
	re, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: campus.ID, Name: "Cy", Email: "cy@example.com", Source: SourceIMocha})
	if err != nil || !re.Reopened || re.Invitation.ID != res.Invitation.ID || re.Invitation.ExpiresAt != nil {
		t.Fatalf("reopen expired: %+v %v", re, err)
	}
}

func TestPlaceholdersWhenMandatoryFieldsAreOff(t *testing.T) {
	t.Parallel()
	db, tt, _, campus, _ := inviteFixture(t)
	ctx := context.Background()
	_, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: campus.ID, Source: SourceIMocha})
	mustField(t, err, "email")
	a, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: campus.ID, Source: SourceIMocha, GeneratePlaceholders: true})
	if err != nil || !a.Invitation.Placeholder || !IsPlaceholderEmail(a.Invitation.Email) || a.Invitation.Name == "" {
		t.Fatalf("placeholder: %+v %v", a.Invitation, err)
	}
	b, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: campus.ID, Source: SourceIMocha, GeneratePlaceholders: true})
	if b.Invitation.ID == a.Invitation.ID || b.Invitation.Email == a.Invitation.Email {
		t.Fatal("two anonymous invitations share an identity")
	}
}

func TestInviteValidation(t *testing.T) {
	t.Parallel()
	db, tt, _, campus, _ := inviteFixture(t)
	bad := "ftp://x"
	for field, n := range map[string]NewInvitation{
		"email":       {Name: "A"},
		"name":        {Email: "a@example.com"},
		"callbackUrl": {Name: "A", Email: "a@example.com", CallbackURL: &bad},
		"redirectUrl": {Name: "A", Email: "a@example.com", RedirectURL: &bad},
	} {
		n.TestID, n.LinkID, n.Source = tt.ID, campus.ID, SourceNative
		_, err := db.Invite(context.Background(), n)
		mustField(t, err, field)
	}
	for _, email := range []string{"plain", "a@b", "A <a@example.com>", "a@example.com\r\nBcc: x@example.com", "a @example.com"} {
		_, err := db.Invite(context.Background(), NewInvitation{TestID: tt.ID, LinkID: campus.ID, Name: "A", Email: email, Source: SourceNative})
		mustField(t, err, "email")
	}
	if _, n, _ := db.Invitations(context.Background(), InvitationFilter{}); n != 0 {
		t.Fatalf("invalid invites wrote %d", n)
	}
}

func TestClosedLinksTakeNoInvitations(t *testing.T) {
	t.Parallel()
	db, tt, _, campus, clock := inviteFixture(t)
	ctx := context.Background()
	invite := func(email string) error {
		_, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: campus.ID, Name: "A", Email: email, Source: SourceNative})
		return err
	}
	db.SetLinkDisabled(ctx, campus.ID, true)
	if err := invite("a@example.com"); !errors.Is(err, ErrClosed) || err.Error() != "The test link is disabled." {
		t.Fatalf("disabled: %v", err)
	}
	db.SetLinkDisabled(ctx, campus.ID, false)
	in := LinkInput{Name: "Campus", MaxUses: 2}
	db.UpdateLink(ctx, campus.ID, in)
	invite("a@example.com")
	invite("b@example.com")
	if err := invite("c@example.com"); !errors.Is(err, ErrClosed) {
		t.Fatalf("full: %v", err)
	}
	if err := invite("a@example.com"); err != nil {
		t.Fatalf("re-invite on a full link: %v", err)
	}
	until := clock.Add(time.Hour)
	db.UpdateLink(ctx, campus.ID, LinkInput{Name: "Campus", ValidUntil: &until})
	*clock = clock.Add(2 * time.Hour)
	if err := invite("d@example.com"); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed window: %v", err)
	}
	db.UpdateLink(ctx, campus.ID, LinkInput{Name: "Campus"})
	db.SetTestArchived(ctx, tt.ID, true)
	if err := invite("e@example.com"); !errors.Is(err, ErrClosed) || err.Error() != "The test is archived." {
		t.Fatalf("archived: %v", err)
	}
}

func TestConcurrentReinvitesMakeOneInvitation(t *testing.T) {
	t.Parallel()
	db, tt, _, campus, _ := inviteFixture(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	ids := make(chan int64, 50)
	errs := make(chan error, 50)
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: campus.ID, Name: "Dee", Email: "dee@example.com", Source: SourceIMocha})
			if err != nil {
				errs <- err
				return
			}
			ids <- res.Invitation.ID
		}()
	}
	wg.Wait()
	close(ids)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for id := range ids {
		seen[id] = true
	}
	_, total, _ := db.Invitations(ctx, InvitationFilter{LinkID: campus.ID})
	if len(seen) != 1 || total != 1 {
		t.Fatalf("%d distinct ids, %d rows", len(seen), total)
	}
}

func TestOneLiveInvitationIsADatabaseRule(t *testing.T) {
	t.Parallel()
	db, tt, _, campus, _ := inviteFixture(t)
	ctx := context.Background()
	res, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: campus.ID, Name: "E", Email: "e@example.com", Source: SourceNative})
	_, err := db.w.ExecContext(ctx, `INSERT INTO invitations (test_id, link_id, token, name, email, email_norm, status, source, invited_at, created_at, updated_at)
		VALUES (?, ?, 'tok-2', 'E', 'e@example.com', 'e@example.com', 'invited', 'native', 0, 0, 0)`, tt.ID, campus.ID)
	if !errors.Is(mapError(err), ErrConflict) {
		t.Fatalf("second live invitation inserted: %v", err)
	}
	// The timeline is append-only.
	if _, err := db.w.ExecContext(ctx, `UPDATE invitation_events SET kind = 'x' WHERE invitation_id = ?`, res.Invitation.ID); err == nil {
		t.Fatal("event rewritten")
	}
	if _, err := db.w.ExecContext(ctx, `DELETE FROM invitation_events WHERE invitation_id = ?`, res.Invitation.ID); err == nil {
		t.Fatal("event deleted")
	}
}

func TestCancelOnlyBeforeStart(t *testing.T) {
	t.Parallel()
	db, tt, _, campus, _ := inviteFixture(t)
	ctx := context.Background()
	res, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: campus.ID, Name: "F", Email: "f@example.com", Source: SourceNative})
	db.w.ExecContext(ctx, `UPDATE invitations SET status = 'started' WHERE id = ?`, res.Invitation.ID)
	if _, err := db.CancelInvitation(ctx, res.Invitation.ID, "x"); !errors.Is(err, ErrAlreadyStarted) {
		t.Fatalf("cancel started: %v", err)
	}
	if _, err := db.CancelInvitation(ctx, 999, "x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("cancel missing: %v", err)
	}
}

func TestListFiltersSortsAndPages(t *testing.T) {
	t.Parallel()
	db, tt, def, campus, clock := inviteFixture(t)
	ctx := context.Background()
	for i := range 30 {
		link := def.ID
		if i%3 == 0 {
			link = campus.ID
		}
		*clock = clock.Add(time.Second)
		db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: link, Name: fmt.Sprintf("Person %02d", i), Email: fmt.Sprintf("p%02d@example.com", i), Source: SourceNative})
	}
	db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: def.ID, Name: "100%_literal", Email: "lit@example.com", Source: SourceNative})
	page, total, err := db.Invitations(ctx, InvitationFilter{PageSize: 10, Page: 2})
	if err != nil || total != 31 || len(page) != 10 || page[0].Name != "Person 20" {
		t.Fatalf("page 2: total %d len %d first %q %v", total, len(page), page[0].Name, err)
	}
	if _, total, _ := db.Invitations(ctx, InvitationFilter{LinkID: campus.ID}); total != 10 {
		t.Fatalf("by link: %d", total)
	}
	if got, total, _ := db.Invitations(ctx, InvitationFilter{Query: "P07@EXAMPLE"}); total != 1 || got[0].Name != "Person 07" {
		t.Fatalf("search by email: %d", total)
	}
	if _, total, _ := db.Invitations(ctx, InvitationFilter{Query: "%_"}); total != 1 {
		t.Fatalf("LIKE wildcards not literal: %d", total)
	}
	sorted, _, _ := db.Invitations(ctx, InvitationFilter{Sort: "name", PageSize: 3})
	if sorted[0].Name != "100%_literal" || sorted[1].Name != "Person 00" {
		t.Fatalf("sort by name: %q %q", sorted[0].Name, sorted[1].Name)
	}
	if _, total, _ := db.Invitations(ctx, InvitationFilter{Status: StatusCancelled}); total != 0 {
		t.Fatalf("status filter: %d", total)
	}
	counts, _ := db.StatusCounts(ctx, nil)
	if counts[StatusInvited] != 31 {
		t.Fatalf("counts %v", counts)
	}
	funnels, _ := db.LinkFunnels(ctx, nil, 10)
	if len(funnels) != 2 || funnels[0].Invited != 21 || funnels[1].Invited != 10 {
		t.Fatalf("funnels %+v", funnels)
	}
}

func TestOpenAndStart(t *testing.T) {
	t.Parallel()
	db, tt, _, campus, clock := inviteFixture(t)
	ctx := context.Background()
	res, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: campus.ID, Name: "G", Email: "g@example.com", Source: SourceNative})
	id := res.Invitation.ID
	inv, err := db.OpenInvitation(ctx, id)
	if err != nil || inv.Status != StatusOpened || !inv.OpenedAt.Equal(*clock) {
		t.Fatalf("open: %+v %v", inv, err)
	}
	*clock = clock.Add(time.Minute)
	db.OpenInvitation(ctx, id) // a second visit changes nothing
	inv, err = db.StartInvitation(ctx, id)
	if err != nil || inv.Status != StatusStarted || !inv.DeadlineAt.Equal(clock.Add(45*time.Minute)) || !inv.OpenedAt.Equal(clock.Add(-time.Minute)) {
		t.Fatalf("start: %+v %v", inv, err)
	}
	if again, err := db.StartInvitation(ctx, id); err != nil || !again.DeadlineAt.Equal(*inv.DeadlineAt) {
		t.Fatalf("second start moved the deadline: %v", err)
	}
	events, _ := db.Timeline(ctx, id)
	if len(events) != 3 || events[1].Kind != "opened" || events[2].Kind != "started" {
		t.Fatalf("timeline %+v", events)
	}
	cancelled, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: campus.ID, Name: "H", Email: "h@example.com", Source: SourceNative})
	db.CancelInvitation(ctx, cancelled.Invitation.ID, "x")
	if _, err := db.StartInvitation(ctx, cancelled.Invitation.ID); !errors.Is(err, ErrNotUsable) {
		t.Fatalf("start cancelled: %v", err)
	}
}

// TestSearchFromTheFullTextIndex covers the ways a search runs: from the
// word index (selective), from the other filters keeping rows whose words
// match (broad), and row by row for text with no words; and the index
// following renames.
func TestSearchFromTheFullTextIndex(t *testing.T) {
	t.Parallel()
	db, tt, def, campus, _ := inviteFixture(t)
	ctx := context.Background()
	// Every other student through the campus link, in one batch per link
	// (a batch mixing links is written row by row): ids rise with the
	// students' numbers within each link, and the last student is newest.
	byLink := map[int64][]NewInvitation{}
	for i := range selectiveMatches + 50 {
		link := def.ID
		if i%2 == 0 {
			link = campus.ID
		}
		byLink[link] = append(byLink[link], NewInvitation{TestID: tt.ID, LinkID: link, Name: fmt.Sprintf("Student %04d", i),
			Email: fmt.Sprintf("s%04d@campus.example", i), Source: SourceImport, Actor: "t"})
	}
	for _, link := range []int64{campus.ID, def.ID} {
		if _, err := db.InviteMany(ctx, byLink[link]); err != nil {
			t.Fatal(err)
		}
	}
	zoe, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: def.ID, Name: "Zoë O'Brien-Ærø", Email: "ZOE@Example.org", Source: SourceNative})
	cases := []struct {
		f     InvitationFilter
		total int
		first string
	}{
		{InvitationFilter{Query: "student 0042"}, 1, "Student 0042"},                        // index, case folded
		{InvitationFilter{Query: "zoe@example"}, 1, zoe.Invitation.Name},                    // index, address
		{InvitationFilter{Query: "o'brien-ær"}, 1, zoe.Invitation.Name},                     // index, punctuation and non-ASCII
		{InvitationFilter{Query: "ZOË"}, 1, zoe.Invitation.Name},                            // index, non-ASCII case
		{InvitationFilter{Query: "07"}, 100, ""},                                            // words beginning with 07
		{InvitationFilter{Query: "campus.example", LinkID: campus.ID}, 525, "Student 1048"}, // broad: from the link
		{InvitationFilter{Query: "campus.example", Status: StatusStarted}, 0, ""},
		{InvitationFilter{Query: "campus.example", CountLimit: 100}, 101, "Student 1049"}, // counted up to the limit
		{InvitationFilter{Query: `"quoted" OR *`}, 0, ""},
		{InvitationFilter{Query: "tudent"}, 0, ""},       // words match by their beginnings
		{InvitationFilter{Query: "student 00"}, 100, ""}, // the last word may be unfinished
		{InvitationFilter{Query: "stud 0042"}, 0, ""},    // the others are whole words
		{InvitationFilter{Query: "@"}, selectiveMatches + 51, ""},
	}
	for _, c := range cases {
		got, total, err := db.Invitations(ctx, c.f)
		if err != nil || total != c.total || (c.first != "" && (len(got) == 0 || got[0].Name != c.first)) {
			first := ""
			if len(got) > 0 {
				first = got[0].Name
			}
			t.Errorf("%+v: total %d, first %q, %v; want %d, %q", c.f, total, first, err, c.total, c.first)
		}
	}
	// Invited again under another name: the index follows the row.
	if _, err := db.CancelInvitation(ctx, zoe.Invitation.ID, "t"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: def.ID, Name: "Renée Lambert", Email: "zoe@example.org", Source: SourceNative}); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := db.Invitations(ctx, InvitationFilter{Query: "o'brien"}); total != 0 {
		t.Errorf("the old name still matches: %d", total)
	}
	if got, total, _ := db.Invitations(ctx, InvitationFilter{Query: "lambert"}); total != 1 || got[0].ID != zoe.Invitation.ID {
		t.Errorf("the new name: %d", total)
	}
}

// searchIndexMatches checks that the search index holds exactly the
// invitations' current names and addresses.
func searchIndexMatches(t *testing.T, db *DB) {
	t.Helper()
	var missing, extra int
	db.r.QueryRow(`SELECT COUNT(*) FROM invitations i WHERE NOT EXISTS (SELECT 1 FROM invitations_search s
		WHERE s.rowid = i.id AND s.name = i.name AND s.email_norm = i.email_norm)`).Scan(&missing)
	db.r.QueryRow(`SELECT COUNT(*) FROM invitations_search s WHERE NOT EXISTS (SELECT 1 FROM invitations i
		WHERE s.rowid = i.id AND s.name = i.name AND s.email_norm = i.email_norm)`).Scan(&extra)
	if missing+extra != 0 {
		t.Errorf("search index out of step: %d invitations missing or stale, %d entries extra", missing, extra)
	}
}

func TestSearchIndexFollowsEveryWayANameOrAddressIsWritten(t *testing.T) {
	t.Parallel()
	db, tt, def, campus, _ := inviteFixture(t)
	ctx := context.Background()
	db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: def.ID, Name: "One", Email: "one@example.com", Source: SourceNative})
	if _, err := db.InviteMany(ctx, []NewInvitation{
		{TestID: tt.ID, LinkID: campus.ID, Name: "Bulk A", Email: "a@example.com", Source: SourceThinkExam, Actor: "x"},
		{TestID: tt.ID, LinkID: campus.ID, Name: "Bulk B", Email: "b@example.com", Source: SourceThinkExam, Actor: "x"},
	}); err != nil {
		t.Fatal(err)
	}
	ph, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: def.ID, GeneratePlaceholders: true, Source: SourceIMocha})
	if _, err := db.UpdateCandidateDetails(ctx, ph.Invitation.ID, "Given Name", "given@example.com"); err != nil {
		t.Fatal(err)
	}
	res, _ := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: def.ID, Name: "Before", Email: "re@example.com", Source: SourceNative})
	db.CancelInvitation(ctx, res.Invitation.ID, "x")
	if _, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: def.ID, Name: "After", Email: "re@example.com", Source: SourceNative}); err != nil {
		t.Fatal(err)
	}
	searchIndexMatches(t, db)
	for q, want := range map[string]int{"given": 1, "candidate": 0, "after": 1, "before": 0, "bulk": 2} {
		if _, total, _ := db.Invitations(ctx, InvitationFilter{Query: q}); total != want {
			t.Errorf("%q: %d, want %d", q, total, want)
		}
	}
}

// A bulk invite larger than a transaction's chunk: every address gets its
// invitation, in order, and an address repeated across chunks gets the
// first one's.
func TestInviteManyAcrossChunks(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, TestInput{Name: "Bulk", Kind: KindAssessment, DurationMinutes: 10}, nil)
	link, _ := db.DefaultLink(ctx, tt.ID)
	var ns []NewInvitation
	for i := range 2*BulkChunk + 10 {
		ns = append(ns, NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "C", Email: fmt.Sprintf("c%d@example.com", i), Source: SourceThinkExam})
	}
	ns[BulkChunk+5].Email = "c3@example.com" // repeated in the second chunk
	ids, err := db.InviteMany(ctx, ns)
	if err != nil || len(ids) != len(ns) {
		t.Fatalf("%d ids, %v", len(ids), err)
	}
	if ids[BulkChunk+5] != ids[3] {
		t.Fatalf("a repeated address got a second invitation: %d and %d", ids[3], ids[BulkChunk+5])
	}
	for i, id := range ids {
		inv, _ := db.Invitation(ctx, id)
		if inv.Email != ns[i].Email {
			t.Fatalf("id %d of request %d is %s's", id, i, inv.Email)
		}
	}
	if _, total, _ := db.Invitations(ctx, InvitationFilter{LinkID: link.ID}); total != len(ns)-1 {
		t.Fatalf("%d invitations, want %d", total, len(ns)-1)
	}
}
