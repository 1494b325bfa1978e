package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"testgate/store"
)

// Banks belong to teams: a team's recruiters and keys see their bank and
// the organisation's, never another team's; the organisation's bank is
// read by all and kept by admins; a test's sections pick and draw from
// its team's bank and the organisation's only.
func TestBanksBelongToTeams(t *testing.T) {
	t.Parallel()
	w := newTeamWorld(t)
	ctx := context.Background()
	q := func(text, topic string) store.QuestionInput {
		return store.QuestionInput{Text: text, Kind: store.QuestionSingle, Options: []string{"a", "b"}, Correct: []int{0}, Topic: topic, Difficulty: "easy"}
	}
	alpha, beta := w.alpha.ID, w.beta.ID
	orgIDs, _ := w.db.AddBankQuestions(ctx, []store.QuestionInput{q("Org question?", "shared")})
	alphaIDs, _ := w.db.AddBankQuestionsTo(ctx, &alpha, []store.QuestionInput{q("Alpha question?", "shared")})
	betaIDs, _ := w.db.AddBankQuestionsTo(ctx, &beta, []store.QuestionInput{q("Beta secret?", "shared")})

	// Alpha's recruiter: Alpha's and the organisation's, not Beta's.
	page := w.ra.get("/bank").text(`[data-testid="bank-questions"]`)
	if !strings.Contains(page, "Alpha question?") || !strings.Contains(page, "Org question?") || strings.Contains(page, "Beta secret?") {
		t.Fatalf("Alpha's bank page: %q", page)
	}
	if r := w.ra.get("/bank/" + idStr(betaIDs[0]) + "/edit"); r.Code != http.StatusNotFound {
		t.Fatalf("Beta's question, by Alpha's recruiter: %d", r.Code)
	}
	if r := w.ra.post("/bank/"+idStr(betaIDs[0])+"/archive", nil); r.Code != http.StatusNotFound {
		t.Fatalf("archive Beta's question: %d", r.Code)
	}
	if r := w.ra.post("/bank/"+idStr(orgIDs[0]), url.Values{"text": {"Changed?"}, "kind": {"single"}, "option0": {"a"}, "option1": {"b"}, "correct": {"0"}}); r.Code != http.StatusForbidden {
		t.Fatalf("the organisation's question, changed by a recruiter: %d", r.Code)
	}
	if b, _ := w.db.BankQuestion(ctx, orgIDs[0]); b.Text != "Org question?" {
		t.Fatal("a recruiter changed the organisation's bank")
	}
	// What Alpha's recruiter adds goes to Alpha's bank.
	w.ra.get("/bank")
	if r := w.ra.post("/bank", url.Values{"text": {"Added by Rita?"}, "kind": {"single"}, "option0": {"a"}, "option1": {"b"}, "correct": {"0"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("add: %d %q", r.Code, r.text("main"))
	}
	added, _, _ := w.db.BankQuestions(ctx, store.BankFilter{Query: "Added by Rita"})
	if len(added) != 1 || added[0].TeamID == nil || *added[0].TeamID != alpha {
		t.Fatalf("added to %+v", added)
	}
	// An admin keeps the organisation's bank.
	w.admin.get("/bank")
	if r := w.admin.post("/bank/"+idStr(orgIDs[0]), url.Values{"text": {"Org question, edited?"}, "kind": {"single"}, "option0": {"a"}, "option1": {"b"}, "correct": {"0"},
		"topic": {"shared"}, "difficulty": {"easy"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("admin edit: %d", r.Code)
	}

	// The API, with Alpha's key.
	code, list := api(t, w.srv, http.MethodGet, "/api/native/bank/questions", w.keyA.Key, nil)
	if got := flatten(list["questions"]); code != http.StatusOK || !strings.Contains(got, "Alpha question?") || strings.Contains(got, "Beta secret?") {
		t.Fatalf("Alpha's key lists: %d %s", code, got)
	}
	if code, _ := api(t, w.srv, http.MethodGet, "/api/native/bank/questions/"+idStr(betaIDs[0]), w.keyA.Key, nil); code != http.StatusNotFound {
		t.Fatalf("Beta's question with Alpha's key: %d", code)
	}
	if code, _ := api(t, w.srv, http.MethodDelete, "/api/native/bank/questions/"+idStr(orgIDs[0]), w.keyA.Key, nil); code != http.StatusForbidden {
		t.Fatalf("archive the organisation's question with a team's key: %d", code)
	}
	code, made := api(t, w.srv, http.MethodPost, "/api/native/bank/questions", w.keyA.Key, map[string]any{"text": "From Alpha's ATS?", "kind": "single",
		"options": []string{"a", "b"}, "correct": []int{0}})
	if qs, _ := made["questions"].([]any); code != http.StatusCreated || len(qs) != 1 || qs[0].(map[string]any)["team"] != float64(alpha) {
		t.Fatalf("added with Alpha's key: %d %v", code, made)
	}

	// A test of Alpha's: picks and draws from Alpha's bank and the organisation's only.
	drawn, err := w.db.CreateSectionedTest(ctx, store.TestInput{Name: "Alpha drawn", Kind: store.KindAssessment, DurationMinutes: 10, TeamID: alpha},
		[]store.SectionInput{{Name: "Picked", Picks: []int64{alphaIDs[0]}}})
	if err != nil {
		t.Fatal(err)
	}
	sections, _ := w.db.Sections(ctx, drawn.ID)
	if n, _ := w.db.PickBankQuestions(ctx, drawn.ID, sections[0].ID, []int64{betaIDs[0]}); n != 0 {
		t.Fatal("Beta's question was picked into Alpha's test")
	}
	if _, err := w.db.CreateSectionedTest(ctx, store.TestInput{Name: "Alpha steals", Kind: store.KindAssessment, DurationMinutes: 10, TeamID: alpha},
		[]store.SectionInput{{Name: "Picked", Picks: []int64{betaIDs[0]}}}); err == nil {
		t.Fatal("a test of Alpha's was made with Beta's question")
	}
	// A rule on the shared topic: Beta's question does not count or come.
	ruled, err := w.db.CreateSectionedTest(ctx, store.TestInput{Name: "Alpha rule", Kind: store.KindAssessment, DurationMinutes: 10, TeamID: alpha},
		[]store.SectionInput{{Name: "Drawn", Rules: []store.SectionRule{{Topic: "shared", Difficulty: "easy", Count: 2}}}})
	if err != nil {
		t.Fatal(err)
	}
	rs, _ := w.db.Sections(ctx, ruled.ID)
	if m := rs[0].Rules[0].Matching; m != 2 { // Alpha's and the organisation's
		t.Fatalf("the rule matches %d, want 2 (Beta's is not Alpha's)", m)
	}
	pick := w.ra.get(testPath(ruled.ID) + "/sections/" + idStr(rs[0].ID) + "/pick").text("main")
	if strings.Contains(pick, "Beta secret?") {
		t.Fatal("the pick page offers Beta's question to Alpha's test")
	}
}
