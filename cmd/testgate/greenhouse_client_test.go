package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// A scripted Greenhouse follows its Assessment API page step by step
// against the real binary: an admin signs in, switches Greenhouse on and
// makes its key; Greenhouse lists the tests, sends a candidate, polls;
// the candidate takes the test from the emailed URL; Testgate PATCHes the
// URL Greenhouse gave, with the key; test_status says "complete" with the
// score and the report. A loopback server stands in for Greenhouse.
func TestGreenhouseClientAgainstTheBinary(t *testing.T) {
	t.Parallel()
	w := startVendorWorld(t)

	// Greenhouse's side: the take_home_tests URL it gives with send_test.
	var mu sync.Mutex
	var patches []string
	greenhouse := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		user, pass, _ := r.BasicAuth()
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		patches = append(patches, r.Method+" "+r.URL.Path+" "+user+":"+pass+" "+string(body))
		mu.Unlock()
	}))
	defer greenhouse.Close()

	// The admin: first-run setup, then Settings → Integrations.
	admin := newAdminConsole(t, w.base)
	code, page := admin.post("/settings/integrations/greenhouse", "/settings/integrations/greenhouse/key", url.Values{"team": {""}})
	m := regexp.MustCompile(`id="greenhouse-key-value" value="([^"]+)"`).FindStringSubmatch(page)
	if code != http.StatusCreated || m == nil {
		t.Fatalf("make Greenhouse's key: %d", code)
	}
	key := m[1]
	if code, _ := admin.post("/settings/integrations/greenhouse", "/settings/integrations/greenhouse", url.Values{"enabled": {"1"}}); code != http.StatusSeeOther {
		t.Fatalf("switch Greenhouse on: %d", code)
	}

	// Greenhouse: HTTP Basic, the key as the user name and a colon.
	call := func(method, path string, body any) (int, any) {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, w.base+path, rd)
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth(key, "")
		resp, err := w.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	code, out := call(http.MethodGet, "/api/greenhouse/list_tests", nil)
	tests, _ := out.([]any)
	if code != http.StatusOK || len(tests) != 1 || tests[0].(map[string]any)["partner_test_name"] != "Go basics" {
		t.Fatalf("list_tests: %d %v", code, out)
	}
	testID := tests[0].(map[string]any)["partner_test_id"]
	code, out = call(http.MethodPost, "/api/greenhouse/send_test", map[string]any{"partner_test_id": testID,
		"candidate": map[string]any{"first_name": "Harry", "last_name": "Potter", "email": "hpotter@example.com",
			"greenhouse_profile_url": "https://app.greenhouse.io/people/17681532?application_id=26234709"},
		"url": greenhouse.URL + "/integrations/testing_partners/take_home_tests/12345"})
	interview, _ := out.(map[string]any)["partner_interview_id"].(string)
	if code != http.StatusOK || interview == "" {
		t.Fatalf("send_test: %d %v", code, out)
	}
	status := "/api/greenhouse/test_status?partner_interview_id=" + interview
	if code, out := call(http.MethodGet, status, nil); code != http.StatusOK || out.(map[string]any)["partner_status"] != "invited" {
		t.Fatalf("test_status: %d %v", code, out)
	}

	// The candidate: the test URL from the emailed invitation (the dev
	// mailbox keeps it), then the test.
	code, invitationPage := admin.get("/invitations/" + interview)
	testURL := regexp.MustCompile(`/t/[A-Za-z0-9_-]+`).FindString(invitationPage)
	if testURL == "" || !strings.Contains(invitationPage, "application 26234709") {
		t.Fatalf("invitation page: %d", code)
	}
	w.takeTest(t, w.base+testURL)

	// Testgate tells Greenhouse; Greenhouse asks, and reads the result.
	deadline := time.Now().Add(15 * time.Second)
	for {
		mu.Lock()
		n := len(patches)
		mu.Unlock()
		if n >= 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	got := append([]string(nil), patches...)
	mu.Unlock()
	want := "PATCH /integrations/testing_partners/take_home_tests/12345 " + key + ": "
	if len(got) != 2 || got[0] != want || got[1] != want {
		t.Fatalf("PATCHes %q, want two of %q", got, want)
	}
	code, out = call(http.MethodGet, status, nil)
	st, _ := out.(map[string]any)
	if code != http.StatusOK || st["partner_status"] != "complete" || st["partner_score"] != 100.0 ||
		st["partner_profile_url"] != w.base+"/invitations/"+interview+"/report" {
		t.Fatalf("test_status after: %d %v", code, out)
	}
	if pdf, _ := st["metadata"].(map[string]any)["Report (PDF)"].(string); !strings.Contains(w.pdfText(t, pdf), "Harry Potter") {
		t.Fatal("the report link does not hold the candidate's report")
	}
	if code, _ := call(http.MethodPost, "/api/greenhouse/response_error", map[string]any{"api_call": "list_tests", "errors": []string{"x"}}); code != http.StatusOK {
		t.Fatalf("response_error: %d", code)
	}
	req, _ := http.NewRequest(http.MethodGet, w.base+"/api/greenhouse/list_tests", nil)
	req.SetBasicAuth("tgk_not_a_key", "")
	if resp, err := w.client.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") == "" {
		t.Fatalf("a wrong key: %v %v", resp, err)
	}
}
