package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"testgate/store"
)

// fileHolds reports whether the database file or its write-ahead log
// holds any of the words, case folded: what a person reading the disk
// would find.
func fileHolds(t *testing.T, db *store.DB, words ...string) []string {
	t.Helper()
	var found []string
	for _, path := range []string{db.Path(), db.Path() + "-wal"} {
		raw, err := os.ReadFile(path)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		raw = bytes.ToLower(raw)
		for _, w := range words {
			if bytes.Contains(raw, []byte(strings.ToLower(w))) {
				found = append(found, w+" in "+path[strings.LastIndexByte(path, '.'):])
			}
		}
	}
	return found
}

// A candidate who asks to be forgotten through iMocha's GDPR call: after
// it, no byte of their name, address, words or IP address is left in the
// database file or its log, while the attempt still counts.
func TestEraseLeavesNoByteOfTheCandidate(t *testing.T) {
	t.Parallel()
	sqliteOnly(t, "the bytes of the database file") // PostgreSQL's old row versions wait for its vacuum
	f := newCandidateFixture(t, store.LinkInput{})
	ctx := context.Background()
	key := newAPIKey(t, f.db)
	hook, yes := "http://127.0.0.1:9/hooks", true
	inv := f.invite(t, store.NewInvitation{Name: "Zelda Quartermaine", Email: "Zelda.Q@erasure.example", CallbackURL: &hook, SendEmail: &yes})
	f.b.ip = "198.51.100.77:4000"
	f.b.get(f.token)
	f.b.post(f.token+"/start", nil)
	f.b.post(f.token+"/answers", url.Values{"action": {"submit"}, f.q(0): {"1"}, f.q(1): {"0"}, f.q(2): {"Quartermaine's reason: it compiles fast."}})
	if _, err := f.db.GradeAnswer(ctx, inv.ID, store.GradeInput{QuestionID: f.qs[2].ID, Points: 1, Comment: "Zelda explains it well"}, "user:rita@example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CreateImport(ctx, store.NewImport{LinkID: f.link.ID, Actor: "user:rita@example.com", FileName: "list.csv",
		Header: []string{"name", "email"}, TotalRows: 1, Rejected: []store.ImportRejection{{Line: 2, Name: "Zelda Quartermaine",
			Email: "zelda.q@erasure.example", Reason: store.ReasonAlreadyInvited, Record: []string{"Zelda Quartermaine", "zelda.q@erasure.example"}}}}); err != nil {
		t.Fatal(err)
	}
	f.b = newBrowser(t, f.srv)
	other := f.invite(t, store.NewInvitation{Name: "Olga Steadfast", Email: "olga.s@erasure.example", SendEmail: &yes})
	before, _ := f.db.Invitation(ctx, inv.ID)
	person := []string{"Zelda", "Quartermaine", "zelda.q@erasure.example", "198.51.100.77"}
	if found := fileHolds(t, f.db, person...); len(found) < len(person) {
		t.Fatalf("the scan cannot see what it looks for: only %v", found)
	}

	code, out := api(t, f.srv, http.MethodPost, "/v3/gdpr/requests", key, map[string]any{"CandidateEmail": "ZELDA.Q@erasure.example"})
	if code != http.StatusOK || out["result"] != "Request accepted for processing" {
		t.Fatalf("GDPR request: %d %v", code, out)
	}
	if found := fileHolds(t, f.db, person...); len(found) > 0 {
		t.Fatalf("after the erase the disk still holds %v", found)
	}
	if found := fileHolds(t, f.db, "Olga Steadfast"); len(found) == 0 {
		t.Fatal("the erase took another candidate with it")
	}

	// The attempt still counts, anonymous.
	code, got := api(t, f.srv, http.MethodGet, "/api/native/invitations/"+idStr(inv.ID), key, nil)
	if code != http.StatusOK || got["name"] != store.ErasedName || got["status"] != "completed" || got["erasedAt"] == nil ||
		got["score"] != float64(*before.Score) || got["review"] != "graded" {
		t.Fatalf("the erased invitation: %d %v", code, got)
	}
	admin := signIn(t, f.srv, f.db, store.RoleAdmin)
	rows := admin.get(testPath(f.test.ID) + "/results").doc.Find(`[data-testid="result-row"]`)
	if rows.Length() != 1 || !strings.Contains(rows.Text(), store.ErasedName) {
		t.Fatalf("results after the erase: %q", rows.Text())
	}
	if o, _ := f.db.Invitation(ctx, other.ID); o.Name != "Olga Steadfast" {
		t.Fatalf("another candidate: %q", o.Name)
	}

	// Nothing is left under the address; ids of another's attempt are refused.
	code, out = api(t, f.srv, http.MethodPost, "/v3/gdpr/requests", key, map[string]any{"CandidateEmail": "zelda.q@erasure.example"})
	if errs, _ := out["errors"].([]any); code != http.StatusBadRequest || len(errs) != 1 ||
		errs[0] != "No records found for given Email address: zelda.q@erasure.example" {
		t.Fatalf("second request: %d %v", code, out)
	}
	code, out = api(t, f.srv, http.MethodPost, "/v3/gdpr/requests", key, map[string]any{"CandidateEmail": "someone@erasure.example", "testinvitationId": other.ID})
	if code != http.StatusBadRequest || out["result"] != nil {
		t.Fatalf("another's attempt: %d %v", code, out)
	}
	if o, _ := f.db.Invitation(ctx, other.ID); o.ErasedAt != nil {
		t.Fatal("another's attempt was erased")
	}
	for _, body := range []string{`{}`, `{"CandidateEmail":"not an address"}`, `{"CandidateEmail":"olga.s@erasure.example","testinvitationId":"1,x"}`, `[`} {
		if code, out := api(t, f.srv, http.MethodPost, "/v3/gdpr/requests", key, body); code != http.StatusBadRequest || out["errors"] == nil {
			t.Errorf("%s: %d %v", body, code, out)
		}
	}
	code, out = api(t, f.srv, http.MethodPost, "/v3/gdpr/requests", key, map[string]any{"CandidateEmail": "Olga.S@erasure.example", "testinvitationId": idStr(other.ID)})
	if o, _ := f.db.Invitation(ctx, other.ID); code != http.StatusOK || o.ErasedAt == nil || o.Status != store.StatusCancelled {
		t.Fatalf("one named attempt: %d %v, then %s erased %v", code, out, o.Status, o.ErasedAt)
	}
}

