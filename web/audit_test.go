package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"testgate/store"
)

// Changes by users and keys, and views of candidates' answers, are in the
// audit log with who, what, which record and the outcome; candidates'
// own requests and plain reads are not. An admin filters it and downloads
// it; nothing can change or remove an entry.
func TestAuditLog(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{})
	ctx := context.Background()
	key := newAPIKey(t, f.db)
	admin := signIn(t, f.srv, f.db, store.RoleAdmin)
	inv := f.invite(t, store.NewInvitation{Name: "Ann", Email: "ann@audit.example"})
	f.b.get(f.token) // a candidate: not audited
	f.b.post(f.token+"/start", nil)
	f.b.post(f.token+"/answers", url.Values{"action": {"submit"}, f.q(0): {"1"}})

	admin.get("/invitations")                     // a plain read: not audited
	admin.get(invitationPath(inv.ID) + "/report") // a view of the answers
	other := f.invite(t, store.NewInvitation{Name: "Bo", Email: "bo@audit.example"})
	admin.get(invitationPath(other.ID))
	admin.post(invitationPath(other.ID)+"/cancel", url.Values{"confirmed": {"1"}})
	code, _ := api(t, f.srv, http.MethodPost, "/api/native/links/"+idStr(f.link.ID)+"/invitations", key,
		map[string]any{"email": "cy@audit.example", "name": "Cy"})
	if code != http.StatusCreated {
		t.Fatalf("invite: %d", code)
	}
	api(t, f.srv, http.MethodPost, "/api/native/invitations/999999/cancel", key, nil) // refused: audited with its outcome
	padded := f.invite(t, store.NewInvitation{Name: "Di", Email: "di@audit.example"})
	if code, _ := api(t, f.srv, http.MethodPost, fmt.Sprintf("/api/native/invitations/%06d/cancel", padded.ID), key, nil); code != http.StatusOK {
		t.Fatalf("cancel by a padded id: %d", code)
	}
	if entries, _, _ := f.db.AuditPage(ctx, store.AuditFilter{Record: "invitations " + idStr(padded.ID)}); len(entries) != 1 {
		t.Fatalf("the padded id's cancel is not in the invitation's history: %d entries", len(entries))
	}

	page := admin.get("/settings/audit")
	me := "user:" + page.text(`[data-testid="current-user"]`)
	rows := page.doc.Find(`[data-testid="audit-row"]`)
	var got []string
	rows.Each(func(_ int, r *goquerySelection) {
		got = append(got, strings.Join([]string{r.Find(`[data-testid="audit-actor"]`).Text(), r.Find(`[data-testid="audit-action"]`).Text(),
			r.Find(`[data-testid="audit-record"]`).Text(), r.Find(`[data-testid="audit-status"]`).Text()}, " | "))
	})
	want := []string{ // newest first
		"api:test | POST /api/native/invitations/:id/cancel | invitations " + idStr(padded.ID) + " | 200",
		"api:test | POST /api/native/invitations/:id/cancel | invitations 999999 | 404",
		"api:test | POST /api/native/links/:id/invitations | links " + idStr(f.link.ID) + " | 201",
		me + " | POST /invitations/:id/cancel | invitations " + idStr(other.ID) + " | 303",
		me + " | GET /invitations/:id/report | invitations " + idStr(inv.ID) + " | 200",
	}
	if len(got) < len(want) || strings.Join(got[:len(want)], "\n") != strings.Join(want, "\n") {
		t.Fatalf("audit log:\n%s\nwant first:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, g := range got {
		if strings.Contains(g, "/t/:token") || strings.Contains(g, "GET /invitations |") {
			t.Fatalf("audited what is not a change or a view of answers: %s", g)
		}
	}

	// Filters: who, which record, when.
	if n := admin.get("/settings/audit?actor=API:").doc.Find(`[data-testid="audit-row"]`).Length(); n != 3 {
		t.Fatalf("by actor: %d rows", n)
	}
	byRecord := admin.get("/settings/audit?record=" + url.QueryEscape("invitations "+idStr(other.ID)))
	if n := byRecord.doc.Find(`[data-testid="audit-row"]`).Length(); n != 1 {
		t.Fatalf("by record: %d rows", n)
	}
	future := f.now.Add(time.Hour).Format("2006-01-02T15:04")
	if r := admin.get("/settings/audit?from=" + future); r.doc.Find(`[data-testid="no-audit"]`).Length() != 1 {
		t.Fatal("a range after everything still lists entries")
	}
	if r := admin.get("/settings/audit?from=yesterday"); r.Code != http.StatusBadRequest || r.text(`[data-testid="error-from"]`) == "" {
		t.Fatalf("a bad date: %d", r.Code)
	}

	// The CSV holds the filtered entries, oldest first, and is itself audited.
	r := admin.get("/settings/audit.csv?actor=api")
	records, err := csv.NewReader(strings.NewReader(r.Body.String())).ReadAll()
	if err != nil || r.Code != http.StatusOK || len(records) != 4 || records[0][2] != "actor" || records[1][3] != "POST /api/native/links/:id/invitations" {
		t.Fatalf("CSV: %d %v %v", r.Code, records, err)
	}
	last, _, _ := f.db.AuditPage(ctx, store.AuditFilter{})
	if last[0].Action != "GET /settings/audit.csv" || last[0].Actor != me {
		t.Fatalf("the download is not in the log: %+v", last[0])
	}
	// An integration reading a report is a view of the answers too.
	if code, _ := api(t, f.srv, http.MethodGet, "/v3/reports/"+idStr(inv.ID), key, nil); code != http.StatusOK {
		t.Fatalf("iMocha report: %d", code)
	}
	if last, _, _ = f.db.AuditPage(ctx, store.AuditFilter{}); last[0].Action != "GET /v3/reports/:id" || last[0].Actor != "api:test" ||
		last[0].Record != "invitations "+idStr(inv.ID) {
		t.Fatalf("the API's report view: %+v", last[0])
	}

}

