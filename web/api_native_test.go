package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"testgate/store"
)

func newAPIKey(t *testing.T, db *store.DB) string {
	t.Helper()
	k, err := db.CreateAPIKey(context.Background(), store.NewAPIKey{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return k.Key
}

func errorOf(body map[string]any) (code, message string, fields map[string]any) {
	e, _ := body["error"].(map[string]any)
	code, _ = e["code"].(string)
	message, _ = e["message"].(string)
	fields, _ = e["fields"].(map[string]any)
	return
}

func TestNativeAPIAuthentication(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	key := newAPIKey(t, db)
	revoked, _ := db.CreateAPIKey(context.Background(), store.NewAPIKey{Name: "old"})
	db.RevokeAPIKey(context.Background(), revoked.ID)

	for name, set := range map[string]func(*http.Request){
		"none":         func(r *http.Request) {},
		"wrong key":    func(r *http.Request) { r.Header.Set("X-API-Key", "tgk_wrong") },
		"not ours":     func(r *http.Request) { r.Header.Set("X-API-Key", "sk_live_123") },
		"revoked":      func(r *http.Request) { r.Header.Set("X-API-Key", revoked.Key) },
		"basic scheme": func(r *http.Request) { r.Header.Set("Authorization", "Basic "+key) },
	} {
		req := httptest.NewRequest(http.MethodGet, "/api/native/tests", nil)
		set(req)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), `"code":"unauthorized"`) {
			t.Errorf("%s: %d %s", name, rec.Code, rec.Body)
		}
		if rec.Header().Get("WWW-Authenticate") == "" {
			t.Errorf("%s: no WWW-Authenticate", name)
		}
	}
	for name, set := range map[string]func(*http.Request){
		"X-API-Key":       func(r *http.Request) { r.Header.Set("X-API-Key", key) },
		"lower-case name": func(r *http.Request) { r.Header["x-api-key"] = []string{key} },
		"Bearer":          func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+key) },
		"bearer":          func(r *http.Request) { r.Header.Set("Authorization", "bearer  "+key) },
	} {
		req := httptest.NewRequest(http.MethodGet, "/api/native/tests", nil)
		set(req)
		// Headers arriving off the wire are canonicalised by net/http.
		for k, v := range req.Header {
			delete(req.Header, k)
			req.Header[http.CanonicalHeaderKey(k)] = v
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Errorf("%s: %d %s", name, rec.Code, rec.Body)
		}
	}
	// Unknown API routes answer in the API's dialect, after authentication.
	if code, body := api(t, srv, http.MethodGet, "/api/native/nope", key, nil); code != http.StatusNotFound {
		t.Errorf("unknown route: %d %v", code, body)
	}
}

func TestNativeCreateTest(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	key := newAPIKey(t, db)
	code, body := api(t, srv, http.MethodPost, "/api/native/tests", key, map[string]any{
		"name": "Go backend", "kind": "assessment", "instructions": "No notes.", "durationMinutes": 45, "passingScore": 70,
		"questions": []map[string]any{
			{"text": "2+2?", "kind": "single", "options": []string{"3", "4"}, "correct": []int{1}},
			{"text": "Primes", "kind": "multiple", "options": []string{"2", "4", "5"}, "correct": []int{0, 2}},
			{"text": "Why?", "kind": "text"},
		},
	})
	if code != http.StatusCreated {
		t.Fatalf("create: %d %v", code, body)
	}
	if body["name"] != "Go backend" || body["kind"] != "assessment" || body["durationMinutes"] != 45.0 ||
		body["passingScore"] != 70.0 || body["questionCount"] != 3.0 || body["archived"] != false {
		t.Fatalf("test body %v", body)
	}
	qs := body["questions"].([]any)
	q1 := qs[1].(map[string]any)
	if len(qs) != 3 || q1["kind"] != "multiple" || q1["position"] != 2.0 || len(q1["correct"].([]any)) != 2 {
		t.Fatalf("questions %v", qs)
	}
	link := body["defaultLink"].(map[string]any)
	// The default link is invite-only: it has no page of its own to hand out.
	if link["isDefault"] != true || link["url"] != nil {
		t.Fatalf("default link %v", link)
	}
	id := int64(body["id"].(float64))

	code, got := api(t, srv, http.MethodGet, "/api/native/tests/"+idStr(id), key, nil)
	if code != http.StatusOK || got["name"] != "Go backend" || len(got["questions"].([]any)) != 3 {
		t.Fatalf("get: %d %v", code, got)
	}
	code, list := api(t, srv, http.MethodGet, "/api/native/tests?q=backend", key, nil)
	if code != http.StatusOK || len(list["tests"].([]any)) != 1 {
		t.Fatalf("list: %d %v", code, list)
	}
	if _, list := api(t, srv, http.MethodGet, "/api/native/tests?archived=true", key, nil); len(list["tests"].([]any)) != 0 {
		t.Fatalf("archived list: %v", list)
	}
	if code, _ := api(t, srv, http.MethodGet, "/api/native/tests?archived=maybe", key, nil); code != http.StatusBadRequest {
		t.Fatalf("bad archived filter: %d", code)
	}
	// Kind defaults to assessment.
	if code, body := api(t, srv, http.MethodPost, "/api/native/tests", key, map[string]any{"name": "x", "durationMinutes": 5}); code != http.StatusCreated || body["kind"] != "assessment" {
		t.Fatalf("default kind: %d %v", code, body)
	}
	for _, path := range []string{"/api/native/tests/999", "/api/native/tests/abc", "/api/native/tests/0"} {
		code, body := api(t, srv, http.MethodGet, path, key, nil)
		if c, _, _ := errorOf(body); code != http.StatusNotFound || c != "not_found" {
			t.Errorf("GET %s: %d %v", path, code, body)
		}
	}
}

