package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"testgate/store"
)

func TestConsoleBank(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	ctx := context.Background()
	b := signIn(t, srv, db, store.RoleRecruiter)
	if r := b.get("/bank"); r.Code != http.StatusOK || r.doc.Find(`[data-testid="bank-empty"]`).Length() != 1 {
		t.Fatalf("empty bank: %d", r.Code)
	}
	add := url.Values{"text": {"What does defer do?"}, "kind": {"single"}, "option0": {"Runs later"}, "option1": {"Nothing"},
		"correct": {"0"}, "points": {"2"}, "topic": {"go"}, "difficulty": {"easy"}}
	if r := b.post("/bank", add); r.Code != http.StatusSeeOther {
		t.Fatalf("add: %d %s", r.Code, r.text(".error-summary"))
	}
	bad := url.Values{"text": {"No options?"}, "kind": {"single"}, "difficulty": {"brutal"}}
	if r := b.post("/bank", bad); r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.text(`[data-testid="error-difficulty"]`), "easy, medium or hard") {
		t.Fatalf("bad add: %d %q", r.Code, r.text("#add-bank-question"))
	}

	// CSV: one bad line and nothing is imported; then the good file.
	csv := "question,kind,options,correct,points,topic,difficulty\n" +
		"\"Which is a map?\",single,map[string]int|[]int,1,1,go,medium\n" +
		"Broken,single,only one,1,,go,hard\n"
	r := b.post("/bank/import", url.Values{"pasted": {csv}})
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.text(`[data-testid="bank-import-problems"]`), "line 3: options must list at least 2 options") {
		t.Fatalf("bad import: %d %q", r.Code, r.text(`[data-testid="bank-import-problems"]`))
	}
	if _, total, _ := db.BankQuestions(ctx, store.BankFilter{}); total != 1 {
		t.Fatalf("a refused import wrote %d questions", total-1)
	}
	// Options are counted from 1 in the file, and so in its problems.
	outOfRange := "question,kind,options,correct,points,topic,difficulty\nPick,single,a|b,3,1,go,easy\nTwice,multiple,a|b|c,1|1,1,go,easy\n"
	problems := b.post("/bank/import", url.Values{"pasted": {outOfRange}}).text(`[data-testid="bank-import-problems"]`)
	if !strings.Contains(problems, "line 2: correct option 3 is not an option") || !strings.Contains(problems, "line 3: correct option 1 is listed twice") {
		t.Fatalf("problems counted from 0: %q", problems)
	}
	csv = strings.Replace(csv, "Broken,single,only one,1,,go,hard", "Explain select.,text,,,3,go,hard", 1)
	if r := b.post("/bank/import", url.Values{"pasted": {csv}}); r.Code != http.StatusSeeOther {
		t.Fatalf("import: %d %q", r.Code, r.text(`[data-testid="bank-import-problems"]`))
	}
	r = b.get("/bank?topic=go&difficulty=hard")
	if r.text(`[data-testid="bank-count"]`) != "1 question" || !strings.Contains(r.text(`[data-testid="bank-questions"]`), "Explain select.") {
		t.Fatalf("filter: %q", r.text("main"))
	}

	// Edit: a new version; archive an unused question at once, a used one after asking.
	list, _, _ := db.BankQuestions(ctx, store.BankFilter{Query: "defer"})
	id := list[0].ID
	add.Set("text", "What does defer do, exactly?")
	if r := b.post("/bank/"+idStr(id), add); r.Code != http.StatusSeeOther {
		t.Fatalf("edit: %d", r.Code)
	}
	if q, _ := db.BankQuestion(ctx, id); q.Version != 2 || q.Text != "What does defer do, exactly?" {
		t.Fatalf("edited: %+v", q)
	}
	if _, err := db.CreateSectionedTest(ctx, store.TestInput{Name: "Uses it", Kind: store.KindAssessment, DurationMinutes: 5},
		[]store.SectionInput{{Name: "Bank", Picks: []int64{id}}}); err != nil {
		t.Fatal(err)
	}
	b.get("/bank")
	question, done := b.postConfirmed("/bank/"+idStr(id)+"/archive", nil)
	if !strings.Contains(question.text(`[data-testid="confirm-touches"]`), "1 test uses it") || done.Code != http.StatusSeeOther {
		t.Fatalf("archive a used question: %q %d", question.text("main"), done.Code)
	}
	if r := b.get("/bank?archived=1"); !strings.Contains(r.text(`[data-testid="bank-questions"]`), "defer") {
		t.Fatalf("archived list: %q", r.text("main"))
	}
	if r := b.post("/bank/"+idStr(id)+"/archive", url.Values{"restore": {"1"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("restore: %d", r.Code)
	}
	if q, _ := db.BankQuestion(ctx, id); q.ArchivedAt != nil {
		t.Fatal("not restored")
	}
}
