package web

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"testgate/store"
)

type imochaFixture struct {
	srv          *Server
	db           *store.DB
	key          string
	test         store.Test
	def, campus  store.TestLink
	otherTestLnk store.TestLink
}

func newIMochaFixture(t *testing.T) imochaFixture {
	t.Helper()
	srv, db := newTestServer(t)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Java", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	def, _ := db.DefaultLink(ctx, tt.ID)
	campus, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Campus", RedirectURL: "https://link.example.com/after"})
	other, _ := db.CreateTest(ctx, store.TestInput{Name: "Other", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	otherLink, _ := db.DefaultLink(ctx, other.ID)
	return imochaFixture{srv: srv, db: db, key: newAPIKey(t, db), test: tt, def: def, campus: campus, otherTestLnk: otherLink}
}

// call sends a request in iMocha's style and decodes the JSON answer.
func (f imochaFixture) call(t *testing.T, method, path, body string, header map[string]string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-API-KEY", f.key)
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	checkAnswer(t, imochaSpec, req, rec) // as the dialect's OpenAPI document says
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s %s: not JSON: %s", method, path, rec.Body)
	}
	return rec.Code, out
}

func (f imochaFixture) invitePath(testID, linkID int64) string {
	return "/v3/tests/" + idStr(testID) + "/testlinks/" + idStr(linkID) + "/invite"
}

func errorsOf(body map[string]any) []string {
	var out []string
	list, _ := body["errors"].([]any)
	for _, e := range list {
		s, _ := e.(string)
		out = append(out, s)
	}
	return out
}

func TestIMochaInviteSeedExample(t *testing.T) {
	t.Parallel()
	f := newIMochaFixture(t)
	// The seed's request, verbatim in its field spelling (callbackURL, redirectURL).
	body := `{ "email":"amey@example.com", "name":"amey", "callbackURL":"https://www.interviewmocha.com/", "redirectURL":"https://www.interviewmocha.com/", "disableMandatoryFields":0, "hideInstruction":0 }`
	code, out := f.call(t, http.MethodPost, f.invitePath(f.test.ID, f.campus.ID), body, nil)
	if code != http.StatusCreated {
		t.Fatalf("%d %v", code, out)
	}
	id, _ := out["testInvitationId"].(float64)
	url, _ := out["testUrl"].(string)
	if id <= 0 || !strings.HasPrefix(url, testBaseURL+"/t/") || out["status"] != "Pending" || len(out) != 3 {
		t.Fatalf("response %v", out)
	}
	inv, err := f.db.Invitation(context.Background(), int64(id))
	if err != nil {
		t.Fatal(err)
	}
	if inv.CallbackURL != "https://www.interviewmocha.com/" || inv.RedirectURL != "https://www.interviewmocha.com/" ||
		inv.HideInstruction || inv.SendEmail || inv.Source != store.SourceIMocha || inv.Name != "amey" || inv.LinkID != f.campus.ID {
		t.Fatalf("stored %+v", inv)
	}

	// Same email through the same link: the same invitation, 201 again.
	code, again := f.call(t, http.MethodPost, f.invitePath(f.test.ID, f.campus.ID), `{"email":"AMEY@example.com ","name":"Amey"}`, nil)
	if code != http.StatusCreated || again["testInvitationId"] != out["testInvitationId"] || again["testUrl"] != url {
		t.Fatalf("re-invite: %d %v", code, again)
	}
	// Another link of the same test: isolated, its own invitation.
	code, other := f.call(t, http.MethodPost, f.invitePath(f.test.ID, f.def.ID), `{"email":"amey@example.com","name":"amey"}`, nil)
	if code != http.StatusCreated || other["testInvitationId"] == out["testInvitationId"] {
		t.Fatalf("other link: %d %v", code, other)
	}
	// Cancel, then invite again: re-opened as pending with the same id and URL.
	code, cancelled := f.call(t, http.MethodPost, "/v3/invitations/"+idStr(int64(id))+"/cancel", "", nil)
	if code != http.StatusOK || cancelled["status"] != "cancelled" {
		t.Fatalf("cancel: %d %v", code, cancelled)
	}
	code, reopened := f.call(t, http.MethodPost, f.invitePath(f.test.ID, f.campus.ID), `{"email":"amey@example.com","name":"amey"}`, nil)
	if code != http.StatusCreated || reopened["testInvitationId"] != out["testInvitationId"] || reopened["testUrl"] != url || reopened["status"] != "Pending" {
		t.Fatalf("reopen: %d %v", code, reopened)
	}
}

func TestIMochaInviteFields(t *testing.T) {
	t.Parallel()
	f := newIMochaFixture(t)
	ctx := context.Background()
	n := 0
	invite := func(body string) store.Invitation {
		t.Helper()
		code, out := f.call(t, http.MethodPost, f.invitePath(f.test.ID, f.campus.ID), body, nil)
		if code != http.StatusCreated {
			t.Fatalf("%s: %d %v", body, code, out)
		}
		inv, _ := f.db.Invitation(ctx, int64(out["testInvitationId"].(float64)))
		n++
		return inv
	}
	// Defaults come from the link; sendEmail defaults to no.
	inv := invite(`{"email":"a@example.com","name":"A"}`)
	if inv.RedirectURL != "https://link.example.com/after" || inv.SendEmail || inv.HideInstruction || inv.DisableMandatoryFields {
		t.Fatalf("defaults %+v", inv)
	}
	// Every field, lower camel case as the table spells it.
	inv = invite(`{"email":"b@example.com","name":"B","callbackUrl":"https://ats.example.com/cb","redirectUrl":"https://ats.example.com/r","disableMandatoryFields":0,"hideInstruction":1,"sendEmail":"yes"}`)
	if inv.CallbackURL != "https://ats.example.com/cb" || inv.RedirectURL != "https://ats.example.com/r" || !inv.HideInstruction || !inv.SendEmail {
		t.Fatalf("all fields %+v", inv)
	}
	// Any casing of the field names; values as strings or booleans too.
	inv = invite(`{"EMAIL":"c@example.com","Name":"C","CALLBACKURL":"https://ats.example.com/c","HideInstruction":"1","SendEmail":"YES"}`)
	if inv.CallbackURL != "https://ats.example.com/c" || !inv.HideInstruction || !inv.SendEmail {
		t.Fatalf("casing %+v", inv)
	}
	inv = invite(`{"email":"d@example.com","name":"D","hideInstruction":true,"sendEmail":"no"}`)
	if !inv.HideInstruction || inv.SendEmail {
		t.Fatalf("booleans %+v", inv)
	}
	// disableMandatoryFields=1: neither name nor email needed; stand-ins made.
	inv = invite(`{"disableMandatoryFields":1}`)
	if !inv.Placeholder || !inv.DisableMandatoryFields || !store.IsPlaceholderEmail(inv.Email) || inv.Name == "" {
		t.Fatalf("placeholders %+v", inv)
	}
	inv = invite(`{"disableMandatoryFields":1,"email":"e@example.com"}`)
	if inv.Email != "e@example.com" || !inv.Placeholder {
		t.Fatalf("partial placeholders %+v", inv)
	}
	if _, total, _ := f.db.Invitations(ctx, store.InvitationFilter{}); total != n {
		t.Fatalf("%d invitations for %d invites", total, n)
	}
}

func TestIMochaInviteErrors(t *testing.T) {
	t.Parallel()
	f := newIMochaFixture(t)
	long := strings.Repeat("n", 201)
	cases := []struct {
		name, body string
		want       []string
	}{
		{"empty body", ``, []string{"'Email' must not be empty.", "Email address is in invalid format", "'Name' must not be empty."}},
		{"empty object", `{}`, []string{"'Email' must not be empty.", "Email address is in invalid format", "'Name' must not be empty."}},
		{"seed example", `{"email":"","name":"amey"}`, []string{"'Email' must not be empty.", "Email address is in invalid format"}},
		{"blank email", `{"email":"   ","name":"amey"}`, []string{"'Email' must not be empty.", "Email address is in invalid format"}},
		{"bad email", `{"email":"amey.example.com","name":"amey"}`, []string{"Email address is in invalid format"}},
		{"display-name email", `{"email":"Amey <amey@example.com>","name":"amey"}`, []string{"Email address is in invalid format"}},
		{"header injection", `{"email":"a@example.com\r\nBcc: x@example.com","name":"amey"}`, []string{"Email address is in invalid format"}},
		{"no name", `{"email":"a@example.com"}`, []string{"'Name' must not be empty."}},
		{"long name", `{"email":"a@example.com","name":"` + long + `"}`, []string{"The length of 'Name' must be 200 characters or fewer. You entered 201 characters."}},
		{"bad callback", `{"email":"a@example.com","name":"a","callbackUrl":"www.example.com/cb"}`, []string{"'Callback Url' is not a valid URL."}},
		{"bad redirect", `{"email":"a@example.com","name":"a","redirectURL":"javascript:alert(1)"}`, []string{"'Redirect Url' is not a valid URL."}},
		{"bad flag", `{"email":"a@example.com","name":"a","hideInstruction":2}`, []string{"'Hide Instruction' must be 0 or 1."}},
		{"bad dmf", `{"email":"a@example.com","name":"a","disableMandatoryFields":"maybe"}`, []string{"'Disable Mandatory Fields' must be 0 or 1."}},
		{"bad sendEmail", `{"email":"a@example.com","name":"a","sendEmail":"sometimes"}`, []string{"'Send Email' must be either 'yes' or 'no'."}},
		{"name wrong type", `{"email":"a@example.com","name":42}`, []string{"'Name' must be a string."}},
		{"not JSON", `{"email":`, []string{"The request body is not valid JSON."}},
		{"array", `["a@example.com"]`, []string{"The request body is not valid JSON."}},
		{"many at once", `{"email":"x","callbackUrl":"nope","sendEmail":"maybe"}`, []string{"Email address is in invalid format", "'Name' must not be empty.", "'Callback Url' is not a valid URL.", "'Send Email' must be either 'yes' or 'no'."}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out := f.call(t, http.MethodPost, f.invitePath(f.test.ID, f.campus.ID), c.body, nil)
			got := errorsOf(out)
			if code != http.StatusBadRequest || strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Fatalf("%d %q, want %q", code, got, c.want)
			}
		})
	}
	if _, total, _ := f.db.Invitations(context.Background(), store.InvitationFilter{}); total != 0 {
		t.Fatalf("bad requests wrote %d invitations", total)
	}
}