func TestNativeCreateTestErrors(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	key := newAPIKey(t, db)
	cases := []struct {
		name   string
		body   any
		field  string // "" when the error is about the whole body
		expect string
	}{
		{"empty body", "", "", "must be a JSON object"},
		{"not JSON", "{name: 1}", "", "not valid JSON"},
		{"truncated", `{"name": "x"`, "", "not valid JSON"},
		{"array", `[]`, "", "must be a JSON object"},
		{"two objects", `{"name":"a","durationMinutes":5} {}`, "", "single JSON object"},
		{"unknown field", map[string]any{"name": "x", "durationMinutes": 5, "duration": 5}, "duration", "is not a known field"},
		{"name missing", map[string]any{"durationMinutes": 5}, "name", "is required"},
		{"name wrong type", map[string]any{"name": 5, "durationMinutes": 5}, "name", "must be a string"},
		{"kind unknown", map[string]any{"name": "x", "kind": "quiz", "durationMinutes": 5}, "kind", "must be assessment or interview"},
		{"duration missing", map[string]any{"name": "x"}, "durationMinutes", "is required"},
		{"duration string", map[string]any{"name": "x", "durationMinutes": "45"}, "durationMinutes", "must be a whole number"},
		{"duration fraction", `{"name":"x","durationMinutes":4.5}`, "durationMinutes", "must be a whole number"},
		{"duration huge", `{"name":"x","durationMinutes":1e40}`, "durationMinutes", "must be a whole number"},
		{"duration zero", map[string]any{"name": "x", "durationMinutes": 0}, "durationMinutes", "must be between 1 and 1440 minutes"},
		{"passing over", map[string]any{"name": "x", "durationMinutes": 5, "passingScore": 120}, "passingScore", "must be between 0 and 100 (percent)"},
		{"questions not array", map[string]any{"name": "x", "durationMinutes": 5, "questions": "a"}, "questions", "must be an array"},
		{"question kind", map[string]any{"name": "x", "durationMinutes": 5, "questions": []any{map[string]any{"text": "q"}}}, "questions[0].kind", "must be one of single, multiple, truefalse, numeric, ordering, matching, blanks, text, essay or code"},
		{"question options", map[string]any{"name": "x", "durationMinutes": 5, "questions": []any{
			map[string]any{"text": "q", "kind": "text"},
			map[string]any{"text": "q", "kind": "single", "options": []string{"a"}, "correct": []int{0}}}}, "questions[1].options", "must list at least 2 options"},
		{"question correct", map[string]any{"name": "x", "durationMinutes": 5, "questions": []any{
			map[string]any{"text": "q", "kind": "single", "options": []string{"a", "b"}, "correct": []int{5}}}}, "questions[0].correct", "index 5 is not an option"},
		{"interview choice", map[string]any{"name": "x", "kind": "interview", "durationMinutes": 5, "questions": []any{
			map[string]any{"text": "q", "kind": "single", "options": []string{"a", "b"}, "correct": []int{0}}}}, "questions[0].kind", "must be text, essay or code in an interview"},
		{"correct wrong type", map[string]any{"name": "x", "durationMinutes": 5, "questions": []any{
			map[string]any{"text": "q", "kind": "single", "options": []string{"a", "b"}, "correct": "0"}}}, "questions.correct", "must be an array"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, body := api(t, srv, http.MethodPost, "/api/native/tests", key, c.body)
			errCode, msg, fields := errorOf(body)
			if code != http.StatusBadRequest || errCode != "invalid_request" {
				t.Fatalf("%d %v", code, body)
			}
			if c.field == "" {
				if !strings.Contains(msg, c.expect) {
					t.Fatalf("message %q, want %q", msg, c.expect)
				}
				return
			}
			if fields[c.field] != c.expect {
				t.Fatalf("fields %v, want %s: %s", fields, c.field, c.expect)
			}
		})
	}
	if tests, _ := db.Tests(context.Background(), store.TestFilter{}); len(tests) != 0 {
		t.Fatalf("bad requests wrote %d tests", len(tests))
	}
	// Every body has a size limit.
	big := `{"name":"x","durationMinutes":5,"instructions":"` + strings.Repeat("a", 3<<20) + `"}`
	code, body := api(t, srv, http.MethodPost, "/api/native/tests", key, big)
	if c, _, _ := errorOf(body); code != http.StatusRequestEntityTooLarge || c != "payload_too_large" {
		t.Fatalf("oversized body: %d %v", code, body)
	}
}

