package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"testgate/views/pdftext"
)

// TestVendorClients runs, against the real binary, the calls a real
// integration of each vendor makes, in order: set up, invite, the
// candidate completes, poll or receive the callback, read the report and
// its PDF. Each is written from the vendor's public API pages, not from
// Testgate's code.
func TestVendorClients(t *testing.T) {
	t.Parallel()
	w := startVendorWorld(t)
	t.Run("iMocha", w.imochaClient)
	t.Run("ClientReplays", w.clientReplays) // after iMocha's: its attempt is one they find
	t.Run("Xobin", w.xobinClient)
	t.Run("Testinvite", w.testinviteClient)
	t.Run("ThinkExam", w.thinkExamClient)
	t.Run("Results", w.resultsClient)
	t.Run("Sections", w.sectionsClient)
	t.Run("NewCalls", w.newCalls)
	t.Run("QuestionKinds", w.questionKindsClient)
}

type vendorWorld struct {
	base, key, ak, secret string
	testID, questionID    int64
	client                *http.Client // follows no redirects
	hooks                 *hookReceiver
}

// hookReceiver keeps the callbacks it receives, by path.
type hookReceiver struct {
	mu     sync.Mutex
	bodies map[string][]map[string]any
	srv    *httptest.Server
}

func (h *hookReceiver) wait(t *testing.T, path string, match func(map[string]any) bool) map[string]any {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		h.mu.Lock()
		for _, b := range h.bodies[path] {
			if match(b) {
				h.mu.Unlock()
				return b
			}
		}
		h.mu.Unlock()
	}
	t.Fatalf("no matching callback on %s; got %v", path, h.bodies[path])
	return nil
}

func startVendorWorld(t *testing.T) *vendorWorld {
	dir := t.TempDir()
	bin, db, addr := buildBinary(t, dir), filepath.Join(dir, "vendors.db"), freeAddr(t)
	w := &vendorWorld{base: "http://" + addr,
		client: &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	w.hooks = &hookReceiver{bodies: map[string][]map[string]any{}}
	w.hooks.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		w.hooks.mu.Lock()
		w.hooks.bodies[r.URL.Path] = append(w.hooks.bodies[r.URL.Path], body)
		w.hooks.mu.Unlock()
	}))
	t.Cleanup(w.hooks.srv.Close)

	out, err := exec.Command(bin, "apikey", "create", "--db", db, "--name", "vendors").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		switch {
		case strings.HasPrefix(line, "ak: "):
			w.ak = strings.TrimPrefix(line, "ak: ")
		case strings.HasPrefix(line, "secret: "):
			w.secret = strings.TrimPrefix(line, "secret: ")
		default:
			w.key = line
		}
	}
	logs, _ := os.Create(filepath.Join(dir, "server.log"))
	cmd := exec.Command(bin, "serve", "--addr", addr, "--db", db, "--log-level", "warn")
	cmd.Env = append(os.Environ(), "TESTGATE_ALLOW_PRIVATE_CALLBACKS=true", "TESTGATE_BASE_URL="+w.base)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitHealthy(t, w.base)

	// The integrator's one-time setup: a test with a question (native API).
	code, test := w.call(t, http.MethodPost, "/api/native/tests", map[string]string{"X-API-Key": w.key}, map[string]any{
		"name": "Go basics", "kind": "assessment", "durationMinutes": 20, "passingScore": 50,
		"questions": []map[string]any{{"text": "2 + 2?", "kind": "single", "options": []string{"3", "4"}, "correct": []int{1}}}})
	if code != http.StatusCreated {
		t.Fatalf("create test: %d %v", code, test)
	}
	w.testID = int64(test["id"].(float64))
	w.questionID = int64(test["questions"].([]any)[0].(map[string]any)["id"].(float64))
	return w
}

// call sends JSON with the given headers and decodes the JSON answer.
func (w *vendorWorld) call(t *testing.T, method, path string, header map[string]string, body any) (int, map[string]any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, w.base+path, r)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := w.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: %d, not JSON: %s", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode, out
}

// takeTest is the candidate: open the URL, start, answer right, submit.
func (w *vendorWorld) takeTest(t *testing.T, testURL string) {
	t.Helper()
	w.takeTestAnswering(t, testURL, w.questionID)
}

