package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"testgate/store"
)

func TestCreateEditArchiveTest(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleRecruiter)

	r := b.get("/tests/new")
	if r.Code != http.StatusOK || r.text("h1") != "New test" {
		t.Fatalf("new test page: %d", r.Code)
	}
	invalid := []struct {
		form  url.Values
		field string
		msg   string
	}{
		{url.Values{"name": {""}, "kind": {"assessment"}, "durationMinutes": {"30"}}, "name", "Name is required"},
		{url.Values{"name": {"x"}, "kind": {"quiz"}, "durationMinutes": {"30"}}, "kind", "Kind must be assessment or interview"},
		{url.Values{"name": {"x"}, "kind": {"assessment"}, "durationMinutes": {"abc"}}, "durationMinutes", "Duration (minutes) must be a whole number"},
		{url.Values{"name": {"x"}, "kind": {"assessment"}, "durationMinutes": {"0"}}, "durationMinutes", "Duration (minutes) must be between 1 and 1440 minutes"},
		{url.Values{"name": {"x"}, "kind": {"assessment"}, "durationMinutes": {"30"}, "passingScore": {"101"}}, "passingScore", "Passing score (%) must be between 0 and 100 (percent)"},
		{url.Values{"name": {"x"}, "kind": {"assessment"}, "durationMinutes": {"30"}, "passingScore": {"5.5"}}, "passingScore", "Passing score (%) must be a whole number"},
		{url.Values{"name": {"x"}, "kind": {"assessment"}, "durationMinutes": {"30"}, "instructions": {strings.Repeat("i", store.MaxInstructionsLength+1)}}, "instructions", "Instructions must be at most 20000 characters"},
	}
	for _, c := range invalid {
		r := b.post("/tests", c.form)
		if r.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d", c.field, r.Code)
			continue
		}
		if got := r.text(`[data-testid="error-` + c.field + `"]`); got != c.msg {
			t.Errorf("%s: error %q, want %q", c.field, got, c.msg)
		}
		if v, _ := r.doc.Find("#f-name").Attr("value"); v != c.form.Get("name") {
			t.Errorf("%s: name not kept (%q)", c.field, v)
		}
	}
	if tests, _ := db.Tests(context.Background(), store.TestFilter{}); len(tests) != 0 {
		t.Fatalf("invalid forms wrote %d tests", len(tests))
	}

	r = b.post("/tests", url.Values{"name": {"Go <backend>"}, "kind": {"assessment"}, "instructions": {"Read <b>carefully</b>."},
		"durationMinutes": {"45"}, "passingScore": {"70"}})
	if r.Code != http.StatusSeeOther || !strings.HasPrefix(r.Header().Get("Location"), "/tests/") {
		t.Fatalf("create: %d %q", r.Code, r.Header().Get("Location"))
	}
	testURL := r.Header().Get("Location")
	r = b.get(testURL)
	if r.text(`[data-testid="test-name"]`) != "Go <backend>" {
		t.Fatalf("test page name %q", r.text(`[data-testid="test-name"]`))
	}
	if strings.Contains(r.Body.String(), "<b>carefully</b>") {
		t.Fatal("instructions rendered unescaped")
	}
	if r.doc.Find(`[data-testid="links-table"] tbody tr`).Length() != 1 || !strings.Contains(r.text(`[data-testid="links-table"]`), "default") {
		t.Fatal("the default link is not listed")
	}

	r = b.get(testURL + "/edit")
	if v, _ := r.doc.Find("#f-durationMinutes").Attr("value"); v != "45" {
		t.Fatalf("edit form duration %q", v)
	}
	r = b.post(testURL, url.Values{"name": {"Go backend"}, "kind": {"assessment"}, "durationMinutes": {"60"}, "passingScore": {"50"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("update: %d", r.Code)
	}
	r = b.get(testURL)
	if r.text(`[data-testid="test-name"]`) != "Go backend" || !strings.Contains(r.text(".facts"), "60 minutes") {
		t.Fatalf("after update: %q", r.text(".facts"))
	}
	if r := b.post(testURL, url.Values{"name": {""}, "kind": {"assessment"}, "durationMinutes": {"60"}}); r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("invalid update: %d", r.Code)
	}

	_, r = b.postConfirmed(testURL+"/archive", url.Values{"archived": {"1"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("archive: %d", r.Code)
	}
	if r := b.get(testURL); r.doc.Find(`[data-testid="archived-notice"]`).Length() != 1 {
		t.Fatal("archived notice missing")
	}
	if r := b.get("/tests"); r.doc.Find(`[data-testid="no-tests"]`).Length() != 1 {
		t.Fatal("archived test still in the active list")
	}
	if r := b.get("/tests?archived=1"); !strings.Contains(r.text(`[data-testid="tests-table"]`), "Go backend") {
		t.Fatal("archived list lacks the test")
	}
	b.post(testURL+"/archive", url.Values{"archived": {"0"}})
	if r := b.get("/tests"); !strings.Contains(r.text(`[data-testid="tests-table"]`), "Go backend") {
		t.Fatal("restored test missing from the list")
	}
}

func TestTestListFilterFragment(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleAdmin)
	ctx := context.Background()
	for _, name := range []string{"Java senior", "Go junior", "Go senior"} {
		db.CreateTest(ctx, store.TestInput{Name: name, Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	}
	r := b.get("/tests?q=go")
	if n := r.doc.Find(`[data-testid="tests-table"] tbody tr`).Length(); n != 2 {
		t.Fatalf("full page with q=go: %d rows", n)
	}
	if v, _ := r.doc.Find("#f-q").Attr("value"); v != "go" {
		t.Fatalf("filter not kept in the form: %q", v)
	}
	// htmx asks for the table alone.
	r = b.htmx(http.MethodGet, "/tests", url.Values{"q": {"senior"}, "archived": {""}}, "tests-table")
	if r.doc.Find("html header.top").Length() != 0 || r.doc.Find(`#tests-table tbody tr`).Length() != 2 {
		t.Fatalf("fragment: %s", r.Body)
	}
	if got := r.Header().Get("HX-Push-Url"); got != "/tests?q=senior" {
		t.Fatalf("pushed URL %q", got)
	}
	r = b.htmx(http.MethodGet, "/tests", url.Values{"q": {"rust"}}, "tests-table")
	if !strings.Contains(r.text(`[data-testid="no-tests"]`), "No tests match “rust”") {
		t.Fatalf("empty result: %q", r.text(`[data-testid="no-tests"]`))
	}
}

func TestQuestionsThroughTheConsole(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleRecruiter)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Maths", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	path := testPath(tt.ID)
	b.get(path)

	// Plain form post (no JavaScript): invalid → whole page with errors, kept input.
	r := b.post(path+"/questions", url.Values{"text": {"2+2?"}, "kind": {"single"}, "option0": {"3"}, "option1": {"4"}, "option3": {""}})
	if r.Code != http.StatusUnprocessableEntity || r.text(`[data-testid="error-correct"]`) != "Correct answer: must mark at least one option as correct" {
		t.Fatalf("no correct option: %d %q", r.Code, r.text(`[data-testid="error-correct"]`))
	}
	if v, _ := r.doc.Find(`input[name="option1"]`).Attr("value"); v != "4" {
		t.Fatalf("option not kept: %q", v)
	}
	r = b.post(path+"/questions", url.Values{"text": {"2+2?"}, "kind": {"single"}, "option0": {"3"}, "option2": {""}, "correct": {"2"}})
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.text(`[data-testid="error-correct"]`), "option 3 is ticked but empty") {
		t.Fatalf("ticked empty option: %d %q", r.Code, r.text(`[data-testid="error-correct"]`))
	}
	if r := b.post(path+"/questions", url.Values{"text": {""}, "kind": {"text"}}); r.text(`[data-testid="error-text"]`) != "Question is required" {
		t.Fatalf("empty text: %q", r.text(`[data-testid="error-text"]`))
	}
	if qs, _ := db.Questions(ctx, tt.ID); len(qs) != 0 {
		t.Fatalf("invalid questions written: %d", len(qs))
	}

	// Blank rows between options are dropped and the ticks renumbered.
	r = b.post(path+"/questions", url.Values{"text": {"2+2?"}, "kind": {"single"}, "option0": {"3"}, "option2": {"4"}, "correct": {"2"}})
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != path+"#questions" {
		t.Fatalf("add: %d %q", r.Code, r.Header().Get("Location"))
	}
	qs, _ := db.Questions(ctx, tt.ID)
	if len(qs) != 1 || len(qs[0].Options) != 2 || qs[0].Correct[0] != 1 {
		t.Fatalf("stored %+v", qs)
	}

	// htmx: the questions section comes back as a fragment.
	r = b.htmx(http.MethodPost, path+"/questions", url.Values{"text": {"Which are prime?"}, "kind": {"multiple"},
		"option0": {"2"}, "option1": {"4"}, "option2": {"5"}, "correct": {"0", "2"}}, "questions")
	if r.Code != http.StatusOK || r.doc.Find("header.top").Length() != 0 {
		t.Fatalf("htmx add: %d", r.Code)
	}
	if n := r.doc.Find(`[data-testid="questions"] > li`).Length(); n != 2 {
		t.Fatalf("fragment lists %d questions", n)
	}
	if got := r.doc.Find(`[data-testid="questions"] > li`).Eq(1).Find("li.correct").Length(); got != 2 {
		t.Fatalf("correct options shown: %d", got)
	}
	r = b.htmx(http.MethodPost, path+"/questions", url.Values{"text": {"x"}, "kind": {"multiple"}, "option0": {"a"}}, "questions")
	if r.Code != http.StatusUnprocessableEntity || r.text(`[data-testid="error-options"]`) == "" {
		t.Fatalf("htmx invalid: %d", r.Code)
	}

	b.post(path+"/questions", url.Values{"text": {"Explain."}, "kind": {"text"}, "option0": {"ignored"}})
	qs, _ = db.Questions(ctx, tt.ID)
	if len(qs) != 3 || len(qs[2].Options) != 0 {
		t.Fatalf("text question %+v", qs)
	}

	// Reorder, edit, delete.
	r = b.htmx(http.MethodPost, path+"/questions/"+idStr(qs[2].ID)+"/move", url.Values{"dir": {"up"}}, "questions")
	if first := r.doc.Find(`[data-testid="questions"] > li .q-text`).Eq(1).Text(); first != "Explain." {
		t.Fatalf("after move: second is %q", first)
	}
	if r := b.post(path+"/questions/"+idStr(qs[0].ID)+"/move", url.Values{"dir": {"sideways"}}); r.Code != http.StatusBadRequest {
		t.Fatalf("bad direction: %d", r.Code)
	}
	r = b.get(path + "/questions/" + idStr(qs[0].ID) + "/edit")
	if v, _ := r.doc.Find(`input[name="option1"]`).Attr("value"); v != "4" {
		t.Fatalf("edit form option %q", v)
	}
	if _, ok := r.doc.Find(`#f-correct-1`).Attr("checked"); !ok {
		t.Fatal("edit form lost the correct tick")
	}
	r = b.post(path+"/questions/"+idStr(qs[0].ID), url.Values{"text": {"2+3?"}, "kind": {"single"}, "option0": {"5"}, "option1": {"6"}, "correct": {"0"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("edit: %d", r.Code)
	}
	if q, _ := db.Question(ctx, tt.ID, qs[0].ID); q.Text != "2+3?" || q.Correct[0] != 0 {
		t.Fatalf("edited %+v", q)
	}
	if r := b.post(path+"/questions/"+idStr(qs[0].ID), url.Values{"text": {"2+3?"}, "kind": {"single"}, "option0": {"5"}}); r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("invalid edit: %d", r.Code)
	}
	b.postConfirmed(path+"/questions/"+idStr(qs[1].ID)+"/delete", nil)
	if qs, _ := db.Questions(ctx, tt.ID); len(qs) != 2 {
		t.Fatalf("after delete: %d", len(qs))
	}
	if r := b.post(path+"/questions/99999/delete", nil); r.Code != http.StatusNotFound {
		t.Fatalf("delete missing: %d", r.Code)
	}
}

func TestInterviewOffersOnlyWrittenQuestions(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleRecruiter)
	tt, _ := db.CreateTest(context.Background(), store.TestInput{Name: "Screen", Kind: store.KindInterview, DurationMinutes: 15}, nil)
	r := b.get(testPath(tt.ID))
	var offered []string
	r.doc.Find(`#f-kind option`).Each(func(_ int, o *goquery.Selection) { offered = append(offered, o.AttrOr("value", "")) })
	if strings.Join(offered, " ") != "text essay code" {
		t.Fatalf("interview offers %v", offered)
	}
	r = b.post(testPath(tt.ID)+"/questions", url.Values{"text": {"Pick"}, "kind": {"single"}, "option0": {"a"}, "option1": {"b"}, "correct": {"0"}})
	if r.text(`[data-testid="error-kind"]`) != "Answer type must be text, essay or code in an interview" {
		t.Fatalf("choice in interview: %q", r.text(`[data-testid="error-kind"]`))
	}
}
