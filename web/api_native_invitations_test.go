package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"testgate/store"
)

func TestNativeInvitations(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	key := newAPIKey(t, db)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	link, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Campus", SendEmail: true, CallbackURL: "https://ats.example.com/hook"})
	path := "/api/native/links/" + idStr(link.ID) + "/invitations"
	expires := time.Now().UTC().Add(72 * time.Hour).Truncate(time.Second).Format(time.RFC3339)

	code, inv := api(t, srv, http.MethodPost, path, key, map[string]any{
		"email": "Kim@Example.com", "name": "Kim", "redirectUrl": "https://careers.example.com/thanks",
		"hideInstruction": true, "expiresAt": expires,
	})
	if code != http.StatusCreated {
		t.Fatalf("invite: %d %v", code, inv)
	}
	if inv["email"] != "Kim@Example.com" || inv["status"] != "invited" || inv["testId"] != float64(tt.ID) || inv["linkId"] != float64(link.ID) ||
		inv["sendEmail"] != true || inv["callbackUrl"] != "https://ats.example.com/hook" || inv["redirectUrl"] != "https://careers.example.com/thanks" ||
		inv["hideInstruction"] != true || inv["expiresAt"] != expires || inv["score"] != nil || inv["openedAt"] != nil ||
		!strings.HasPrefix(inv["testUrl"].(string), testBaseURL+"/t/") || inv["source"] != "native" {
		t.Fatalf("invitation %v", inv)
	}
	id := idStr(int64(inv["id"].(float64)))
	code, again := api(t, srv, http.MethodPost, path, key, map[string]any{"email": "kim@example.com", "name": "Kim"})
	if code != http.StatusOK || again["id"] != inv["id"] {
		t.Fatalf("same address again: %d %v", code, again)
	}
	code, got := api(t, srv, http.MethodGet, "/api/native/invitations/"+id, key, nil)
	if code != http.StatusOK || got["testUrl"] != inv["testUrl"] || got["createdAt"] == nil {
		t.Fatalf("get: %d %v", code, got)
	}

	api(t, srv, http.MethodPost, path, key, map[string]any{"email": "lee@example.com", "name": "Lee"})
	code, list := api(t, srv, http.MethodGet, "/api/native/invitations?testId="+idStr(tt.ID)+"&q=lee", key, nil)
	if code != http.StatusOK || list["total"] != 1.0 || len(list["invitations"].([]any)) != 1 {
		t.Fatalf("list: %d %v", code, list)
	}
	code, list = api(t, srv, http.MethodGet, "/api/native/invitations?status=invited&pageSize=1&page=2", key, nil)
	if code != http.StatusOK || list["total"] != 2.0 || list["page"] != 2.0 || len(list["invitations"].([]any)) != 1 {
		t.Fatalf("paged: %d %v", code, list)
	}
	for query, field := range map[string]string{"status=done": "status", "page=0": "page", "pageSize=500": "pageSize", "testId=x": "testId"} {
		code, body := api(t, srv, http.MethodGet, "/api/native/invitations?"+query, key, nil)
		if _, _, fields := errorOf(body); code != http.StatusBadRequest || fields[field] == nil {
			t.Errorf("%s: %d %v", query, code, body)
		}
	}

	code, cancelled := api(t, srv, http.MethodPost, "/api/native/invitations/"+id+"/cancel", key, nil)
	if code != http.StatusOK || cancelled["status"] != "cancelled" || cancelled["cancelledAt"] == nil {
		t.Fatalf("cancel: %d %v", code, cancelled)
	}
	code, reopened := api(t, srv, http.MethodPost, path, key, map[string]any{"email": "kim@example.com", "name": "Kim"})
	if code != http.StatusCreated || reopened["id"] != inv["id"] || reopened["status"] != "invited" {
		t.Fatalf("reopen: %d %v", code, reopened)
	}
	markStarted(t, db, int64(inv["id"].(float64)))
	code, body := api(t, srv, http.MethodPost, "/api/native/invitations/"+id+"/cancel", key, nil)
	if c, _, _ := errorOf(body); code != http.StatusConflict || c != "conflict" {
		t.Fatalf("cancel started: %d %v", code, body)
	}
	for _, p := range []string{"/api/native/invitations/999", "/api/native/invitations/x"} {
		if code, _ := api(t, srv, http.MethodGet, p, key, nil); code != http.StatusNotFound {
			t.Errorf("GET %s: %d", p, code)
		}
	}
}

