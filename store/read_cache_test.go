package store

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// cachedTableWrite is a statement that writes a table the read caches
// hold values of.
var cachedTableWrite = regexp.MustCompile(`(?is)^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+(invitations|tests|test_links|questions|test_sections)\b`)

// TestEveryWriteSaysWhatItChanged reads the store's source: every function
// holding a statement that writes a cached table must say what it changed
// (changedInvitation, addedInvitations, changedTests), or say in a comment
// why cached reads are unchanged. A write that forgot would serve stale
// candidate pages and counts.
func TestEveryWriteSaysWhatItChanged(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	sources, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, name := range sources {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	marks := map[string]bool{"changedInvitation": true, "addedInvitations": true, "changedTests": true, "execChangingTests": true}
	writes := 0
	for _, f := range files {
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			var statements []string
			said := false
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.BasicLit:
					if n.Kind == token.STRING && cachedTableWrite.MatchString(strings.Trim(n.Value, "`\"")) {
						statements = append(statements, n.Value)
					}
				case *ast.SelectorExpr:
					said = said || marks[n.Sel.Name]
				}
				return true
			})
			for _, c := range f.Comments {
				if c.Pos() > fn.Pos() && c.End() < fn.End() && strings.Contains(c.Text(), "Cached reads unchanged") {
					said = true
				}
			}
			writes += len(statements)
			if len(statements) > 0 && !said {
				t.Errorf("%s: %s writes %.60s… but does not say what it changed", fset.Position(fn.Pos()), fn.Name.Name, statements[0])
			}
		}
	}
	if writes < 30 { // the check must be reading the statements
		t.Fatalf("found only %d writes of cached tables", writes)
	}
}

