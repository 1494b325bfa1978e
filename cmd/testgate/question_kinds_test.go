package main

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"testgate/web/browsertest"
)

// questionKindsClient writes a test of every kind of question through the
// native API of the real binary; one candidate takes it without
// JavaScript, another in Chromium on a phone; the scores, the reviewer's
// grades, iMocha's report, the PDF and the console's export follow.
func (w *vendorWorld) questionKindsClient(t *testing.T) {
	h := map[string]string{"X-API-Key": w.key}
	code, test := w.call(t, http.MethodPost, "/api/native/tests", h, map[string]any{
		"name": "Every kind", "durationMinutes": 30, "passingScore": 50,
		"questions": []map[string]any{
			{"text": "Pick the primes", "kind": "multiple", "options": []string{"2", "3", "4"}, "correct": []int{0, 1}, "points": 2, "partial": true, "penalty": 1},
			{"text": "Go has generics.", "kind": "truefalse", "correct": []int{0}, "penalty": 1, "floor": -1},
			{"text": "g on Earth?", "kind": "numeric", "answer": 9.81, "tolerance": 0.05, "unit": "m/s²", "points": 2},
			{"text": "Order by size", "kind": "ordering", "options": []string{"byte", "kilobyte", "megabyte"}, "points": 3, "partial": true},
			{"text": "Capitals", "kind": "matching", "options": []string{"France", "Japan"}, "matches": []string{"Paris", "Tokyo", "Quito"}, "points": 2, "partial": true},
			{"text": "Go was made at ___ in ___.", "kind": "blanks", "blanks": [][]string{{"Google"}, {"2009"}}, "points": 2, "partial": true},
			{"text": "Why tests?", "kind": "essay", "minWords": 3, "maxWords": 40, "points": 4},
			{"text": "Reverse a string", "kind": "code", "language": "Go", "points": 4},
		}})
	if code != http.StatusCreated {
		t.Fatalf("create test: %d %v", code, test)
	}
	testID := test["id"].(float64)
	var ids []string
	for _, q := range test["questions"].([]any) {
		ids = append(ids, "q"+strconv.FormatFloat(q.(map[string]any)["id"].(float64), 'f', 0, 64))
	}
	linkID := test["defaultLink"].(map[string]any)["id"].(float64)
	invite := func(email string) (float64, string) {
		code, inv := w.call(t, http.MethodPost, fmt.Sprintf("/api/native/links/%v/invitations", linkID), h, map[string]any{
			"name": "Kim", "email": email, "callbackUrl": w.hooks.srv.URL + "/kinds"})
		if code != http.StatusCreated {
			t.Fatalf("invite: %d %v", code, inv)
		}
		return inv["id"].(float64), inv["testUrl"].(string)
	}

	// Without JavaScript: the form as the page posts it.
	plainID, plainURL := invite("plain@example.com")
	resp, err := w.client.PostForm(plainURL+"/start", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	page, err := w.client.Get(plainURL)
	if err != nil {
		t.Fatal(err)
	}
	if html := readAll(page); !strings.Contains(html, `inputmode="decimal"`) || !strings.Contains(html, "Blank 2") || !strings.Contains(html, `spellcheck="false"`) {
		t.Fatalf("the attempt page lacks the kinds' inputs:\n%s", html)
	}
	resp, err = w.client.PostForm(plainURL+"/answers", url.Values{"action": {"submit"},
		ids[0]: {"0", "2"},            // 1 of 2 right, 1 wrong: 1 − 1 = 0
		ids[1]: {"0"},                 // true: 1
		ids[2]: {"9,8"},               // within 0.05: 2
		ids[3]: {"0:1", "1:3", "2:2"}, // 1 of 3 in place: 1
		ids[4]: {"0:1", "1:2"},        // both pairs: 2
		ids[5]: {"Google", "2010"},    // 1 of 2: 1
		ids[6]: {"Tests catch regressions early."},
		ids[7]: {"func rev(s string) string {\n\treturn s\n}"},
	})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	done := w.hooks.wait(t, "/kinds", func(b map[string]any) bool {
		inv := b["data"].(map[string]any)["invitation"].(map[string]any)
		return b["type"] == "invitation.completed" && inv["id"] == plainID
	})
	if got := done["data"].(map[string]any)["invitation"].(map[string]any); got["score"] != 7.0 || got["maxScore"] != 20.0 || got["review"] != "awaiting" {
		t.Fatalf("completed without JavaScript: %v", got)
	}

	// In Chromium on a phone.
	phoneID, phoneURL := invite("phone@example.com")
	b := browsertest.Tab(t)
	run := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(b, steps...); err != nil {
			t.Fatal(err)
		}
	}
	run(browsertest.Phone, chromedp.Navigate(phoneURL), chromedp.WaitVisible(chromedp.CSS(`[data-testid="start"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="start"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="question"]`)))
	browsertest.CheckA11y(t, b, "every kind on a phone")
	q := func(i int) string { return `[data-question="` + strings.TrimPrefix(ids[i], "q") + `"]` }
	run(
		chromedp.Click(chromedp.CSS(q(0)+` label.choice:nth-of-type(1)`)),
		chromedp.Click(chromedp.CSS(q(0)+` label.choice:nth-of-type(2)`)),
		chromedp.Click(chromedp.CSS(q(1)+` label.choice:nth-of-type(2)`)),
		chromedp.SendKeys(chromedp.CSS(q(2)+` input`), "9.81 m/s²"),
		chromedp.SetValue(chromedp.CSS(`#`+ids[3]+`-0`), "0:1"),
		chromedp.SetValue(chromedp.CSS(`#`+ids[3]+`-1`), "1:2"),
		chromedp.SetValue(chromedp.CSS(`#`+ids[3]+`-2`), "2:3"),
		chromedp.SetValue(chromedp.CSS(`#`+ids[4]+`-0`), "0:2"),
		chromedp.SetValue(chromedp.CSS(`#`+ids[4]+`-1`), "1:1"),
		chromedp.SendKeys(chromedp.CSS(`#`+ids[5]+`-0`), "google"),
		chromedp.SendKeys(chromedp.CSS(`#`+ids[5]+`-1`), "2009"),
		chromedp.SendKeys(chromedp.CSS(q(6)+` textarea`), "They catch bugs"),
		chromedp.SendKeys(chromedp.CSS(q(7)+` textarea`), "return s"),
	)
	if words, _ := chromedp.Run(b, chromedp.Text(chromedp.CSS(`#`+ids[6]+`-words`))); strings.TrimSpace(words) != "3 words" {
		t.Errorf("the essay's word count says %q", words)
	}
	if _, err := chromedp.Run(b, chromedp.Evaluate[bool](`(() => {
		const button = document.querySelector("[data-testid=submit]");
		button.form.requestSubmit(button);
		return true;
	})()`)); err != nil {
		t.Fatal(err)
	}
	run(chromedp.WaitVisible(chromedp.CSS(`[data-testid="completed"]`)))
	done = w.hooks.wait(t, "/kinds", func(b map[string]any) bool {
		inv := b["data"].(map[string]any)["invitation"].(map[string]any)
		return b["type"] == "invitation.completed" && inv["id"] == phoneID
	})
	// primes 2 + false (penalised, floor −1) −1 + number 2 + order 3 + pairs swapped 0 + blanks 2.
	if got := done["data"].(map[string]any)["invitation"].(map[string]any); got["score"] != 8.0 || got["maxScore"] != 20.0 {
		t.Fatalf("completed on a phone: %v", got)
	}

	// A reviewer grades the essay and the code: the score is final.
	for i, points := range map[int]int{6: 3, 7: 4} {
		qid, _ := strconv.Atoi(strings.TrimPrefix(ids[i], "q"))
		if code, body := w.call(t, http.MethodPost, fmt.Sprintf("/api/native/invitations/%v/grades", plainID), h,
			map[string]any{"questionId": qid, "points": points}); code != http.StatusOK {
			t.Fatalf("grade: %d %v", code, body)
		}
	}
	_, final := w.call(t, http.MethodGet, fmt.Sprintf("/api/native/invitations/%v", plainID), h, nil)
	if final["score"] != 14.0 || final["review"] != "graded" || final["result"] != "passed" {
		t.Fatalf("after grading: %v", final)
	}

	// iMocha's report of it, and its PDF.
	_, report := w.call(t, http.MethodGet, fmt.Sprintf("/v3/reports/%v", plainID), map[string]string{"X-API-KEY": w.key}, nil)
	if report["candidatePoints"] != 14.0 || report["totalTestPoints"] != 20.0 {
		t.Fatalf("iMocha report: %v", report)
	}
	text := strings.Join(strings.Fields(w.pdfText(t, report["pdfReportUrl"].(string))), " ")
	for _, want := range []string{"Answer: 2; 4", "Marked: 1 of 2 options right: 1 of 2 points, 1 wrong: −1", "Right answer: 9.81 ± 0.05 m/s²",
		"Answer: 1. byte; 2. megabyte; 3. kilobyte", "Answer: France → Paris; Japan → Tokyo", "Right answer: (1) Google; (2) 2009",
		"Written in Go", "Points: 3 / 4"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF does not say %q:\n%s", want, text)
		}
	}

	// The console's export has every answer in words.
	admin := newAdminConsole(t, w.base)
	code, export := admin.get(fmt.Sprintf("/tests/%v/invitations.csv", testID))
	rows, err := csv.NewReader(strings.NewReader(export)).ReadAll()
	if code != http.StatusOK || err != nil || len(rows) != 3 {
		t.Fatalf("export: %d, %v, %d rows", code, err, len(rows))
	}
	all := fmt.Sprint(rows)
	for _, want := range []string{"True", "9,8", "1. byte; 2. megabyte; 3. kilobyte", "France → Tokyo; Japan → Paris", "(1) Google; (2) 2010",
		"They catch bugs"} {
		if !strings.Contains(all, want) {
			t.Errorf("the export does not have %q: %v", want, rows)
		}
	}
}