func TestNativeInviteErrors(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	key := newAPIKey(t, db)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	link, _ := db.DefaultLink(ctx, tt.ID)
	path := "/api/native/links/" + idStr(link.ID) + "/invitations"
	for _, c := range []struct {
		body  map[string]any
		field string
		msg   string
	}{
		{map[string]any{"name": "A"}, "email", "is required"},
		{map[string]any{"name": "A", "email": "nope"}, "email", "is not a valid email address"},
		{map[string]any{"email": "a@example.com"}, "name", "is required"},
		{map[string]any{"email": "a@example.com", "name": "A", "callbackUrl": "x"}, "callbackUrl", "must be an absolute http(s) URL"},
		{map[string]any{"email": "a@example.com", "name": "A", "expiresAt": "tomorrow"}, "expiresAt", "must be an RFC 3339 time, e.g. 2027-01-31T18:00:00Z"},
		{map[string]any{"email": "a@example.com", "name": "A", "expiresAt": "2001-01-01T00:00:00Z"}, "expiresAt", "must be in the future"},
		{map[string]any{"email": "a@example.com", "name": "A", "sendEmail": "yes"}, "sendEmail", "must be true or false"},
		{map[string]any{"email": "a@example.com", "name": "A", "testId": 1}, "testId", "is not a known field"},
	} {
		code, body := api(t, srv, http.MethodPost, path, key, c.body)
		if _, _, fields := errorOf(body); code != http.StatusBadRequest || fields[c.field] != c.msg {
			t.Errorf("%s: %d %v", c.field, code, body)
		}
	}
	if code, _ := api(t, srv, http.MethodPost, "/api/native/links/999/invitations", key, map[string]any{"email": "a@example.com", "name": "A"}); code != http.StatusNotFound {
		t.Errorf("unknown link: %d", code)
	}
	db.SetLinkDisabled(ctx, link.ID, true)
	code, body := api(t, srv, http.MethodPost, path, key, map[string]any{"email": "a@example.com", "name": "A"})
	if c, msg, _ := errorOf(body); code != http.StatusConflict || c != "conflict" || msg != "The test link is disabled." {
		t.Errorf("disabled link: %d %v", code, body)
	}
	if _, total, _ := db.Invitations(ctx, store.InvitationFilter{}); total != 0 {
		t.Fatalf("bad requests wrote %d invitations", total)
	}
}

func TestOpenAPIDocument(t *testing.T) {
	t.Parallel()
	srv, _ := newTestServer(t)
	code, doc := api(t, srv, http.MethodGet, "/api/native/openapi.json", "", nil)
	if code != http.StatusOK || doc["openapi"] != "3.1.0" {
		t.Fatalf("%d %v", code, doc["openapi"])
	}
	servers := doc["servers"].([]any)
	if servers[0].(map[string]any)["url"] != testBaseURL {
		t.Fatalf("servers %v", servers)
	}
	paths := doc["paths"].(map[string]any)
	// Every native route is described.
	for _, r := range srv.Echo().Routes() {
		if !strings.HasPrefix(r.Path, "/api/native/") || strings.HasSuffix(r.Path, "*") || r.Path == "/api/native/openapi.json" {
			continue
		}
		p := r.Path
		for _, name := range []string{":id"} {
			p = strings.ReplaceAll(p, name, "{id}")
		}
		item, ok := paths[p].(map[string]any)
		if !ok || item[strings.ToLower(r.Method)] == nil {
			t.Errorf("OpenAPI lacks %s %s", r.Method, p)
		}
	}
}
