package web

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"testgate/store"
)

// Testinvite's task and result reads: "Listing Tasks", "Fetching a Task",
// "Listing Test Instances & Results" and "Fetching a Test Session & Result".

func TestTestinviteTasks(t *testing.T) {
	t.Parallel()
	f := newTestinviteFixture(t)
	ctx := context.Background()
	marketing, _ := f.db.CreateTest(ctx, store.TestInput{Name: "Marketing Basics", Kind: store.KindAssessment, DurationMinutes: 20,
		Labels: []string{"campus"}}, nil)
	old, _ := f.db.CreateTest(ctx, store.TestInput{Name: "Old sales", Kind: store.KindAssessment, DurationMinutes: 20}, nil)
	f.db.SetTestArchived(ctx, old.ID, true)

	code, out := f.call(t, http.MethodGet, "/api/integration/rest/v1/tasks?limit=2", "")
	tasks, _ := out["tasks"].([]any)
	p, _ := out["pagination"].(map[string]any)
	if code != http.StatusOK || len(tasks) != 2 || p["totalItems"] != 3.0 || p["next"] != "?limit=2&page=2&mode=basic" {
		t.Fatalf("tasks: %d %v", code, out)
	}
	if first := tasks[0].(map[string]any); len(first) != 3 || first["taskId"] == nil || first["title"] == nil || first["createdAt"] == nil {
		t.Fatalf("a basic task is {taskId, title, createdAt}: %v", first)
	}
	// title: part of the title, in any case.
	_, out = f.call(t, http.MethodGet, "/api/integration/rest/v1/tasks?title=SALES", "")
	if p := out["pagination"].(map[string]any); p["totalItems"] != 2.0 {
		t.Fatalf("by title: %v", out)
	}
	code, one := f.call(t, http.MethodGet, "/api/integration/rest/v1/tasks/"+idStr(marketing.ID)+"?mode=detailed", "")
	steps, _ := one["steps"].([]any)
	if code != http.StatusOK || one["title"] != "Marketing Basics" || one["active"] != true || one["accessMethod"] != "invitation-code" ||
		len(steps) != 1 || one["labels"].([]any)[0] != "campus" {
		t.Fatalf("detailed task: %d %v", code, one)
	}
	if _, archived := f.call(t, http.MethodGet, "/api/integration/rest/v1/tasks/"+idStr(old.ID)+"?mode=detailed", ""); archived["active"] != false {
		t.Fatalf("an archived task is inactive: %v", archived)
	}
	if code, out := f.call(t, http.MethodGet, "/api/integration/rest/v1/tasks/987654", ""); code != http.StatusNotFound || tiMessage(out) == "" {
		t.Fatalf("unknown task: %d %v", code, out)
	}
}

func TestTestinviteTestInstancesAndResults(t *testing.T) {
	t.Parallel()
	f := newTestinviteFixture(t)
	ctx := context.Background()
	q1, _ := f.db.AddQuestion(ctx, f.task.ID, choiceInput("One"))
	f.db.AddQuestion(ctx, f.task.ID, choiceInput("Two"))
	mk := func(email, external string) int64 {
		_, out := f.call(t, http.MethodPost, f.base, `{"kind":"temporary-candidate","fullname":"N","email":"`+email+`","externalId":"`+external+`","group":"g"}`)
		id, _ := strconv.ParseInt(out["candidateId"].(string), 10, 64)
		return id
	}
	done, started, _ := mk("done@example.com", "ats-1"), mk("started@example.com", "ats-2"), mk("waiting@example.com", "ats-3")
	markStarted(t, f.db, done)
	f.db.SaveAnswers(ctx, done, []store.AnswerInput{{QuestionID: q1.ID, Choices: []int{0}}}, nil)
	if _, err := f.db.CompleteInvitation(ctx, done, store.ReasonSubmitted); err != nil {
		t.Fatal(err)
	}
	markStarted(t, f.db, started)

	instances := f.base[:len(f.base)-len("/candidates")] + "/test-instances"
	code, out := f.call(t, http.MethodGet, instances, "")
	list, _ := out["testInstances"].([]any)
	if code != http.StatusOK || len(list) != 2 || out["pagination"].(map[string]any)["totalItems"] != 2.0 {
		t.Fatalf("instances (the candidate who has not begun has none): %d %v", code, out)
	}
	first := list[0].(map[string]any)
	result, _ := first["result"].(map[string]any)
	board, _ := result["scoreboard"].(map[string]any)
	if first["status"] != "COMPLETE" || first["ticketId"] != idStr(done) || board["pointsAchieved"] != 1.0 ||
		board["maxAchievablePoints"] != 2.0 || board["achievementRatio"] != 0.5 || result["completedAt"] == nil {
		t.Fatalf("completed instance: %v", first)
	}
	if second := list[1].(map[string]any); second["status"] != "STARTED" || second["result"] != false {
		t.Fatalf("started instance: %v", second)
	}
	// By candidate, by external id; not both.
	if _, out := f.call(t, http.MethodGet, instances+"?externalId=ats-2", ""); len(out["testInstances"].([]any)) != 1 {
		t.Fatalf("by externalId: %v", out)
	}
	if _, out := f.call(t, http.MethodGet, instances+"?candidateId="+idStr(done)+"&mode=detailed", ""); len(out["testInstances"].([]any)) != 1 {
		t.Fatalf("by candidateId: %v", out)
	}
	if code, out := f.call(t, http.MethodGet, instances+"?candidateId="+idStr(done)+"&externalId=ats-1", ""); code != http.StatusBadRequest {
		t.Fatalf("both filters: %d %v", code, out)
	}
	// One, detailed: the scoreboard with its questions and sections.
	code, one := f.call(t, http.MethodGet, instances+"/"+idStr(done)+"?mode=detailed", "")
	result, _ = one["result"].(map[string]any)
	sections, _ := result["sections"].([]any)
	if code != http.StatusOK || one["group"] != "g" || one["candidate"].(map[string]any)["kind"] != "temp" ||
		result["scoreboard"].(map[string]any)["noOfQuestions"] != 2.0 || len(sections) != 1 {
		t.Fatalf("detailed instance: %d %v", code, one)
	}
	for _, id := range []string{"987654", idStr(done + 2)} { // unknown; a candidate who has not begun
		if code, _ := f.call(t, http.MethodGet, instances+"/"+id, ""); code != http.StatusNotFound {
			t.Errorf("instance %s: %d", id, code)
		}
	}
}
