package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"testgate/store"
	"testgate/web/api/thinkexam"
)

// hostileBodies are requests no API route may accept: malformed JSON,
// wrong types, numbers no field holds, control and bidi characters,
// header injection, oversized and deeply nested documents.
var hostileBodies = map[string]string{
	"empty":           ``,
	"truncated":       `{"name": "x", "email": `,
	"array":           `[]`,
	"null":            `null`,
	"string":          `"just a string"`,
	"wrong types":     `{"name": 123, "email": ["a@example.com"], "testId": {"id": 1}, "fullname": true, "candidates": "x", "invite_type": 7}`,
	"huge numbers":    `{"testId": 1e400, "testLinkId": 123456789012345678901234567890, "durationMinutes": -1e308, "name": "x", "email": "x@"}`,
	"null bytes":      `{"name": "A\u0000B", "email": "a\u0000b@example.com", "fullname": "\u0000", "candidateEmail": "\u0000@example.com"}`,
	"bidi override":   `{"name": "\u202egnp.exe", "email": "\u202eevil@example.com", "fullname": "\u202e", "candidateEmail": "\u202ex@example.com", "candidates": [{"email": "\u202ey@example.com", "name": "\u202e"}]}`,
	"header splitter": `{"name": "X\r\nBcc: victim@example.com", "email": "a@example.com\r\nBcc: victim@example.com", "candidateEmail": "a@example.com\nBcc: v@example.com"}`,
	"deep nesting":    strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000),
	"oversized":       `{"name": "` + strings.Repeat("A", 3<<20) + `"}`,
	"not JSON":        "name=x&email=a%40example.com",
	// The review's reproduction: an address with a byte that is not UTF-8
	// was stored with a replacement character.
	"invalid UTF-8":  "{\"name\": \"utf\xff\", \"email\": \"utf\xff@example.com\", \"candidate_email\": \"utf\xff@example.com\", \"candidateEmail\": \"utf\xff@example.com\", \"emailId\": \"utf\xff@example.com\", \"candidates\": [{\"email\": \"utf\xff@example.com\"}]}",
	"lone surrogate": `{"name": "a\ud800b", "email": "a\udc00@example.com", "candidate_email": "a\ud800@example.com", "candidateEmail": "a\ud800@example.com", "emailId": "a\ud800@example.com", "candidates": [{"email": "a\ud800@example.com"}]}`,
}

// hostileStatus is the status a hostile body must get where one status is
// right for every route; others get any 4xx.
var hostileStatus = map[string]int{
	"oversized": http.StatusRequestEntityTooLarge, "chunked oversized": http.StatusRequestEntityTooLarge,
	"invalid UTF-8": http.StatusBadRequest, "lone surrogate": http.StatusBadRequest,
}

// chunked sends a request's body without a declared length.
func chunked(r *http.Request) {
	r.ContentLength = -1
	r.TransferEncoding = []string{"chunked"}
}

// dialectShape checks an error body speaks the route's dialect.
func dialectShape(path string, body map[string]any) bool {
	switch {
	case strings.HasPrefix(path, "/api/native/"):
		e, ok := body["error"].(map[string]any)
		return ok && e["message"] != nil && e["code"] != nil
	case strings.HasPrefix(path, "/v3/"), strings.HasPrefix(path, "/api/greenhouse/"):
		_, ok := body["errors"].([]any)
		return ok
	case strings.HasPrefix(path, "/api/ashby/"): // {success: false, errors}, or start's 422 {message}
		_, ok := body["errors"].([]any)
		_, shown := body["message"].(string)
		return (ok && body["success"] == false) || shown
	case strings.HasPrefix(path, "/api/integration/rest/v1/"):
		e, ok := body["error"].(map[string]any)
		return ok && e["message"] != nil
	case strings.HasPrefix(path, "/api/v1/"):
		e, ok := body["error"].(map[string]any)
		return ok && body["result"] == "error" && e["code"] != nil && e["msg"] != nil
	default: // Xobin
		_, ok := body["error"].(string)
		return ok
	}
}

// listsWhateverObject reports a body a route that reads no field takes:
// Ashby's assessment.list carries an object its schema leaves open (or
// nothing), so any JSON object lists.
func listsWhateverObject(path, body string) bool {
	var object map[string]any
	return path == "/api/ashby/assessment.list" && (strings.TrimSpace(body) == "" || json.Unmarshal([]byte(body), &object) == nil && object != nil)
}

