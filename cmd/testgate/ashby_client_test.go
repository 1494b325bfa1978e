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

// A scripted Ashby follows its Assessments Partner API step by step against
// the real binary: an admin makes Ashby's key, keeps an Ashby API key and
// points Testgate at a loopback server standing in for Ashby's API, tests
// the connection; Ashby lists the tests, starts an assessment, and hears
// every change through assessment.update, the score and report at the end;
// an assessment started and cancelled from Ashby is cancelled here.
func TestAshbyClientAgainstTheBinary(t *testing.T) {
	t.Parallel()
	w := startVendorWorld(t)

	var mu sync.Mutex
	var updates []map[string]any
	ashby := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "application/json")
		if user, _, _ := r.BasicAuth(); user != "ashby-customer-key" {
			io.WriteString(rw, `{"success": false, "errors": ["invalid_api_key"]}`)
			return
		}
		switch r.URL.Path {
		case "/apiKey.info":
			io.WriteString(rw, `{"success": true, "results": {"title": "Partner key"}}`)
		case "/assessment.update":
			var u map[string]any
			json.NewDecoder(r.Body).Decode(&u)
			mu.Lock()
			updates = append(updates, u)
			mu.Unlock()
			io.WriteString(rw, `{"success": true}`)
		}
	}))
	defer ashby.Close()

	admin := newAdminConsole(t, w.base)
	code, page := admin.post("/settings/integrations/ashby", "/settings/integrations/ashby/key", url.Values{"team": {""}})
	m := regexp.MustCompile(`id="ashby-key-value" value="([^"]+)"`).FindStringSubmatch(page)
	if code != http.StatusCreated || m == nil {
		t.Fatalf("make Ashby's key: %d", code)
	}
	key := m[1]
	for _, step := range []struct {
		action string
		values url.Values
	}{
		{"/settings/integrations/ashby", url.Values{"enabled": {"1"}, "baseUrl": {ashby.URL}}},
		{"/settings/integrations/ashby/credential", url.Values{"apiKey": {"ashby-customer-key"}}},
		{"/settings/integrations/ashby/test", url.Values{}},
	} {
		if code, body := admin.post("/settings/integrations/ashby", step.action, step.values); code != http.StatusSeeOther {
			t.Fatalf("%s: %d %.300s", step.action, code, body)
		}
	}
	if _, page := admin.get("/settings/integrations/ashby"); !strings.Contains(page, "Partner key") {
		t.Fatal("the connection test's answer is not shown")
	}

	// Ashby calls with the key as the Basic user name.
	call := func(path string, body any) (int, map[string]any) {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(http.MethodPost, w.base+"/api/ashby/"+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth(key, "")
		resp, err := w.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	code, out := call("assessment.list", map[string]any{})
	list, _ := out["results"].([]any)
	if code != http.StatusOK || len(list) != 1 {
		t.Fatalf("assessment.list: %d %v", code, out)
	}
	typeID := list[0].(map[string]any)["assessment_type_id"]
	start := func(email string) string {
		t.Helper()
		code, out := call("assessment.start", map[string]any{"assessment_type_id": typeID,
			"candidate":   map[string]any{"ashby_id": "c-" + email, "first_name": "Ada", "last_name": "Lovelace", "email": email, "ashby_profile_url": "https://app.ashbyhq.com/candidates/c1"},
			"application": map[string]any{"ashby_id": "a-1", "status": "Active"},
			"job":         map[string]any{"ashby_id": "j-1", "name": "Engineer", "ashby_job_url": "https://app.ashbyhq.com/jobs/j-1"}})
		id, _ := out["results"].(map[string]any)["assessment_id"].(string)
		if code != http.StatusOK || id == "" {
			t.Fatalf("assessment.start: %d %v", code, out)
		}
		return id
	}
	id := start("ada@example.com")
	_, invitationPage := admin.get("/invitations/" + id)
	testURL := regexp.MustCompile(`/t/[A-Za-z0-9_-]+`).FindString(invitationPage)
	if testURL == "" {
		t.Fatal("no test URL on the invitation page")
	}
	w.takeTest(t, w.base+testURL)

	deadline := time.Now().Add(15 * time.Second)
	var final map[string]any
	for final == nil && time.Now().Before(deadline) {
		mu.Lock()
		for _, u := range updates {
			if u["assessment_id"] == id && u["assessment_result"] != nil {
				final = u
			}
		}
		mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	if final == nil {
		t.Fatalf("no update with the result; got %v", updates)
	}
	if r := final["assessment_result"].(map[string]any); r["value"] != 100.0 || r["type"] != "numeric_score" ||
		final["assessment_profile_url"].(map[string]any)["value"] != w.base+"/invitations/"+id+"/report" {
		t.Fatalf("the final update: %v", final)
	}

	// Started and cancelled from Ashby.
	second := start("grace@example.com")
	if code, out := call("assessment.cancel", map[string]any{"assessment_id": second}); code != http.StatusOK || out["success"] != true {
		t.Fatalf("assessment.cancel: %d %v", code, out)
	}
	if _, page := admin.get("/invitations/" + second); !strings.Contains(page, "Cancelled") {
		t.Fatal("the invitation is not cancelled")
	}
}
