package web

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"testgate/store"
)

// The bank through the native API: add, list and filter, edit with a
// version, archive; a sectioned test picks from it and draws by rules,
// refused when a rule asks for more than the bank holds.
func TestNativeBankAndRules(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	key, _ := db.CreateAPIKey(context.Background(), store.NewAPIKey{Name: "hr"})
	var qs []map[string]any
	for i := range 6 {
		qs = append(qs, map[string]any{"text": fmt.Sprintf("Join %d?", i), "kind": "single", "options": []string{"a", "b"}, "correct": []int{0},
			"topic": "sql", "difficulty": []string{"easy", "hard"}[i%2], "points": 2})
	}
	code, added := api(t, srv, http.MethodPost, "/api/native/bank/questions", key.Key, map[string]any{"questions": qs})
	if code != http.StatusCreated || len(added["questions"].([]any)) != 6 {
		t.Fatalf("add: %d %v", code, added)
	}
	first := added["questions"].([]any)[0].(map[string]any)["id"].(float64)
	code, bad := api(t, srv, http.MethodPost, "/api/native/bank/questions", key.Key, map[string]any{"text": "X?", "kind": "single",
		"options": []string{"a", "b"}, "correct": []int{0}, "difficulty": "brutal"})
	if code != http.StatusBadRequest || bad["error"].(map[string]any)["fields"].(map[string]any)["difficulty"] == nil {
		t.Fatalf("bad difficulty: %d %v", code, bad)
	}
	if _, list := api(t, srv, http.MethodGet, "/api/native/bank/questions?topic=sql&difficulty=hard", key.Key, nil); list["total"] != 3.0 {
		t.Fatalf("filter: %v", list)
	}

	// Unfillable: refused with the numbers.
	code, refused := api(t, srv, http.MethodPost, "/api/native/tests", key.Key, map[string]any{"name": "Too much", "durationMinutes": 10,
		"sections": []map[string]any{{"name": "SQL", "rules": []map[string]any{{"topic": "sql", "difficulty": "easy", "count": 4}}}}})
	if msg, _ := refused["error"].(map[string]any)["fields"].(map[string]any)["sections[0].rules[0].count"].(string); code != http.StatusBadRequest ||
		msg != "asks for 4 questions of topic “sql”, easy but the bank has 3" {
		t.Fatalf("unfillable rule: %d %v", code, refused)
	}
	code, test := api(t, srv, http.MethodPost, "/api/native/tests", key.Key, map[string]any{"name": "SQL", "durationMinutes": 10,
		"sections": []map[string]any{{"name": "SQL", "questions": []map[string]any{{"bankQuestionId": first}},
			"rules": []map[string]any{{"topic": "sql", "difficulty": "hard", "count": 2}}}}})
	section := test["sections"].([]any)[0].(map[string]any)
	if code != http.StatusCreated || section["pickedFromBank"] != 1.0 || section["candidateGets"] != 3.0 ||
		section["rules"].([]any)[0].(map[string]any)["matching"] != 3.0 {
		t.Fatalf("create: %d %v", code, test)
	}

	// A candidate's paper: the pick and two hard ones; the API reports it.
	res, _ := db.Invite(context.Background(), store.NewInvitation{TestID: int64(test["id"].(float64)), Name: "A", Email: "a@example.com", Source: store.SourceNative})
	db.StartInvitation(context.Background(), res.Invitation.ID)
	_, inv := api(t, srv, http.MethodGet, fmt.Sprintf("/api/native/invitations/%d", res.Invitation.ID), key.Key, nil)
	if paper := inv["sections"].([]any)[0].(map[string]any); len(paper["questionIds"].([]any)) != 3 || paper["maxScore"] != 6.0 {
		t.Fatalf("paper %v", inv["sections"])
	}

	// Editing raises the version; archiving takes it out of the pools.
	code, edited := api(t, srv, http.MethodPut, fmt.Sprintf("/api/native/bank/questions/%.0f", first), key.Key, map[string]any{"text": "Join, again?",
		"kind": "single", "options": []string{"a", "b"}, "correct": []int{1}, "topic": "sql", "difficulty": "easy"})
	if code != http.StatusOK || edited["version"] != 2.0 {
		t.Fatalf("edit: %d %v", code, edited)
	}
	if _, got := api(t, srv, http.MethodGet, fmt.Sprintf("/api/native/bank/questions/%.0f", first), key.Key, nil); got["usedByTests"] != 1.0 {
		t.Fatalf("used by %v", got["usedByTests"])
	}
	req := newRequest(http.MethodDelete, fmt.Sprintf("/api/native/bank/questions/%.0f", first), "")
	req.Header.Set("X-API-Key", key.Key)
	if r := newBrowser(t, srv).do(req); r.Code != http.StatusNoContent {
		t.Fatalf("archive: %d", r.Code)
	}
	if _, list := api(t, srv, http.MethodGet, "/api/native/bank/questions?archived=true", key.Key, nil); list["total"] != 1.0 {
		t.Fatalf("archived list: %v", list)
	}
}
