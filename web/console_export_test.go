package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"testgate/store"
)

func TestExportInvitationsAsCSV(t *testing.T) {
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleRecruiter)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go, \"advanced\"", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	link, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Campus"})
	names := []string{`Smith, "Jo"`, "Zoë Ångström 李", "=HYPERLINK(\"http://evil\")", "+1 caller", "-minus", "@handle"}
	for i, n := range names {
		if _, err := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: n, Email: "p" + idStr(int64(i)) + "@example.com", Source: store.SourceNative}); err != nil {
			t.Fatal(err)
		}
	}
	db.Invite(ctx, store.NewInvitation{TestID: tt.ID, Name: "Elsewhere", Email: "e@example.com", Source: store.SourceNative})

	r := b.get(linkPath(link.ID) + "/invitations.csv")
	if r.Code != http.StatusOK || !strings.HasPrefix(r.Header().Get("Content-Type"), "text/csv") ||
		!strings.Contains(r.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("%d %v", r.Code, r.Header())
	}
	rows, err := csv.NewReader(strings.NewReader(r.Body.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(names) || strings.Join(rows[0], ",") != strings.Join(exportHeader, ",") {
		t.Fatalf("rows %d, header %v", len(rows), rows[0])
	}
	want := []string{`Smith, "Jo"`, "Zoë Ångström 李", "'=HYPERLINK(\"http://evil\")", "'+1 caller", "'-minus", "'@handle"}
	for i, row := range rows[1:] {
		if row[3] != want[i] || row[1] != `Go, "advanced"` || row[5] != "invited" || !strings.HasPrefix(row[13], testBaseURL+"/t/") {
			t.Errorf("row %d: %q", i, row)
		}
	}
	if r := b.get(testPath(tt.ID) + "/invitations.csv"); strings.Count(r.Body.String(), "\n") != 1+len(names)+1 {
		t.Fatalf("test export lines: %d", strings.Count(r.Body.String(), "\n"))
	}
	if r := b.get("/tests/99999/invitations.csv"); r.Code != http.StatusNotFound {
		t.Fatalf("missing test: %d", r.Code)
	}
	if r := newBrowser(t, srv).get(linkPath(link.ID) + "/invitations.csv"); r.Code != http.StatusSeeOther {
		t.Fatalf("anonymous export: %d", r.Code)
	}
}
