package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"testgate/store"
)

// ThinkExam's "Register / Login Candidate with test link" and "Candidate
// List mapped with Test".

func TestThinkExamRegisterThenLogIn(t *testing.T) {
	t.Parallel()
	f := newThinkExamFixture(t)
	ctx := context.Background()
	body := `{"name":"Asha Rao","email":"asha@example.com","enrollment_number":"GW228_1","password":"x","mobile":"99","courseName":"aptitude"}`
	code, out := f.call(t, "/api/v1/unifiedAuth", body, nil)
	data, _ := out["data"].(map[string]any)
	if code != http.StatusOK || out["result"] != "success" || out["success"].(map[string]any)["msg"] != "Registration Successfull." ||
		data["enrollmentNo"] != "GW228_1" || data["studentId"] == nil || out["laravelToken"] == "" {
		t.Fatalf("register: %d %v", code, out)
	}
	// The token opens the candidate's own test.
	if page := candidateGet(f.srv, "/t/"+out["laravelToken"].(string)); page.Code != http.StatusOK || !strings.Contains(page.Body.String(), "Aptitude") {
		t.Fatalf("the token's page: %d", page.Code)
	}
	inv, err := f.db.InvitationOnLink(ctx, mustDefaultLink(t, f.db, f.test.ID), "asha@example.com")
	if err != nil || inv.ExternalID != "GW228_1" || inv.Name != "Asha Rao" || inv.Source != store.SourceThinkExam {
		t.Fatalf("stored %+v %v", inv, err)
	}
	// Again, by the test's id: logged in, the same candidate.
	code, again := f.call(t, "/api/v1/unifiedAuth", `{"name":"Asha Rao","email":"ASHA@example.com","courseName":"`+idStr(f.test.ID)+`"}`, nil)
	if code != http.StatusOK || again["success"].(map[string]any)["msg"] != "Login Successfull." || again["laravelToken"] != out["laravelToken"] ||
		again["data"].(map[string]any)["studentId"] != data["studentId"] {
		t.Fatalf("login: %d %v", code, again)
	}
	for body, want := range map[string]string{
		`{"email":"a@example.com","courseName":"Aptitude"}`:             "3023",
		`{"name":"A","email":"a@example.com"}`:                          "3023",
		`{"name":"A","email":"a@example","courseName":"Aptitude"}`:      "3024",
		`{"name":"A","email":"a@example.com","courseName":"Chemistry"}`: "3404",
	} {
		if _, out := f.call(t, "/api/v1/unifiedAuth", body, nil); out["result"] != "error" {
			t.Errorf("%s: %v", body, out)
		} else if got, _ := teCode(out); got != want {
			t.Errorf("%s: code %s, want %s (%v)", body, got, want, out)
		}
	}
}

func TestThinkExamCandidateList(t *testing.T) {
	t.Parallel()
	f := newThinkExamFixture(t)
	for _, e := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		f.call(t, "/api/v1/assignTest", `{"email":"`+e+`","testId":"`+idStr(f.test.ID)+`","isPasswordSkip":"1"}`, nil)
	}
	f.call(t, "/api/v1/deassignTest", `{"email":"c@example.com","testId":"`+idStr(f.test.ID)+`"}`, nil)
	code, out := f.call(t, "/api/v1/candidateList", `{"testId":"`+idStr(f.test.ID)+`"}`, nil)
	data, _ := out["success"].(map[string]any)["data"].(map[string]any)
	list, _ := data["candidates"].([]any)
	if code != http.StatusOK || data["total"] != 2.0 || len(list) != 2 {
		t.Fatalf("list (the de-assigned one left out): %d %v", code, out)
	}
	if a := list[0].(map[string]any); a["email"] != "a@example.com" || a["testStatus"] != "Assigned" || a["testUrl"] == "" {
		t.Fatalf("first candidate: %v", a)
	}
	if _, page := f.call(t, "/api/v1/candidateList", `{"testId":`+idStr(f.test.ID)+`,"page":2,"limit":1}`, nil); len(page["success"].(map[string]any)["data"].(map[string]any)["candidates"].([]any)) != 1 {
		t.Fatalf("page 2 of 1: %v", page)
	}
	for body, want := range map[string]string{`{}`: "3095", `{"testId":"999999"}`: "3404", `{"testId":"` + idStr(f.test.ID) + `","limit":0}`: "3023"} {
		if _, out := f.call(t, "/api/v1/candidateList", body, nil); out["result"] != "error" {
			t.Errorf("%s: %v", body, out)
		} else if got, _ := teCode(out); got != want {
			t.Errorf("%s: code %s, want %s", body, got, want)
		}
	}
}

// mustDefaultLink is the id of a test's default link.
func mustDefaultLink(t *testing.T, db *store.DB, testID int64) int64 {
	t.Helper()
	l, err := db.DefaultLink(context.Background(), testID)
	if err != nil {
		t.Fatal(err)
	}
	return l.ID
}
