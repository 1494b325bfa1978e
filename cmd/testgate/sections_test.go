package main

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// sectionsClient is an integrator building a pool test through the native
// API on the real binary: 20 candidates each get 3 of 10 questions, in
// their own order with their own option order; every paper stays the same
// across reloads and in the API's report, and right answers score full
// marks whatever the order shown.
func (w *vendorWorld) sectionsClient(t *testing.T) {
	h := map[string]string{"X-API-Key": w.key}
	// More questions asked for than the section holds: refused with the numbers.
	code, refused := w.call(t, http.MethodPost, "/api/native/tests", h, map[string]any{"name": "Too few", "durationMinutes": 10,
		"sections": []map[string]any{{"name": "Only two", "draw": 5, "questions": []map[string]any{
			{"text": "A?", "kind": "text"}, {"text": "B?", "kind": "text"}}}}})
	if msg, _ := refused["error"].(map[string]any)["fields"].(map[string]any)["sections[0].draw"].(string); code != http.StatusBadRequest ||
		msg != "asks for 5 questions but the section has 2" {
		t.Fatalf("unfillable draw: %d %v", code, refused)
	}

	var pool []map[string]any
	correct := map[float64]int{} // question id → the right option, as written
	for i := range 10 {
		pool = append(pool, map[string]any{"text": fmt.Sprintf("Pool question %d?", i), "kind": "single",
			"options": []string{"w", "x", "y", "z"}, "correct": []int{i % 4}, "points": 2, "topic": "go", "difficulty": "medium"})
	}
	code, test := w.call(t, http.MethodPost, "/api/native/tests", h, map[string]any{"name": "Pool test", "durationMinutes": 20,
		"sections": []map[string]any{
			{"name": "Warm-up", "questions": []map[string]any{{"text": "2 + 2?", "kind": "single", "options": []string{"3", "4"}, "correct": []int{1}}}},
			{"name": "Pool", "draw": 3, "shuffleQuestions": true, "shuffleOptions": true, "questions": pool},
		}})
	if code != http.StatusCreated || len(test["sections"].([]any)) != 2 || test["sections"].([]any)[1].(map[string]any)["candidateGets"] != 3.0 {
		t.Fatalf("create: %d %v", code, test)
	}
	for _, q := range test["questions"].([]any) {
		q := q.(map[string]any)
		correct[q["id"].(float64)] = int(q["correct"].([]any)[0].(float64))
	}
	linkID := test["defaultLink"].(map[string]any)["id"].(float64)

	shown := regexp.MustCompile(`data-question="(\d+)"`)
	option := regexp.MustCompile(`name="q(\d+)" value="(\d+)"`)
	papers := map[string]bool{}
	for i := range 20 {
		_, inv := w.call(t, http.MethodPost, fmt.Sprintf("/api/native/links/%v/invitations", linkID), h,
			map[string]any{"name": "Cand", "email": fmt.Sprintf("pool%d@example.com", i)})
		path := strings.TrimPrefix(inv["testUrl"].(string), w.base)
		resp, _ := w.client.PostForm(w.base+path+"/start", nil)
		resp.Body.Close()
		read := func() (ids []string, order []string) {
			resp, err := w.client.Get(w.base + path)
			if err != nil {
				t.Fatal(err)
			}
			page := readAll(resp)
			for _, m := range shown.FindAllStringSubmatch(page, -1) {
				ids = append(ids, m[1])
			}
			for _, m := range option.FindAllStringSubmatch(page, -1) {
				order = append(order, m[1]+":"+m[2])
			}
			return ids, order
		}
		ids, order := read()
		if len(ids) != 4 {
			t.Fatalf("candidate %d sees %d questions", i, len(ids))
		}
		if again, againOrder := read(); !slices.Equal(again, ids) || !slices.Equal(againOrder, order) {
			t.Fatalf("candidate %d's paper changed on reload", i)
		}
		papers[strings.Join(order, ",")] = true

		form := url.Values{"action": {"submit"}}
		for _, id := range ids {
			n, _ := strconv.ParseFloat(id, 64)
			form.Set("q"+id, strconv.Itoa(correct[n]))
		}
		resp, _ = w.client.PostForm(w.base+path+"/answers", form)
		resp.Body.Close()
		_, got := w.call(t, http.MethodGet, fmt.Sprintf("/api/native/invitations/%v", inv["id"]), h, nil)
		sections := got["sections"].([]any)
		first, second := sections[0].(map[string]any), sections[1].(map[string]any)
		var reported []string
		for _, s := range sections {
			for _, id := range s.(map[string]any)["questionIds"].([]any) {
				reported = append(reported, strconv.FormatFloat(id.(float64), 'f', 0, 64))
			}
		}
		if got["score"] != 7.0 || got["maxScore"] != 7.0 || first["score"] != 1.0 || second["score"] != 6.0 || second["maxScore"] != 6.0 ||
			!slices.Equal(reported, ids) {
			t.Fatalf("candidate %d: score %v/%v, sections %v, paper %v reported as %v", i, got["score"], got["maxScore"], sections, ids, reported)
		}
	}
	if len(papers) < 2 {
		t.Fatalf("20 candidates got %d different papers", len(papers))
	}
}