func TestIMochaNotFoundAndAuth(t *testing.T) {
	t.Parallel()
	f := newIMochaFixture(t)
	body := `{"email":"a@example.com","name":"a"}`
	for name, c := range map[string]struct {
		path string
		want string
	}{
		"unknown test":        {f.invitePath(9999, f.campus.ID), "Test not found."},
		"unknown link":        {f.invitePath(f.test.ID, 9999), "Test link not found."},
		"link of other test":  {f.invitePath(f.test.ID, f.otherTestLnk.ID), "Test link not found."},
		"non-numeric test id": {"/v3/tests/abc/testlinks/1/invite", "Test not found."},
	} {
		code, out := f.call(t, http.MethodPost, c.path, body, nil)
		if got := errorsOf(out); code != http.StatusNotFound || len(got) != 1 || got[0] != c.want {
			t.Errorf("%s: %d %v", name, code, out)
		}
	}
	for name, h := range map[string]map[string]string{
		"no key":    {"X-API-KEY": ""},
		"wrong key": {"X-API-KEY": "tgk_nope"},
	} {
		code, out := f.call(t, http.MethodPost, f.invitePath(f.test.ID, f.campus.ID), body, h)
		if code != http.StatusUnauthorized || len(errorsOf(out)) != 1 {
			t.Errorf("%s: %d %v", name, code, out)
		}
	}
	// The header name is matched in any case, as a client writes it on the
	// wire (Go's client would canonicalise it, so the request is written by hand).
	ts := httptest.NewServer(f.srv)
	defer ts.Close()
	for _, name := range []string{"x-api-key", "X-API-KEY", "X-Api-Key"} {
		conn, err := net.Dial("tcp", ts.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\n%s: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
			f.invitePath(f.test.ID, f.campus.ID), ts.Listener.Addr(), name, f.key, len(body), body)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		conn.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Errorf("header %q: %d", name, resp.StatusCode)
		}
	}
	if _, total, _ := f.db.Invitations(context.Background(), store.InvitationFilter{}); total != 1 {
		t.Fatalf("%d invitations", total)
	}
	// A disabled link takes no invitations.
	f.db.SetLinkDisabled(context.Background(), f.campus.ID, true)
	code, out := f.call(t, http.MethodPost, f.invitePath(f.test.ID, f.campus.ID), `{"email":"new@example.com","name":"n"}`, nil)
	if got := errorsOf(out); code != http.StatusBadRequest || got[0] != "The test link is disabled." {
		t.Fatalf("disabled link: %d %v", code, out)
	}
}

