package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// resultsClient is an integrator of the native API on the real binary: a
// test with a written question, bands and a passing score; a candidate
// with 50 % extra time; the grade by hand that makes the score final, and
// the callbacks and report that follow it.
func (w *vendorWorld) resultsClient(t *testing.T) {
	h := map[string]string{"X-API-Key": w.key}
	code, test := w.call(t, http.MethodPost, "/api/native/tests", h, map[string]any{
		"name": "Backend review", "durationMinutes": 20, "passingScore": 60,
		"bands": []map[string]any{{"name": "Expert", "minPercent": 85}, {"name": "Proficient", "minPercent": 60}, {"name": "Beginner", "minPercent": 0}},
		"questions": []map[string]any{
			{"text": "2 + 2?", "kind": "single", "options": []string{"3", "4"}, "correct": []int{1}},
			{"text": "Explain a goroutine leak.", "kind": "text", "points": 3},
		}})
	if code != http.StatusCreated || len(test["bands"].([]any)) != 3 {
		t.Fatalf("create test: %d %v", code, test)
	}
	qs := test["questions"].([]any)
	choiceID, writtenID := qs[0].(map[string]any)["id"].(float64), qs[1].(map[string]any)["id"].(float64)
	if qs[1].(map[string]any)["points"] != 3.0 || qs[0].(map[string]any)["points"] != 1.0 {
		t.Fatalf("points %v", qs)
	}
	linkID := test["defaultLink"].(map[string]any)["id"].(float64)
	code, inv := w.call(t, http.MethodPost, fmt.Sprintf("/api/native/links/%v/invitations", linkID), h, map[string]any{
		"name": "Noor", "email": "noor@example.com", "extraTimePercent": 50, "callbackUrl": w.hooks.srv.URL + "/native"})
	if code != http.StatusCreated || inv["extraTimePercent"] != 50.0 {
		t.Fatalf("invite: %d %v", code, inv)
	}
	id := inv["id"].(float64)
	path := strings.TrimPrefix(inv["testUrl"].(string), w.base)

	// The candidate opens the page: their time is 30 minutes, not 20.
	resp, err := w.client.Get(w.base + path)
	if err != nil {
		t.Fatal(err)
	}
	page := readAll(resp)
	if !strings.Contains(page, "30 minutes") || !strings.Contains(page, "including your extra time") {
		t.Fatalf("the intro page does not give 30 minutes:\n%s", page)
	}
	resp, _ = w.client.PostForm(w.base+path+"/start", nil)
	resp.Body.Close()
	_, started := w.call(t, http.MethodGet, fmt.Sprintf("/api/native/invitations/%v", id), h, nil)
	from, _ := time.Parse(time.RFC3339, started["startedAt"].(string))
	until, _ := time.Parse(time.RFC3339, started["deadlineAt"].(string))
	if d := until.Sub(from); d < 30*time.Minute-time.Second || d > 30*time.Minute+time.Second {
		t.Fatalf("deadline %v after the start, want 1.5 × 20 minutes", d)
	}

	resp, _ = w.client.PostForm(w.base+path+"/answers", url.Values{"action": {"submit"},
		"q" + strconv.FormatFloat(choiceID, 'f', 0, 64): {"1"}, "q" + strconv.FormatFloat(writtenID, 'f', 0, 64): {"Blocked forever on a channel."}})
	resp.Body.Close()
	done := w.hooks.wait(t, "/native", func(b map[string]any) bool { return b["type"] == "invitation.completed" })
	got := done["data"].(map[string]any)["invitation"].(map[string]any)
	if got["score"] != 1.0 || got["maxScore"] != 4.0 || got["review"] != "awaiting" || got["result"] != nil || got["band"] != nil {
		t.Fatalf("completed before review: %v", got)
	}

	// A grade out of range is refused in the native shape, nothing written.
	code, refused := w.call(t, http.MethodPost, fmt.Sprintf("/api/native/invitations/%v/grades", id), h,
		map[string]any{"questionId": writtenID, "points": 9})
	if code != http.StatusBadRequest || refused["error"].(map[string]any)["fields"].(map[string]any)["points"] == nil {
		t.Fatalf("bad grade: %d %v", code, refused)
	}
	code, graded := w.call(t, http.MethodPost, fmt.Sprintf("/api/native/invitations/%v/grades", id), h,
		map[string]any{"questionId": writtenID, "points": 3, "comment": "Names the cause and the fix."})
	if code != http.StatusOK || graded["score"] != 4.0 || graded["review"] != "graded" || graded["result"] != "passed" || graded["band"] != "Expert" {
		t.Fatalf("graded: %d %v", code, graded)
	}
	hook := w.hooks.wait(t, "/native", func(b map[string]any) bool { return b["type"] == "invitation.graded" })
	if final := hook["data"].(map[string]any)["invitation"].(map[string]any); final["score"] != 4.0 || final["band"] != "Expert" {
		t.Fatalf("graded callback: %v", final)
	}

	// A second grade lowers the total: pass mark and band follow.
	_, regraded := w.call(t, http.MethodPost, fmt.Sprintf("/api/native/invitations/%v/grades", id), h,
		map[string]any{"questionId": writtenID, "points": 1})
	if regraded["score"] != 2.0 || regraded["result"] != "failed" || regraded["band"] != "Beginner" {
		t.Fatalf("regraded: %v", regraded)
	}

	// The dialects' reports show the final score; the PDF says it.
	_, report := w.call(t, http.MethodGet, fmt.Sprintf("/v3/reports/%v", id), map[string]string{"X-API-KEY": w.key}, nil)
	if report["candidatePoints"] != 2.0 || report["PerformanceCategory"] != "Beginner" {
		t.Fatalf("iMocha report after grading: %v", report)
	}
	text := w.pdfText(t, report["pdfReportUrl"].(string))
	for _, want := range []string{"Backend review", "2 / 4 points", "Failed (passing score 60 %)", "Band Beginner", "Extra time 50 %",
		"Ended Submitted", "Answer: Blocked forever on a channel.", "Points: 1 / 3", "Integrity signals", "Started"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF does not say %q:\n%s", want, text)
		}
	}
}

func readAll(resp *http.Response) string {
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