// takeTestAnswering takes a test whose one question is questionID,
// answering its second option.
func (w *vendorWorld) takeTestAnswering(t *testing.T, testURL string, questionID int64) {
	t.Helper()
	path := strings.TrimPrefix(testURL, w.base)
	for _, step := range []func() (*http.Response, error){
		func() (*http.Response, error) { return w.client.Get(w.base + path) },
		func() (*http.Response, error) { return w.client.PostForm(w.base+path+"/start", nil) },
		func() (*http.Response, error) {
			return w.client.PostForm(w.base+path+"/answers", url.Values{"action": {"submit"}, "q" + strconv.FormatInt(questionID, 10): {"1"}})
		},
	} {
		resp, err := step()
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 400 {
			t.Fatalf("candidate step on %s: %d", path, resp.StatusCode)
		}
	}
}

// pdfText fetches a report link as an integrator would, without a key.
func (w *vendorWorld) pdfText(t *testing.T, link string) string {
	t.Helper()
	resp, err := w.client.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("GET %s: %d %s", link, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return pdftext.Of(t, b)
}

func (w *vendorWorld) imochaClient(t *testing.T) {
	h := map[string]string{"X-API-KEY": w.key}
	_, tests := w.call(t, http.MethodGet, "/v3/tests", h, nil)
	if len(tests["tests"].([]any)) == 0 {
		t.Fatalf("tests %v", tests)
	}
	_, links := w.call(t, http.MethodGet, fmt.Sprintf("/v3/tests/%d/testlinks", w.testID), h, nil)
	link := links["testLinks"].([]any)[0].(map[string]any)
	if link["testLinkStatus"] != "active" {
		t.Fatalf("link %v", link)
	}
	code, inv := w.call(t, http.MethodPost, fmt.Sprintf("/v3/tests/%d/testlinks/%v/invite", w.testID, link["testLinkId"]), h,
		map[string]any{"email": "amey@example.com", "name": "Amey", "callbackURL": w.hooks.srv.URL + "/imocha", "sendEmail": "no"})
	if code != http.StatusCreated || inv["status"] != "Pending" {
		t.Fatalf("invite: %d %v", code, inv)
	}
	id := inv["testInvitationId"].(float64)
	w.takeTest(t, inv["testUrl"].(string))
	done := w.hooks.wait(t, "/imocha", func(b map[string]any) bool { return b["TestInvitationId"] == id && b["Status"] == "Complete" })
	if done["CandidateScore"] != 1.0 || done["TotalScore"] != 1.0 || done["PerformanceCategory"] != "Pass" {
		t.Fatalf("callback %v", done)
	}
	from, to := time.Now().UTC().Add(-time.Hour).Format("2006-01-02T15:04:05Z"), time.Now().UTC().Add(time.Hour).Format("2006-01-02T15:04:05Z")
	_, polled := w.call(t, http.MethodPost, "/v3/candidates/testattempts?state=completed", h, map[string]any{"StartDateTime": from, "EndDateTime": to})
	found := false
	for _, a := range polled["result"].(map[string]any)["testAttempts"].([]any) {
		found = found || a.(map[string]any)["testInvitationId"] == id
	}
	if !found {
		t.Fatalf("testattempts %v", polled)
	}
	_, report := w.call(t, http.MethodGet, fmt.Sprintf("/v3/reports/%v", id), h, nil)
	if report["Status"] != "Complete" || report["candidatePoints"] != 1.0 {
		t.Fatalf("report %v", report)
	}
	if text := w.pdfText(t, report["pdfReportUrl"].(string)); !strings.Contains(text, "amey@example.com") || !strings.Contains(text, "1 / 1 points") {
		t.Fatalf("PDF %q", text)
	}
	if text := w.pdfText(t, done["ReportPDFUrl"].(string)); !strings.Contains(text, "Go basics") {
		t.Fatalf("callback PDF %q", text)
	}
}

func (w *vendorWorld) xobinClient(t *testing.T) {
	h := map[string]string{"apiKey": w.key}
	code, inv := w.call(t, http.MethodPost, "/api/v2/assessments/invite", h, map[string]any{"candidate_name": "Ravi",
		"candidate_email": "ravi@example.com", "assessment_id": w.testID, "invite_format": "getlink"})
	if code != http.StatusOK || inv["status"] != "Pending" {
		t.Fatalf("invite: %d %v", code, inv)
	}
	w.takeTest(t, inv["invite_link"].(string))
	_, report := w.call(t, http.MethodGet, fmt.Sprintf("/api/v2/assessments/report/%v", inv["report_id"]), h, nil)
	if report["invite_status"] != "Completed" || report["overall_percentage"] != 100.0 || report["cut_off"] != 50.0 {
		t.Fatalf("report %v", report)
	}
	if text := w.pdfText(t, report["report_link"].(string)); !strings.Contains(text, "ravi@example.com") {
		t.Fatalf("PDF %q", text)
	}
}

func (w *vendorWorld) testinviteClient(t *testing.T) {
	h := map[string]string{"Authorization": "Bearer " + w.key}
	base := fmt.Sprintf("/api/integration/rest/v1/tasks/%d/candidates", w.testID)
	code, cand := w.call(t, http.MethodPost, base, h, map[string]any{"kind": "temporary-candidate", "fullname": "Eda Kaya",
		"email": "eda@example.com", "callback": map[string]any{"url": w.hooks.srv.URL + "/testinvite", "resource": "detailed"}})
	if code != http.StatusCreated || cand["directAccessUrl"] == nil {
		t.Fatalf("create: %d %v", code, cand)
	}
	w.takeTest(t, cand["directAccessUrl"].(string))
	w.hooks.wait(t, "/testinvite", func(b map[string]any) bool {
		c, _ := b["candidate"].(map[string]any)
		return c["candidateId"] == cand["candidateId"] && c["status"] == "completed"
	})
	_, list := w.call(t, http.MethodGet, base+"?mode=detailed&code="+url.QueryEscape(cand["invitationCode"].(string)), h, nil)
	got := list["candidates"].([]any)
	if len(got) != 1 || got[0].(map[string]any)["loggedIn"] != true || got[0].(map[string]any)["score"] != 1.0 {
		t.Fatalf("list %v", list)
	}
}

func (w *vendorWorld) thinkExamClient(t *testing.T) {
	code, sig := w.call(t, http.MethodPost, "/api/v1/generateSignature", nil, map[string]any{"ak": w.ak, "secret": w.secret})
	data, _ := sig["success"].(map[string]any)["data"].(map[string]any)
	if code != http.StatusOK || data == nil {
		t.Fatalf("generateSignature: %d %v", code, sig)
	}
	// The client signs its own requests as the pages describe.
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	m := hmac.New(sha256.New, []byte(w.secret))
	m.Write([]byte(w.ak + ts))
	h := map[string]string{"ak": w.ak, "ts": ts, "sgn": base64.StdEncoding.EncodeToString(m.Sum(nil))}
	code, assigned := w.call(t, http.MethodPost, "/api/v1/assignTest", h, map[string]any{"email": "ankit@example.com",
		"testId": strconv.FormatInt(w.testID, 10), "isMailEnable": "0", "isPasswordSkip": "1"})
	if code != http.StatusOK || assigned["result"] != "success" {
		t.Fatalf("assign: %d %v", code, assigned)
	}
	w.takeTest(t, assigned["success"].(map[string]any)["data"].(map[string]any)["testUrl"].(string))
	// A second candidate is de-assigned before starting.
	w.call(t, http.MethodPost, "/api/v1/assignTest", h, map[string]any{"email": "late@example.com",
		"testId": strconv.FormatInt(w.testID, 10), "isMailEnable": "0", "isPasswordSkip": "1"})
	code, de := w.call(t, http.MethodPost, "/api/v1/deassignTest", h, map[string]any{"email": "late@example.com", "testId": strconv.FormatInt(w.testID, 10)})
	if code != http.StatusOK || de["success"].(map[string]any)["msg"] != "Test successfully deassigned from the candidate" {
		t.Fatalf("deassign: %d %v", code, de)
	}
	// De-assigning the one who finished is refused in the envelope.
	code, refused := w.call(t, http.MethodPost, "/api/v1/deassignTest", h, map[string]any{"email": "ankit@example.com", "testId": strconv.FormatInt(w.testID, 10)})
	if code != http.StatusConflict || refused["result"] != "error" {
		t.Fatalf("deassign after completion: %d %v", code, refused)
	}
}