// apiPath fills an API route's parameters: tests and links with the ones
// given, anything else (invitations, candidates, reports) with an id that
// does not exist.
func apiPath(route string, testID, linkID int64) string {
	p := strings.NewReplacer(":testLinkId", idStr(linkID), ":testId", idStr(testID), ":taskId", idStr(testID)).Replace(route)
	switch {
	case strings.HasPrefix(p, "/api/native/tests/:id"):
		p = strings.Replace(p, ":id", idStr(testID), 1)
	case strings.HasPrefix(p, "/api/native/links/:id"):
		p = strings.Replace(p, ":id", idStr(linkID), 1)
	}
	return regexp.MustCompile(`:[a-zA-Z_]+`).ReplaceAllString(p, "987654")
}

// callAPI sends a body with the key's credentials in every dialect's
// headers (X-API-Key, apiKey, ThinkExam's ak/ts/sgn) and decodes the answer.
func callAPI(srv *Server, db *store.DB, key store.CreatedAPIKey, method, path, body string, adjust ...func(*http.Request)) (*httptest.ResponseRecorder, map[string]any) {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for _, f := range adjust {
		f(req)
	}
	req.Header.Set("Content-Type", "application/json")
	ts := strconv.FormatInt(db.Now().Unix(), 10)
	for k, v := range map[string]string{"X-API-Key": key.Key, "apiKey": key.Key, "ak": key.PublicID, "ts": ts,
		"sgn": thinkexam.Signature(key.SigningSecret, key.PublicID, ts)} {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	var out map[string]any
	json.Unmarshal(rec.Body.Bytes(), &out)
	return rec, out
}

// TestHostileInputOnEveryAPIRoute sends every hostile body to every API
// route that takes one, authenticated, with real ids in the path, and
// checks each answer is a 4xx in the route's dialect with nothing written.
func TestHostileInputOnEveryAPIRoute(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Hostile", Kind: store.KindAssessment, DurationMinutes: 10}, nil)
	link, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Hostile link", SendEmail: true})
	key, _ := db.CreateAPIKey(ctx, store.NewAPIKey{Name: "hostile"})
	enableATSs(t, db)
	counts := func() string {
		var parts []string
		for _, table := range []string{"tests", "test_links", "invitations", "invitation_events", "outbox", "callback_deliveries", "api_keys"} {
			parts = append(parts, table+"="+strconv.Itoa(countRows(t, db, `SELECT COUNT(*) FROM `+table)))
		}
		return strings.Join(parts, " ")
	}
	before := counts()
	tested := 0
	for _, r := range matrixRoutes(t, srv) {
		where, _ := routeSurface(r.method, r.path)
		if r.method == http.MethodGet || (where == public && r.path != "/api/v1/generateSignature") || where == console || where == consoleAdmin {
			continue
		}
		path := apiPath(r.path, tt.ID, link.ID)
		for name, body := range hostileBodies {
			rec, out := callAPI(srv, db, key, r.method, path, body)
			if listsWhateverObject(r.path, body) && rec.Code == http.StatusOK {
				continue // it reads no field, so any object (or none) lists; nothing is written, as checked below
			}
			if rec.Code < 400 || rec.Code >= 500 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") || !dialectShape(path, out) {
				t.Errorf("%s %s, %s: %d %s %.200s", r.method, r.path, name, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
			// (Routes that read no body answer for the unknown id in their path.)
			if want := hostileStatus[name]; want != 0 && rec.Code != want && rec.Code != http.StatusNotFound {
				t.Errorf("%s %s, %s: %d, want %d", r.method, r.path, name, rec.Code, want)
			}
		}
		// Sent in chunks, with no length to refuse it by, a body over the
		// limit is still a 413 in the dialect, not a JSON syntax error.
		rec, out := callAPI(srv, db, key, r.method, path, hostileBodies["oversized"], chunked)
		if rec.Code != http.StatusRequestEntityTooLarge && rec.Code != http.StatusNotFound || !dialectShape(path, out) {
			t.Errorf("%s %s, chunked oversized: %d %.200s", r.method, r.path, rec.Code, rec.Body)
		}
		tested++
	}
	if after := counts(); after != before {
		t.Errorf("hostile input wrote:\nbefore %s\nafter  %s", before, after)
	}
	if tested < 15 {
		t.Fatalf("only %d routes", tested)
	}
}
