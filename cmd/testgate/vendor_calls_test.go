package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// newCalls makes, through the real binary, the vendors' calls that go
// beyond inviting and reporting (issue 30): iMocha's time zones, settings,
// report lists and bulk invite; Testinvite's tasks and test instances;
// ThinkExam's registration and candidate list; Xobin's candidate deletion
// and AI interviews. It runs after the other clients, whose candidates
// finished the test.
func (w *vendorWorld) newCalls(t *testing.T) {
	im := map[string]string{"X-API-KEY": w.key}
	if code, z := w.call(t, http.MethodGet, "/v3/timezones", im, nil); code != http.StatusOK || len(z["timeZones"].([]any)) < 40 {
		t.Fatalf("time zones: %d", code)
	}
	if code, s := w.call(t, http.MethodGet, fmt.Sprintf("/v3/tests/%d/settings", w.testID), im, nil); code != http.StatusOK || s["passingScore"] != 50.0 {
		t.Fatalf("settings: %d %v", code, s)
	}
	code, reports := w.call(t, http.MethodGet, fmt.Sprintf("/v3/tests/%d/reports?pageSize=2", w.testID), im, nil)
	if list, _ := reports["reports"].([]any); code != http.StatusOK || len(list) != 2 || reports["count"].(float64) < 3 ||
		list[0].(map[string]any)["pdfReportUrl"] == nil {
		t.Fatalf("reports of the test: %d %v", code, reports)
	}
	code, bulk := w.call(t, http.MethodPost, fmt.Sprintf("/v3/tests/%d/invitations/bulk", w.testID), im, map[string]any{
		"sendEmail": "no", "candidates": []map[string]any{{"email": "b1@example.com", "name": "B One"}, {"email": "b2@example.com", "name": "B Two"}}})
	if code != http.StatusOK || len(bulk["result"].(map[string]any)["invitations"].([]any)) != 2 {
		t.Fatalf("bulk: %d %v", code, bulk)
	}

	ti := map[string]string{"Authorization": "Bearer " + w.key}
	code, tasks := w.call(t, http.MethodGet, "/api/integration/rest/v1/tasks?title=go&mode=detailed", ti, nil)
	if list, _ := tasks["tasks"].([]any); code != http.StatusOK || len(list) != 1 || len(list[0].(map[string]any)["steps"].([]any)) != 1 {
		t.Fatalf("tasks: %d %v", code, tasks)
	}
	code, instances := w.call(t, http.MethodGet, fmt.Sprintf("/api/integration/rest/v1/tasks/%d/test-instances?mode=detailed&limit=50", w.testID), ti, nil)
	complete := 0
	for _, in := range instances["testInstances"].([]any) {
		if r, ok := in.(map[string]any)["result"].(map[string]any); ok && r["scoreboard"].(map[string]any)["achievementRatio"] == 1.0 {
			complete++
		}
	}
	if code != http.StatusOK || complete < 3 {
		t.Fatalf("test instances: %d, %d complete: %v", code, complete, instances)
	}

	ts := strconv.FormatInt(time.Now().Unix(), 10)
	m := hmac.New(sha256.New, []byte(w.secret))
	m.Write([]byte(w.ak + ts))
	te := map[string]string{"ak": w.ak, "ts": ts, "sgn": base64.StdEncoding.EncodeToString(m.Sum(nil))}
	code, reg := w.call(t, http.MethodPost, "/api/v1/unifiedAuth", te, map[string]any{"name": "Nila", "email": "nila@example.com",
		"courseName": "Go basics", "enrollment_number": "EN-7"})
	if code != http.StatusOK || reg["success"].(map[string]any)["msg"] != "Registration Successfull." || reg["laravelToken"] == "" {
		t.Fatalf("register: %d %v", code, reg)
	}
	code, listed := w.call(t, http.MethodPost, "/api/v1/candidateList", te, map[string]any{"testId": strconv.FormatInt(w.testID, 10)})
	if data := listed["success"].(map[string]any)["data"].(map[string]any); code != http.StatusOK || data["total"].(float64) < 4 {
		t.Fatalf("candidate list: %d %v", code, listed)
	}

	xo := map[string]string{"apiKey": w.key}
	code, del := w.call(t, http.MethodPost, "/api/v2/candidate/delete", xo, map[string]any{"email": "ravi@example.com"})
	if code != http.StatusOK || del["task_id"] == nil {
		t.Fatalf("delete: %d %v", code, del)
	}
	if code, c := w.call(t, http.MethodPost, "/api/v2/candidate/delete/cancel", xo, map[string]any{"task_id": del["task_id"]}); code != http.StatusOK || c["success"] != true {
		t.Fatalf("cancel: %d %v", code, c)
	}
	code, interview := w.call(t, http.MethodPost, "/api/native/tests", map[string]string{"X-API-Key": w.key}, map[string]any{
		"name": "Screening", "kind": "interview", "durationMinutes": 15, "questions": []map[string]any{{"text": "Why us?", "kind": "text", "points": 2}}})
	if code != http.StatusCreated {
		t.Fatalf("interview: %d %v", code, interview)
	}
	code, ai := w.call(t, http.MethodPost, "/api/v2/ai-interviews/invite", xo, map[string]any{"candidate_name": "Alex", "candidate_email": "alex@example.com",
		"ai_interview_id": interview["id"], "invite_format": "getlink", "custom_field_id": "CAND-1"})
	if code != http.StatusOK || ai["custom_field_id"] != "CAND-1" {
		t.Fatalf("AI interview invite: %d %v", code, ai)
	}
	req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/api/v2/ai-interviews/invited/%v", w.base, interview["id"]), nil)
	req.Header.Set("apiKey", w.key)
	resp, err := w.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var invited []map[string]any
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &invited); err != nil || resp.StatusCode != http.StatusOK || len(invited) != 1 || invited[0]["response_id"] != ai["response_id"] {
		t.Fatalf("invited: %d %s", resp.StatusCode, raw)
	}
}