// An admin erases from the invitation page, after being asked; a
// recruiter is not offered it and cannot post it. The native API erases
// one invitation or an address.
func TestEraseFromTheConsoleAndTheNativeAPI(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{})
	ctx := context.Background()
	first := f.invite(t, store.NewInvitation{Name: "Ines Vale", Email: "ines@erasure.example"})
	second, _ := f.db.CreateLink(ctx, f.test.ID, store.LinkInput{Name: "Second round"})
	res, _ := f.db.Invite(ctx, store.NewInvitation{TestID: f.test.ID, LinkID: second.ID, Name: "Ines Vale", Email: "INES@erasure.example", Source: store.SourceConsole})
	again := res.Invitation

	recruiter := signIn(t, f.srv, f.db, store.RoleRecruiter)
	if page := recruiter.get(invitationPath(first.ID)); page.doc.Find(`[data-testid="erase-section"]`).Length() != 0 {
		t.Fatal("a recruiter is offered the erase")
	}
	if r := recruiter.post(invitationPath(first.ID)+"/erase", url.Values{"scope": {"address"}, "confirmed": {"1"}}); r.Code != http.StatusForbidden {
		t.Fatalf("a recruiter's erase: %d", r.Code)
	}
	admin := signIn(t, f.srv, f.db, store.RoleAdmin)
	page := admin.get(invitationPath(first.ID))
	if got := page.text(`[data-testid="erase-section"] fieldset`); !strings.Contains(got, "Every invitation of ines@erasure.example (2)") {
		t.Fatalf("erase choices: %q", got)
	}
	question, done := admin.postConfirmed(invitationPath(first.ID)+"/erase", url.Values{"scope": {"address"}})
	if got := question.text(`[data-testid="confirmation"]`); !strings.Contains(got, "2 invitations of this address") || !strings.Contains(got, "cannot be undone") {
		t.Fatalf("the question: %q", got)
	}
	if done.Code != http.StatusSeeOther {
		t.Fatalf("erase: %d", done.Code)
	}
	page = admin.get(invitationPath(first.ID))
	if !strings.Contains(page.text(`[data-testid="flash"]`), "erased from 2 invitations") || page.text(`[data-testid="invitation-name"]`) != store.ErasedName ||
		page.doc.Find(`[data-testid="erased-notice"]`).Length() != 1 || page.doc.Find(`[data-testid="erase-section"]`).Length() != 0 {
		t.Fatalf("after the erase: flash %q, name %q", page.text(`[data-testid="flash"]`), page.text(`[data-testid="invitation-name"]`))
	}
	if tl := page.text(`[data-testid="timeline"]`); !strings.Contains(tl, "Candidate's data erased") || strings.Contains(strings.ToLower(tl), "ines") {
		t.Fatalf("timeline after the erase: %q", tl)
	}
	for _, id := range []int64{first.ID, again.ID} {
		if inv, _ := f.db.Invitation(ctx, id); inv.ErasedAt == nil || inv.Status != store.StatusCancelled {
			t.Fatalf("invitation %d: %s, erased %v", id, inv.Status, inv.ErasedAt)
		}
	}
	if list := admin.get("/invitations?q=ines"); list.doc.Find(`[data-testid="invitations"] tbody tr`).Length() != 0 {
		t.Fatal("the list still finds the erased candidate")
	}

	key := newAPIKey(t, f.db)
	kim := f.invite(t, store.NewInvitation{Name: "Kim Park", Email: "kim@erasure.example"})
	code, got := api(t, f.srv, http.MethodPost, "/api/native/invitations/"+idStr(kim.ID)+"/erase", key, nil)
	if code != http.StatusOK || got["name"] != store.ErasedName || got["erasedAt"] == nil || got["status"] != "cancelled" ||
		strings.Contains(got["email"].(string), "kim") {
		t.Fatalf("native erase: %d %v", code, got)
	}
	code, got = api(t, f.srv, http.MethodPost, "/api/native/candidates/erase", key, map[string]any{"email": "kim@erasure.example"})
	if c, _, _ := errorOf(got); code != http.StatusNotFound || c != "not_found" {
		t.Fatalf("an address with nothing left: %d %v", code, got)
	}
	lee := f.invite(t, store.NewInvitation{Name: "Lee", Email: "lee@erasure.example"})
	code, got = api(t, f.srv, http.MethodPost, "/api/native/candidates/erase", key, map[string]any{"email": " Lee@Erasure.example"})
	if ids, _ := got["erased"].([]any); code != http.StatusOK || len(ids) != 1 || ids[0] != float64(lee.ID) {
		t.Fatalf("native erase by address: %d %v", code, got)
	}
	code, got = api(t, f.srv, http.MethodPost, "/api/native/candidates/erase", key, map[string]any{})
	if _, _, fields := errorOf(got); code != http.StatusBadRequest || fields["email"] == nil {
		t.Fatalf("no address: %d %v", code, got)
	}
}

