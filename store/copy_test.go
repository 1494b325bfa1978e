package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// The copy's table list is every table of the schema but the search index
// (rebuilt), the migrations' and the processes' (each database's own): a
// new table cannot be left behind.
func TestCopyCoversEveryTable(t *testing.T) {
	t.Parallel()
	lite := sqliteTestDB(t)
	all := names(t, lite.r, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'invitations_search%' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('schema_migrations', 'processes')`)
	got := slices.Clone(copyTables)
	slices.Sort(got)
	if !slices.Equal(all, got) {
		t.Fatalf("tables %v\ncopied %v", all, got)
	}
}

// sqliteTestDB is a migrated SQLite store, whichever engine the tests run on.
func sqliteTestDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "tg.db"), testWiring)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestCopyToPostgresIsVerifiedAndResumable fills a SQLite installation
// with a bit of everything, copies it into PostgreSQL with the copy cut
// short midway, copies again (it goes on where it stopped, each row once),
// and once more (nothing to copy): each run verifies every table. The
// copy then works as the installation: search, a renamed team, the logo,
// and new rows numbered after the copied ones.
func TestCopyToPostgresIsVerifiedAndResumable(t *testing.T) {
	ctx := context.Background()
	src := sqliteTestDB(t)
	now := time.Date(2027, 5, 3, 9, 0, 0, 0, time.UTC)
	src.SetClock(func() time.Time { return now })
	if err := src.UpdateTeam(ctx, DefaultTeamID, "All of us", nil); err != nil {
		t.Fatal(err)
	}
	qa, err := src.CreateTeam(ctx, "QA")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.CreateUser(ctx, NewUser{Email: "rita@example.com", Name: "Rita", Password: "rita's password", Role: RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	if _, err := src.CreateAPIKey(ctx, NewAPIKey{Name: "ATS", Scope: ScopeInvite, TeamID: &qa.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := src.SetBranding(ctx, Branding{Organisation: "Acme", Logo: []byte("\x89PNG\r\n\x1a\n\x00\x01"), LogoType: "image/png"}, false); err != nil {
		t.Fatal(err)
	}
	tt, err := src.CreateTest(ctx, TestInput{Name: "Go", Kind: KindAssessment, DurationMinutes: 20},
		[]QuestionInput{{Text: "2+2?", Kind: QuestionSingle, Options: []string{"3", "4"}, Correct: []int{1}}, {Text: "Why Go?", Kind: QuestionText}})
	if err != nil {
		t.Fatal(err)
	}
	hook, yes := "http://127.0.0.1:9/hook", true
	link, err := src.CreateLink(ctx, tt.ID, LinkInput{Name: "Campus", CallbackURL: hook, SendEmail: true})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i := range 40 {
		res, err := src.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: fmt.Sprintf("Zoë Novák %d", i),
			Email: fmt.Sprintf("zoe%d@example.com", i), SendEmail: &yes, Source: SourceNative})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.Invitation.ID)
	}
	for _, id := range ids[:10] {
		inv, err := src.StartInvitation(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		qs, _ := src.AttemptQuestions(ctx, inv)
		src.SaveAnswers(ctx, id, []AnswerInput{{QuestionID: qs[0].ID, Choices: []int{1}}, {QuestionID: qs[1].ID, Text: "Because."}}, nil)
		if _, err := src.CompleteInvitation(ctx, id, ReasonSubmitted); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := src.CreateImport(ctx, NewImport{LinkID: link.ID, Actor: "user:rita@example.com", FileName: "a.csv", TotalRows: 2,
		Rows:     []ImportRow{{Line: 2, Name: "Ann", Email: "ann@example.com"}},
		Rejected: []ImportRejection{{Line: 3, Name: "Bad", Email: "bad@", Reason: "invalid"}}}); err != nil {
		t.Fatal(err)
	}
	src.Audit(ctx, AuditEntry{At: now, Actor: "user:rita@example.com", Action: "POST /tests", Status: 201, IP: "203.0.113.7"})

	dst := newPostgresDB(t)
	copyBatch = 7 // many batches, so that the copy is cut between two
	defer func() { copyBatch = 2000 }()
	cutCtx, cut := context.WithCancel(ctx)
	_, err = src.CopyTo(cutCtx, dst, CopyProgress{Copied: func(table string, copied int64) {
		if table == "invitations" && copied >= 14 {
			cut()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("the cut copy: %v", err)
	}
	var verified []string
	first, err := src.CopyTo(ctx, dst, CopyProgress{Verified: func(tc TableCopy) { verified = append(verified, tc.Table) }})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(verified, copyTables) {
		t.Fatalf("verified %v", verified)
	}
	for _, tc := range first {
		switch {
		case tc.Table == "invitations" && (tc.Rows != 40 || tc.Copied != 40-14):
			t.Errorf("invitations: %d rows, %d copied on the second run", tc.Rows, tc.Copied)
		case tc.Table == "outbox" && tc.Rows < 40:
			t.Errorf("outbox: %d rows", tc.Rows)
		case tc.Table == "settings" && tc.Copied != 0:
			t.Errorf("settings copied again: %d", tc.Copied)
		}
	}
	again, err := src.CopyTo(ctx, dst, CopyProgress{})
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range again {
		if tc.Checksum != first[i].Checksum || tc.Table != "teams" && tc.Copied != 0 {
			t.Errorf("%s on the third run: %d copied, checksum %s → %s", tc.Table, tc.Copied, first[i].Checksum[:8], tc.Checksum[:8])
		}
	}

	// The copy is the installation.
	if found, total, err := dst.Invitations(ctx, InvitationFilter{Query: "zoe novak 1"}); err != nil || total != 11 || len(found) == 0 {
		t.Errorf("search on the copy: %d found, %v", total, err)
	}
	if teams, _ := dst.ListTeams(ctx); len(teams) != 2 || teams[0].Name != "All of us" || teams[1].Name != "QA" {
		t.Errorf("teams: %+v", teams)
	}
	if b, _ := dst.Branding(ctx); b.Organisation != "Acme" || string(b.Logo) != "\x89PNG\r\n\x1a\n\x00\x01" {
		t.Errorf("branding: %q %q", b.Organisation, b.Logo)
	}
	res, err := dst.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "After", Email: "after@example.com", Source: SourceNative})
	if err != nil || res.Invitation.ID != ids[len(ids)-1]+1 {
		t.Fatalf("a new invitation after the copy: %d %v", res.Invitation.ID, err)
	}
	if team, err := dst.CreateTeam(ctx, "Later"); err != nil || team.ID != qa.ID+1 {
		t.Fatalf("a new team after the copy: %+v %v", team, err)
	}
}

// A copy from a file behind the binary's schema, or into something that
// is not PostgreSQL, is refused before anything is written.
func TestCopyRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lite := sqliteTestDB(t)
	if _, err := lite.CopyTo(ctx, sqliteTestDB(t), CopyProgress{}); err == nil {
		t.Error("a copy into SQLite")
	}
	old, err := Open(ctx, filepath.Join(t.TempDir(), "old.db"), testWiring)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if _, err := old.CopyTo(ctx, newPostgresDB(t), CopyProgress{}); err == nil {
		t.Error("a copy of a file that was never migrated")
	}
}