func TestIMochaLinksCancelAndReport(t *testing.T) {
	t.Parallel()
	f := newIMochaFixture(t)
	code, out := f.call(t, http.MethodGet, "/v3/tests/"+idStr(f.test.ID)+"/testlinks", "", nil)
	links, _ := out["testLinks"].([]any)
	if code != http.StatusOK || len(links) != 2 {
		t.Fatalf("testlinks: %d %v", code, out)
	}
	first := links[0].(map[string]any)
	if first["testLinkId"] != float64(f.def.ID) || first["isDefault"] != true || first["isActive"] != true ||
		first["testLinkUrl"] != testBaseURL+"/l/"+f.def.Slug {
		t.Fatalf("link %v", first)
	}
	if code, _ := f.call(t, http.MethodGet, "/v3/tests/9999/testlinks", "", nil); code != http.StatusNotFound {
		t.Fatalf("testlinks of unknown test: %d", code)
	}

	_, inv := f.call(t, http.MethodPost, f.invitePath(f.test.ID, f.campus.ID), `{"email":"r@example.com","name":"Rae"}`, nil)
	id := idStr(int64(inv["testInvitationId"].(float64)))
	code, report := f.call(t, http.MethodGet, "/v3/reports/"+id, "", nil)
	if code != http.StatusOK || report["Status"] != "Pending" || report["candidateEmail"] != "r@example.com" || report["candidateEmailId"] != "r@example.com" ||
		report["candidateName"] != "Rae" || report["testName"] != "Java" || report["attemptedOnUtc"] != nil || report["testUrl"] != inv["testUrl"] {
		t.Fatalf("report: %d %v", code, report)
	}
	if code, _ := f.call(t, http.MethodGet, "/v3/reports/9999", "", nil); code != http.StatusNotFound {
		t.Fatalf("report of unknown: %d", code)
	}
	if code, _ := f.call(t, http.MethodPost, "/v3/invitations/9999/cancel", "", nil); code != http.StatusNotFound {
		t.Fatalf("cancel unknown: %d", code)
	}
	// Once started, an invitation cannot be cancelled.
	other, _ := f.db.Invite(context.Background(), store.NewInvitation{TestID: f.test.ID, LinkID: f.campus.ID, Name: "S", Email: "s@example.com", Source: store.SourceIMocha})
	markStarted(t, f.db, other.Invitation.ID)
	code, out = f.call(t, http.MethodPost, "/v3/invitations/"+idStr(other.Invitation.ID)+"/cancel", "", nil)
	if code != http.StatusBadRequest || out["statusCode"] != float64(400) ||
		out["message"] != "Testinvitation state in inprogress, complete, and expired can not be cancelled." {
		t.Fatalf("cancel started: %d %v", code, out)
	}
}

// The dialect's OpenAPI document is served without a key; every answer the
// iMocha tests get is checked against it (call).
func TestIMochaOpenAPIDocumentIsServed(t *testing.T) {
	t.Parallel()
	f := newIMochaFixture(t)
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v3/openapi.json", nil))
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || rec.Code != http.StatusOK || doc["openapi"] != "3.1.0" {
		t.Fatalf("%d %v", rec.Code, err)
	}
	assertRoutesDocumented(t, f.srv, "/v3/", doc)
}
