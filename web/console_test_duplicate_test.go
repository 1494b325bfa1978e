package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"testgate/store"
)

// "Duplicate" on a test's page opens a copy of it, questions and sections
// included and no candidates; the native API makes the same copy, named as
// asked.
func TestDuplicateATest(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	ctx := context.Background()
	b := signIn(t, srv, db, store.RoleRecruiter)
	orig, _ := db.CreateTest(ctx, store.TestInput{Name: "Go screening", Kind: store.KindAssessment, DurationMinutes: 25, PassingScore: 70},
		[]store.QuestionInput{{Text: "2+2?", Kind: store.QuestionSingle, Options: []string{"3", "4"}, Correct: []int{1}},
			{Text: "Explain goroutines.", Kind: store.QuestionText, Points: 4}})
	db.Invite(ctx, store.NewInvitation{TestID: orig.ID, Name: "Kim", Email: "kim@example.com", Source: store.SourceNative})

	page := b.get(testPath(orig.ID))
	if page.doc.Find(`[data-testid="duplicate-test"]`).Length() != 1 {
		t.Fatal("no Duplicate button on the test's page")
	}
	r := b.post(testPath(orig.ID)+"/duplicate", nil)
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") == testPath(orig.ID) {
		t.Fatalf("duplicate: %d → %q", r.Code, r.Header().Get("Location"))
	}
	copyPage := b.get(r.Header().Get("Location"))
	if copyPage.text(`[data-testid="test-name"]`) != "Copy of Go screening" || !strings.Contains(copyPage.text(`[data-testid="flash"]`), "no invitations") {
		t.Fatalf("copy page: %q, %q", copyPage.text(`[data-testid="test-name"]`), copyPage.text(`[data-testid="flash"]`))
	}
	if got := copyPage.text("main"); !strings.Contains(got, "2+2?") || !strings.Contains(got, "Explain goroutines.") {
		t.Fatalf("the copy's questions are missing: %q", got)
	}
	if got := b.get("/invitations").doc.Find(`[data-testid="invitation-link"]`).Length(); got != 1 {
		t.Fatalf("%d invitations of Kim after the copy, want 1", got)
	}

	key, _ := db.CreateAPIKey(ctx, store.NewAPIKey{Name: "ats"})
	code, out := api(t, srv, http.MethodPost, "/api/native/tests/"+idStr(orig.ID)+"/duplicate", key.Key, map[string]any{"name": "Go screening, 2027"})
	if code != http.StatusCreated || out["name"] != "Go screening, 2027" || out["passingScore"] != 70.0 || len(out["questions"].([]any)) != 2 ||
		out["defaultLink"] == nil {
		t.Fatalf("native duplicate: %d %v", code, out)
	}
	if code, out := api(t, srv, http.MethodPost, "/api/native/tests/"+idStr(orig.ID)+"/duplicate", key.Key, map[string]any{}); code != http.StatusCreated ||
		out["name"] != "Copy of Go screening" {
		t.Fatalf("native duplicate, default name: %d %v", code, out)
	}
	if code, out := api(t, srv, http.MethodPost, "/api/native/tests/"+idStr(orig.ID)+"/duplicate", key.Key, map[string]any{"name": " "}); code != http.StatusBadRequest ||
		!strings.Contains(jsonText(out), "name") {
		t.Fatalf("blank name: %d %v", code, out)
	}
	if code, _ := api(t, srv, http.MethodPost, "/api/native/tests/987654/duplicate", key.Key, map[string]any{}); code != http.StatusNotFound {
		t.Fatalf("no such test: %d", code)
	}
}