// A candidate asks for their data: an admin downloads it from the
// invitation page, an integration asks the native API; both hold every
// invitation of the address with its answers, emails and signals.
func TestCandidateDataExport(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{})
	ctx := context.Background()
	yes, hook := true, "http://127.0.0.1:9/hooks?candidate=rui@export.example"
	inv := f.invite(t, store.NewInvitation{Name: "Rui Costa", Email: "rui@export.example", SendEmail: &yes, CallbackURL: &hook,
		ExternalData: json.RawMessage(`{"cv":"rui-costa.pdf"}`), Group: "Lisbon"})
	if _, err := f.db.CreateImport(ctx, store.NewImport{LinkID: f.link.ID, Actor: "user:rita@example.com", FileName: "list.csv",
		Header: []string{"name", "email", "cv"}, TotalRows: 1, Rejected: []store.ImportRejection{{Line: 7, Name: "Rui Costa",
			Email: "rui@export.example", Reason: store.ReasonAlreadyInvited, Record: []string{"Rui Costa", "rui@export.example", "rui.pdf"}}}}); err != nil {
		t.Fatal(err)
	}
	f.b.ip = "203.0.113.9:5000"
	f.b.get(f.token)
	f.b.post(f.token+"/start", nil)
	f.b.post(f.token+"/answers", url.Values{"action": {"submit"}, f.q(0): {"1"}, f.q(1): {"0"}, f.q(2): {"Simple and fast."}})
	second, _ := f.db.CreateLink(ctx, f.test.ID, store.LinkInput{Name: "Second round"})
	f.db.Invite(ctx, store.NewInvitation{TestID: f.test.ID, LinkID: second.ID, Name: "Rui Costa", Email: "RUI@export.example", Source: store.SourceConsole})

	check := func(who string, raw []byte) {
		t.Helper()
		var data store.SubjectAccess
		if err := json.Unmarshal(raw, &data); err != nil {
			t.Fatalf("%s: %v in %s", who, err, raw)
		}
		if data.Email != "rui@export.example" || len(data.Invitations) != 2 {
			t.Fatalf("%s: %s, %d invitations", who, data.Email, len(data.Invitations))
		}
		first := data.Invitations[0]
		if first.ID != inv.ID || first.Name != "Rui Costa" || first.Status != "completed" || first.Test != "Go backend" || len(first.Answers) != 3 {
			t.Fatalf("%s: first invitation %+v", who, first)
		}
		if a := first.Answers[0]; a.Question != "2+2?" || len(a.Chosen) != 1 || a.Chosen[0] != "4" || a.Points == nil || *a.Points != 1 {
			t.Fatalf("%s: choice answer %+v", who, a)
		}
		if a := first.Answers[2]; a.Question != "Why Go?" || a.Text != "Simple and fast." {
			t.Fatalf("%s: written answer %+v", who, a)
		}
		if len(first.Emails) != 1 || first.Emails[0].To != "rui@export.example" || !strings.Contains(first.Emails[0].Text, "Rui Costa") {
			t.Fatalf("%s: emails %+v", who, first.Emails)
		}
		if len(first.Signals) == 0 || first.Signals[0].IP != "203.0.113.9" || len(first.Timeline) < 4 {
			t.Fatalf("%s: signals %+v, %d timeline entries", who, first.Signals, len(first.Timeline))
		}
		var extra map[string]string
		json.Unmarshal(first.ExternalData, &extra)
		if extra["cv"] != "rui-costa.pdf" || first.Group != "Lisbon" || first.CallbackURL != hook ||
			len(first.Callbacks) != 2 || first.Callbacks[0].URL != hook {
			t.Fatalf("%s: integrator's data %s, group %q, callback %q, callbacks %+v", who, first.ExternalData, first.Group, first.CallbackURL, first.Callbacks)
		}
		if len(data.RefusedRows) != 1 || data.RefusedRows[0].Line != 7 || data.RefusedRows[0].File != "list.csv" ||
			strings.Join(data.RefusedRows[0].Record, ",") != "Rui Costa,rui@export.example,rui.pdf" {
			t.Fatalf("%s: refused rows %+v", who, data.RefusedRows)
		}
	}
	admin := signIn(t, f.srv, f.db, store.RoleAdmin)
	link, _ := admin.get(invitationPath(inv.ID)).doc.Find(`[data-testid="export-candidate"]`).Attr("href")
	r := admin.get(link)
	if r.Code != http.StatusOK || !strings.Contains(r.Header().Get("Content-Disposition"), "attachment") || r.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("download %s: %d %v", link, r.Code, r.Header())
	}
	check("console", r.Body.Bytes())

	key := newAPIKey(t, f.db)
	req := httptest.NewRequest(http.MethodPost, "/api/native/candidates/export", strings.NewReader(`{"email":" Rui@Export.example "}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-API-Key", key)
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("native export: %d %s", rec.Code, rec.Body)
	}
	check("native API", rec.Body.Bytes())
	if code, got := api(t, f.srv, http.MethodPost, "/api/native/candidates/export", key, map[string]any{"email": "nobody@export.example"}); code != http.StatusNotFound {
		t.Fatalf("unknown address: %d %v", code, got)
	}
	if code, got := api(t, f.srv, http.MethodPost, "/api/native/candidates/export", key, map[string]any{}); code != http.StatusBadRequest {
		t.Fatalf("no address: %d %v", code, got)
	}
}

// An admin sets the retention period; a wrong one is refused at its field
// and nothing changes; empty keeps candidates' data.
func TestRetentionSetting(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	ctx := context.Background()
	admin := signIn(t, srv, db, store.RoleAdmin)
	page := admin.get("/settings/privacy")
	if page.Code != http.StatusOK || page.doc.Find(`input[name="retentionDays"]`).AttrOr("value", "x") != "" {
		t.Fatalf("privacy page: %d", page.Code)
	}
	r := admin.post("/settings/privacy", url.Values{"retentionDays": {"30"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("save: %d", r.Code)
	}
	page = admin.get("/settings/privacy")
	if v := page.doc.Find(`input[name="retentionDays"]`).AttrOr("value", ""); v != "30" || !strings.Contains(page.text(`[data-testid="flash"]`), "30 days after") {
		t.Fatalf("after saving: %q, flash %q", v, page.text(`[data-testid="flash"]`))
	}
	for _, bad := range []string{"0", "-3", "abc", "3651", "1.5"} {
		r := admin.post("/settings/privacy", url.Values{"retentionDays": {bad}})
		if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.text(`[data-testid="error-retentionDays"]`), "between 1 and 3650") {
			t.Errorf("%q: %d %q", bad, r.Code, r.text(`[data-testid="error-retentionDays"]`))
		}
		if days, _ := db.RetentionDays(ctx); days != 30 {
			t.Fatalf("%q changed the setting to %d", bad, days)
		}
	}
	admin.post("/settings/privacy", url.Values{"retentionDays": {""}})
	if days, _ := db.RetentionDays(ctx); days != 0 {
		t.Fatalf("empty: %d days", days)
	}
}