// Sign-ins — failed, throttled, through the identity provider — and a
// password set from an emailed link are in the audit log, with the address
// tried and never the link's secret.
func TestAuditLogHoldsSignInsAndPasswordLinks(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	ctx := context.Background()
	admin := signIn(t, srv, db, store.RoleAdmin)
	u, err := db.InviteUser(ctx, store.NewUser{Email: "nia@audit.example", Name: "Nia", Role: store.RoleRecruiter})
	if err != nil {
		t.Fatal(err)
	}
	msgs, _ := db.Outbox(ctx, store.OutboxFilter{})
	token := strings.TrimPrefix(regexp.MustCompile(`/password/[A-Za-z0-9_-]+`).FindString(msgs[0].Text), "/password/")
	b := newBrowser(t, srv)
	b.get("/password/" + token)
	if r := b.post("/password/"+token, url.Values{"password": {"a long enough password"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("set the password: %d", r.Code)
	}
	b.get("/login")
	b.post("/login", url.Values{"email": {"Nia@audit.example"}, "password": {"wrong"}})
	b.post("/login", url.Values{"email": {"nia@audit.example"}, "password": {"a long enough password"}})

	entries, _, _ := db.AuditPage(ctx, store.AuditFilter{})
	var got []string
	for _, e := range entries {
		if strings.Contains(e.Record, token) || strings.Contains(e.Action, token) {
			t.Fatalf("the audit log holds the link's secret: %+v", e)
		}
		got = append(got, e.Actor+" | "+e.Action+" | "+e.Record+" | "+strconv.Itoa(e.Status))
	}
	want := []string{
		"user:nia@audit.example | POST /login | users " + idStr(u.ID) + " | 303",
		"sign-in:nia@audit.example | POST /login |  | 401",
		"password link:nia@audit.example | POST /password/:token | users " + idStr(u.ID) + " | 303",
	}
	if len(got) < 3 || strings.Join(got[:3], "\n") != strings.Join(want, "\n") {
		t.Fatalf("audit log:\n%s\nwant first:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if r := admin.get("/settings/audit?actor=sign-in"); r.doc.Find(`[data-testid="audit-row"]`).Length() != 1 {
		t.Fatal("the failed sign-in is not found by its actor")
	}
}