func TestNativeLinks(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	key := newAPIKey(t, db)
	tt, _ := db.CreateTest(context.Background(), store.TestInput{Name: "Go", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	path := "/api/native/tests/" + idStr(tt.ID) + "/links"

	code, body := api(t, srv, http.MethodPost, path, key, map[string]any{
		"name": "Campus", "callbackUrl": "https://ats.example.com/hook", "redirectUrl": "https://careers.example.com/thanks",
		"hideInstruction": true, "disableMandatoryFields": true, "sendEmail": true, "expiresAt": "2099-01-31T18:00:00+01:00",
		"public": true, "slug": "campus", "maxUses": 100,
	})
	if code != http.StatusCreated {
		t.Fatalf("create: %d %v", code, body)
	}
	if page := newBrowser(t, srv).get("/l/campus"); page.Code != http.StatusOK {
		t.Fatalf("the link's url answers %d", page.Code)
	}
	if body["url"] != testBaseURL+"/l/campus" || body["testId"] != float64(tt.ID) || body["expiresAt"] != "2099-01-31T17:00:00Z" ||
		body["hideInstruction"] != true || body["disableMandatoryFields"] != true || body["sendEmail"] != true ||
		body["public"] != true || body["maxUses"] != 100.0 || body["isDefault"] != false || body["validFrom"] != nil {
		t.Fatalf("link body %v", body)
	}
	code, list := api(t, srv, http.MethodGet, path, key, nil)
	if code != http.StatusOK || len(list["links"].([]any)) != 2 {
		t.Fatalf("list: %d %v", code, list)
	}

	bad := []struct {
		body  map[string]any
		field string
		msg   string
	}{
		{map[string]any{}, "name", "is required"},
		{map[string]any{"name": "x", "callbackUrl": "not a url"}, "callbackUrl", "must be an absolute http(s) URL"},
		{map[string]any{"name": "x", "redirectUrl": "data:text/html,hi"}, "redirectUrl", "must be an absolute http(s) URL"},
		{map[string]any{"name": "x", "expiresAt": "31/01/2099"}, "expiresAt", "must be an RFC 3339 time, e.g. 2027-01-31T18:00:00Z"},
		{map[string]any{"name": "x", "expiresAt": "2001-01-01T00:00:00Z"}, "expiresAt", "must be in the future"},
		{map[string]any{"name": "x", "validFrom": "2099-02-01T00:00:00Z", "validUntil": "2099-01-01T00:00:00Z"}, "validUntil", "must be later than the opening time (validFrom)"},
		{map[string]any{"name": "x", "hideInstruction": 1}, "hideInstruction", "must be true or false"},
		{map[string]any{"name": "x", "maxUses": -1}, "maxUses", "must be between 0 (unlimited) and 1000000"},
		{map[string]any{"name": "x", "slug": "campus"}, "slug", "is already used by another link"},
		{map[string]any{"name": "x", "slug": "Bad Slug"}, "slug", "must be 3 to 64 lower-case letters, digits or dashes, starting with a letter or digit"},
	}
	for _, c := range bad {
		code, body := api(t, srv, http.MethodPost, path, key, c.body)
		_, _, fields := errorOf(body)
		if code != http.StatusBadRequest || fields[c.field] != c.msg {
			t.Errorf("%s: %d %v", c.field, code, body)
		}
	}
	if links, _ := db.Links(context.Background(), tt.ID); len(links) != 2 {
		t.Fatalf("bad requests wrote links: %d", len(links))
	}
	if code, _ := api(t, srv, http.MethodPost, "/api/native/tests/999/links", key, map[string]any{"name": "x"}); code != http.StatusNotFound {
		t.Fatalf("link for missing test: %d", code)
	}
	if code, _ := api(t, srv, http.MethodGet, "/api/native/tests/999/links", key, nil); code != http.StatusNotFound {
		t.Fatalf("links of missing test: %d", code)
	}
}