// TestOneCandidatesWriteKeepsTheOthersPagesCached changes one candidate's
// invitation: that page is read afresh, another candidate's page stays
// cached (a change behind the store's back proves it), and a change to
// their test drops both.
func TestOneCandidatesWriteKeepsTheOthersPagesCached(t *testing.T) {
	t.Parallel()
	db, tt, _, campus, _ := inviteFixture(t)
	ctx := context.Background()
	var tokens []string
	var ids []int64
	for _, who := range []string{"ann", "bob"} {
		res, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: campus.ID, Name: who, Email: who + "@example.com", Source: SourceNative})
		if err != nil {
			t.Fatal(err)
		}
		tokens, ids = append(tokens, res.Invitation.Token), append(ids, res.Invitation.ID)
	}
	read := func(token string) (Invitation, Test) {
		t.Helper()
		inv, test, err := db.InvitationAndTestByToken(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		return inv, test
	}
	read(tokens[0])
	read(tokens[1])
	raw := behindTheBack(t, db)
	if _, err := raw.Exec(`UPDATE invitations SET name = name || ' (behind)'`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.OpenInvitation(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if inv, _ := read(tokens[0]); inv.Status != StatusOpened || inv.Name != "ann (behind)" {
		t.Errorf("the changed invitation's page is stale: %s %q", inv.Status, inv.Name)
	}
	if inv, _ := read(tokens[1]); inv.Name != "bob" {
		t.Errorf("another candidate's page was dropped: %q", inv.Name)
	}
	if err := db.ChooseLanguage(ctx, ids[1], "fr"); err != nil {
		t.Fatal(err)
	}
	if inv, _ := read(tokens[1]); inv.ChosenLang != "fr" || inv.Name != "bob (behind)" {
		t.Errorf("after choosing a language the page reads %q %q", inv.ChosenLang, inv.Name)
	}
	if _, err := raw.Exec(`UPDATE invitations SET name = 'again'`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateTest(ctx, tt.ID, TestInput{Name: "Renamed", Kind: tt.Kind, DurationMinutes: 30}); err != nil {
		t.Fatal(err)
	}
	for _, token := range tokens {
		if inv, test := read(token); test.Name != "Renamed" || inv.Name != "again" {
			t.Errorf("after the test changed %s reads %q / %q", token, inv.Name, test.Name)
		}
	}
}

// TestCandidateCacheNeverServesAStalePage reads a candidate's page data,
// changes it through every kind of store write the page shows, and reads
// again; a write made behind the store's back proves the reads are cached.
func TestCandidateCacheNeverServesAStalePage(t *testing.T) {
	t.Parallel()
	db, tt, _, campus, _ := inviteFixture(t)
	ctx := context.Background()
	res, err := db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: campus.ID, Name: "Ann", Email: "ann@example.com", Source: SourceNative})
	if err != nil {
		t.Fatal(err)
	}
	token := res.Invitation.Token
	read := func() (Invitation, Test) {
		t.Helper()
		inv, test, err := db.InvitationAndTestByToken(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		return inv, test
	}
	read()

	// Behind the store's back: the cache answers, so the change is not seen.
	raw := behindTheBack(t, db)
	if _, err := raw.Exec(`UPDATE invitations SET name = 'Behind the back' WHERE id = ?`, res.Invitation.ID); err != nil {
		t.Fatal(err)
	}
	if inv, _ := read(); inv.Name != "Ann" {
		t.Fatalf("not cached: %q", inv.Name)
	}

	steps := []struct {
		what  string
		write func() error
		check func(Invitation, Test) bool
	}{
		{"opened", func() error { _, err := db.OpenInvitation(ctx, res.Invitation.ID); return err },
			func(inv Invitation, _ Test) bool { return inv.Status == StatusOpened && inv.Name == "Behind the back" }},
		{"test renamed", func() error {
			_, err := db.UpdateTest(ctx, tt.ID, TestInput{Name: "Renamed", Kind: tt.Kind, DurationMinutes: 45})
			return err
		}, func(inv Invitation, test Test) bool {
			return test.Name == "Renamed" && test.DurationMinutes == 45 && inv.TestName == "Renamed"
		}},
		{"question added", func() error {
			_, err := db.AddQuestion(ctx, tt.ID, QuestionInput{Text: "2+2?", Kind: QuestionSingle, Options: []string{"3", "4"}, Correct: []int{1}})
			return err
		}, func(_ Invitation, test Test) bool { return test.QuestionCount == 1 }},
		{"link renamed", func() error {
			_, err := db.UpdateLink(ctx, campus.ID, LinkInput{Name: "Campus 2028"})
			return err
		}, func(inv Invitation, _ Test) bool { return inv.LinkName == "Campus 2028" }},
		{"test archived", func() error { return db.SetTestArchived(ctx, tt.ID, true) },
			func(_ Invitation, test Test) bool { return test.Archived() }},
		{"cancelled", func() error { _, err := db.CancelInvitation(ctx, res.Invitation.ID, "t"); return err },
			func(inv Invitation, _ Test) bool { return inv.Status == StatusCancelled }},
	}
	for _, s := range steps {
		read() // cached before the write
		if err := s.write(); err != nil {
			t.Fatalf("%s: %v", s.what, err)
		}
		if inv, test := read(); !s.check(inv, test) {
			t.Errorf("after %s the page still reads %+v / %+v", s.what, inv.Status, test.Name)
		}
	}
}

// TestListCountsAreCachedUntilAWrite pages a filter twice with a row added
// behind the store's back in between (the count is cached), then invites
// through the store: the count is read again.
func TestListCountsAreCachedUntilAWrite(t *testing.T) {
	t.Parallel()
	db, tt, def, _, _ := inviteFixture(t)
	ctx := context.Background()
	for i := range 3 {
		db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: def.ID, Name: "P", Email: fmt.Sprintf("p%d@example.com", i), Source: SourceNative})
	}
	f := InvitationFilter{LinkID: def.ID, PageSize: 2}
	if _, total, _ := db.Invitations(ctx, f); total != 3 {
		t.Fatalf("total %d", total)
	}
	raw := behindTheBack(t, db)
	if _, err := raw.Exec(`INSERT INTO invitations (test_id, link_id, token, name, email, email_norm, status, source, invited_at, created_at, updated_at)
		VALUES (?, ?, 'behind', 'B', 'b@example.com', 'b@example.com', 'invited', 'native', 1, 1, 1)`, tt.ID, def.ID); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := db.Invitations(ctx, InvitationFilter{LinkID: def.ID, PageSize: 2, Page: 2}); total != 3 {
		t.Fatalf("page 2 counted again: %d", total)
	}
	if _, total, _ := db.Invitations(ctx, InvitationFilter{LinkID: def.ID, Status: StatusInvited}); total != 4 {
		t.Fatalf("another filter is counted afresh: %d", total)
	}
	db.Invite(ctx, NewInvitation{TestID: tt.ID, LinkID: def.ID, Name: "Q", Email: "q@example.com", Source: SourceNative})
	if _, total, _ := db.Invitations(ctx, f); total != 5 {
		t.Fatalf("after a write: %d", total)
	}
}

// A link read by id is cached until a test or link changes through the
// store: a change behind its back is not seen, one through it is.
func TestALinkIsCachedUntilALinkChanges(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	ctx := context.Background()
	tt, err := db.CreateTest(ctx, sampleTest, nil)
	if err != nil {
		t.Fatal(err)
	}
	l, err := db.CreateLink(ctx, tt.ID, LinkInput{Name: "Campus"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Link(ctx, l.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.ExecContext(ctx, `UPDATE test_links SET name = 'Behind its back' WHERE id = `+fmt.Sprint(l.ID)); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Link(ctx, l.ID); got.Name != "Campus" {
		t.Fatalf("the link was read again: %q", got.Name)
	}
	if err := db.SetLinkDisabled(ctx, l.ID, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Link(ctx, l.ID); got.Name != "Behind its back" || !got.Disabled() {
		t.Fatalf("after a change through the store the link reads %q, disabled %v", got.Name, got.Disabled())
	}
}
