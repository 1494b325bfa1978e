package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"testgate/store"
)

// The preview of a drawn test: a sample paper as a candidate starting now
// would get it, the same through every page of the preview, and what each
// section and rule draws from how many.
func TestPreviewDrawsASamplePaper(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	ctx := context.Background()
	var bank []store.QuestionInput
	for i := range 5 {
		bank = append(bank, store.QuestionInput{Text: fmt.Sprintf("Bank %d?", i), Kind: store.QuestionSingle, Options: []string{"a", "b"},
			Correct: []int{0}, Topic: "go", Difficulty: "easy"})
	}
	db.AddBankQuestions(ctx, bank)
	var own []store.QuestionInput
	for i := range 10 {
		own = append(own, store.QuestionInput{Text: fmt.Sprintf("Own %d?", i), Kind: store.QuestionSingle, Options: []string{"a", "b"}, Correct: []int{1}})
	}
	tt, err := db.CreateSectionedTest(ctx, store.TestInput{Name: "Drawn", Kind: store.KindAssessment, DurationMinutes: 10}, []store.SectionInput{
		{Name: "Own", Draw: 3, Questions: own},
		{Name: "From the bank", Rules: []store.SectionRule{{Topic: "go", Difficulty: "easy", Count: 2}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	b := signIn(t, srv, db, store.RoleRecruiter)
	intro := b.get(testPath(tt.ID) + "/preview")
	draw := intro.text(`[data-testid="preview-draw"]`)
	for _, want := range []string{"Own: 10 questions, 3 drawn at random; each candidate gets 3",
		"Rule: 2 of topic “go”, easy — 5 questions match in the bank"} {
		if !strings.Contains(draw, want) {
			t.Fatalf("draw lines %q lack %q", draw, want)
		}
	}
	seed, _ := intro.doc.Find(`input[name="seed"]`).Attr("value")
	if seed == "" {
		t.Fatal("the preview carries no seed")
	}
	start := b.post(testPath(tt.ID)+"/preview/start", url.Values{"seed": {seed}})
	fields := start.doc.Find(`[data-testid="question"]`)
	if fields.Length() != 5 || start.doc.Find(`[data-testid="section-name"]`).Length() != 2 {
		t.Fatalf("sample paper: %d questions", fields.Length())
	}
	// Answer every question right, by the paper the seed drew: full marks.
	form := url.Values{"action": {"submit"}, "seed": {seed}}
	fields.Each(func(_ int, f *goquerySelection) {
		id, _ := f.Attr("data-question")
		right := "1"
		if strings.HasPrefix(f.Find(".q-text").Text(), "Bank") {
			right = "0"
		}
		form.Set("q"+id, right)
	})
	done := b.post(testPath(tt.ID)+"/preview/answers", form)
	if got := done.text(`[data-testid="preview-score"]`); got != "In a real attempt these answers would score 5 / 5 (100 %)." {
		t.Fatalf("preview score %q", got)
	}
	if n := countRows(t, db, `SELECT COUNT(*) FROM questions WHERE bank_question_id IS NOT NULL`); n != 0 {
		t.Fatalf("the preview wrote %d snapshots", n)
	}
	if r := b.get(testPath(tt.ID)); r.Code != http.StatusOK || r.doc.Find(`[data-testid="test-section"]`).Length() != 2 {
		t.Fatalf("test page sections: %d", r.doc.Find(`[data-testid="test-section"]`).Length())
	}
}

// A recruiter makes a test a list of sections from the console: the first
// takes the test's questions, rules draw from the bank, picks add bank
// questions; every refusal names its numbers.
func TestConsoleSections(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{})
	ctx := context.Background()
	var bank []store.QuestionInput
	for i := range 3 {
		bank = append(bank, store.QuestionInput{Text: fmt.Sprintf("Bank %d?", i), Kind: store.QuestionSingle, Options: []string{"a", "b"},
			Correct: []int{0}, Topic: "go", Difficulty: "easy"})
	}
	bankIDs, _ := f.db.AddBankQuestions(ctx, bank)
	b := signIn(t, f.srv, f.db, store.RoleRecruiter)
	base := testPath(f.test.ID) + "/sections"
	if r := b.get(testPath(f.test.ID)); !strings.Contains(r.text(`[data-testid="sections"]`), "go into the first section") {
		t.Fatalf("no sections yet: %q", r.text(`[data-testid="sections"]`))
	}
	if r := b.post(base, url.Values{"name": {"Core"}, "draw": {"2"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("add section: %d %q", r.Code, r.text(`[data-testid="sections-problem"]`))
	}
	sections, _ := f.db.Sections(ctx, f.test.ID)
	if len(sections) != 1 || sections[0].QuestionCount != 3 || sections[0].Gets() != 2 {
		t.Fatalf("first section %+v", sections)
	}
	core := base + "/" + idStr(sections[0].ID)
	if r := b.post(core, url.Values{"name": {"Core"}, "draw": {"9"}}); r.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(r.text(`[data-testid="sections-problem"]`), "asks for 9 questions but the section has 3") {
		t.Fatalf("draw 9: %d %q", r.Code, r.text(`[data-testid="sections-problem"]`))
	}
	b.post(base, url.Values{"name": {"From the bank"}, "shuffleQuestions": {"1"}})
	sections, _ = f.db.Sections(ctx, f.test.ID)
	second := base + "/" + idStr(sections[1].ID)
	// The rule forms are folded until asked for.
	if r := b.get(testPath(f.test.ID)); r.doc.Find(`[data-testid="rule-details"]`).Length() != 2 ||
		r.doc.Find(`[data-testid="rule-details"][open]`).Length() != 0 {
		t.Fatalf("rule forms: %d, %d open", r.doc.Find(`[data-testid="rule-details"]`).Length(), r.doc.Find(`[data-testid="rule-details"][open]`).Length())
	}
	r := b.post(second+"/rules", url.Values{"count": {"5"}, "topic": {"go"}, "difficulty": {"easy"}})
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.text(`[data-testid="sections-problem"]`),
		"asks for 5 questions of topic “go”, easy but the bank has 3") {
		t.Fatalf("rule 5: %d %q", r.Code, r.text(`[data-testid="sections-problem"]`))
	}
	// The refused form is the one open, holding what was typed.
	open := r.doc.Find(`[data-testid="rule-details"][open]`)
	if action, _ := open.Find("form").Attr("action"); open.Length() != 1 || action != second+"/rules" {
		t.Fatalf("open rule forms: %d, %q", open.Length(), action)
	}
	if count, _ := open.Find(`input[name="count"]`).Attr("value"); count != "5" ||
		open.Find(`select[name="topic"] option[selected]`).Text() != "go" || open.Find(`select[name="difficulty"] option[selected]`).Text() != "easy" {
		t.Fatalf("the refused rule form lost what was typed: %q", count)
	}
	if r := b.post(second+"/rules", url.Values{"count": {"2"}, "topic": {"go"}, "difficulty": {"easy"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("rule 2: %d", r.Code)
	}
	if r := b.get(second + "/pick?topic=go"); !strings.Contains(r.text(`[data-testid="pick-form"]`), "Bank 0?") {
		t.Fatalf("pick page: %q", r.text("main"))
	}
	if r := b.post(second+"/picks", url.Values{"bankQuestionId": {idStr(bankIDs[0])}}); r.Code != http.StatusSeeOther {
		t.Fatalf("pick: %d", r.Code)
	}
	page := b.get(testPath(f.test.ID))
	rules := page.text(`[data-testid="section-rules"]`)
	if !strings.Contains(rules, "2 of topic “go”, easy") || !strings.Contains(rules, "2 questions match") ||
		!strings.Contains(page.text(`[data-testid="section-picks"]`), "Bank 0?") {
		t.Fatalf("sections card: rules %q picks %q", rules, page.text(`[data-testid="section-picks"]`))
	}

	// A candidate gets 2 of the 3 written questions, the pick and 2 drawn by the rule.
	inv := f.invite(t, store.NewInvitation{})
	if got := f.b.get(f.token).text(`[data-testid="test-facts"]`); !strings.Contains(got, "Questions5") {
		t.Fatalf("the intro does not say 5 questions: %q", got)
	}
	f.b.post(f.token+"/start", nil)
	qs, _ := f.db.AttemptQuestions(ctx, f.reload(t))
	if len(qs) != 5 || qs[0].SectionName != "Core" || qs[4].SectionName != "From the bank" {
		t.Fatalf("paper of %d questions: %+v", len(qs), qs)
	}
	// The lists say 5 too, not the 3 questions written in the test.
	if got := b.get("/tests").text(`td[data-label="Questions"]`); got != "5" {
		t.Fatalf("the tests list says %q questions", got)
	}
	if got := b.get("/").text(`[data-testid="dashboard-tests"] .muted`); !strings.Contains(got, "5 questions") {
		t.Fatalf("the dashboard says %q", got)
	}
	// iMocha's report lists the paper's sections.
	key, _ := f.db.CreateAPIKey(ctx, store.NewAPIKey{Name: "im"})
	if _, list := api(t, f.srv, http.MethodGet, "/v3/tests", key.Key, nil); list["tests"].([]any)[0].(map[string]any)["questions"] != 5.0 {
		t.Fatalf("iMocha's list counts: %v", list["tests"])
	}
	_, report := api(t, f.srv, http.MethodGet, "/v3/reports/"+idStr(inv.ID), key.Key, nil)
	if sections := report["sections"].([]any); len(sections) != 2 || sections[0].(map[string]any)["noOfQue"] != 2.0 ||
		sections[1].(map[string]any)["sectionName"] != "From the bank" || sections[1].(map[string]any)["noOfQue"] != 3.0 {
		t.Fatalf("iMocha sections %v", report["sections"])
	}

	// Removing the rule and the pick.
	if r := b.post(second+"/rules/1/delete", nil); r.Code != http.StatusSeeOther {
		t.Fatalf("remove rule: %d", r.Code)
	}
	if r := b.post(second+"/picks/"+idStr(bankIDs[0])+"/delete", nil); r.Code != http.StatusSeeOther {
		t.Fatalf("unpick: %d", r.Code)
	}
	if sections, _ = f.db.Sections(ctx, f.test.ID); len(sections[1].Rules) != 0 || sections[1].PickCount != 0 {
		t.Fatalf("after removal: %+v", sections[1])
	}
	if r := b.post(base+"/99999/rules", url.Values{"count": {"1"}}); r.Code != http.StatusNotFound {
		t.Fatalf("another test's section: %d", r.Code)
	}
}

// A test with timed sections over HTTP: one section at a time with its own
// clock, "Next section" keeps the answers, late answers go nowhere, and the
// last section's time submits the attempt.
func TestTimedSectionsOneAtATime(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{})
	ctx := context.Background()
	tt, err := f.db.CreateSectionedTest(ctx, store.TestInput{Name: "Timed", Kind: store.KindAssessment, DurationMinutes: 60}, []store.SectionInput{
		{Name: "Speed", TimeLimit: 10, Questions: []store.QuestionInput{{Text: "1+1?", Kind: store.QuestionSingle, Options: []string{"2", "3"}, Correct: []int{0}}}},
		{Name: "Essay", Questions: []store.QuestionInput{{Text: "Why?", Kind: store.QuestionText}}},
		{Name: "Sprint", TimeLimit: 5, Questions: []store.QuestionInput{{Text: "3+3?", Kind: store.QuestionSingle, Options: []string{"6", "7"}, Correct: []int{0}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	f.test = tt
	f.link, _ = f.db.DefaultLink(ctx, tt.ID)
	f.qs, _ = f.db.Questions(ctx, tt.ID)
	f.invite(t, store.NewInvitation{})
	f.b.post(f.token+"/start", nil)
	page := f.b.get(f.token)
	if got := page.text(`[data-testid="section-place"]`); !strings.HasPrefix(got, "Section 1 of 3") || !strings.Contains(got, "its own time") ||
		page.doc.Find(`[data-testid="question"]`).Length() != 1 || page.doc.Find(`[data-testid="next-section"]`).Length() != 1 ||
		page.doc.Find(`[data-testid="submit"]`).Length() != 0 {
		t.Fatalf("first section page: %q", page.text("main"))
	}
	if d, _ := page.doc.Find("[data-deadline]").Attr("data-deadline"); d != "2027-05-03T10:10:00Z" {
		t.Fatalf("countdown to %q, want the section's end", d)
	}
	if r := f.b.post(f.token+"/answers", url.Values{"action": {"next"}, f.q(0): {"0"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("next: %d", r.Code)
	}
	page = f.b.get(f.token)
	if !strings.HasPrefix(page.text(`[data-testid="section-place"]`), "Section 2 of 3") || strings.Contains(page.text("main"), "1+1?") {
		t.Fatalf("second section: %q", page.text("main"))
	}
	// An answer to the section left behind is not taken.
	f.b.post(f.token+"/answers", url.Values{"action": {"save"}, f.q(0): {"1"}, f.q(1): {"Because."}})
	answers, _ := f.db.Answers(ctx, f.reload(t).ID)
	if answers[f.qs[0].ID].Choices[0] != 0 || answers[f.qs[1].ID].Text != "Because." {
		t.Fatalf("answers %+v", answers)
	}
	f.b.post(f.token+"/answers", url.Values{"action": {"next"}, f.q(1): {"Because."}})
	var clock map[string]string
	json.Unmarshal(f.b.get(f.token+"/clock").Body.Bytes(), &clock)
	if clock["deadline"] != "2027-05-03T10:05:00Z" {
		t.Fatalf("clock in the last section: %v", clock)
	}
	// The last section's time runs out: an autosave then is told to leave for the completion…
	*f.now = f.now.Add(6 * time.Minute)
	if r := f.b.htmx(http.MethodPost, f.token+"/answers", url.Values{"action": {"autosave"}, f.q(2): {"0"}}, "save-status"); r.Code != http.StatusNoContent ||
		r.Header().Get("HX-Redirect") != f.token {
		t.Fatalf("autosave after the section's time: %d %q", r.Code, r.Header().Get("HX-Redirect"))
	}
	// …and coming back shows it submitted.
	if r := f.b.get(f.token); r.Code != http.StatusOK || r.doc.Find(`[data-testid="completed"]`).Length() != 1 {
		t.Fatalf("back after the section's time: %d", r.Code)
	}
	inv := f.reload(t)
	if inv.Status != store.StatusCompleted || *inv.Score != 1 || *inv.MaxScore != 3 {
		t.Fatalf("after the last section: %s %v / %v", inv.Status, inv.Score, inv.MaxScore)
	}
}

// The pick page lists the newest 50 bank questions and says so when more
// match.
func TestPickPageSaysWhenMoreMatch(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	ctx := context.Background()
	var bank []store.QuestionInput
	for i := range 60 {
		bank = append(bank, store.QuestionInput{Text: fmt.Sprintf("Q%d?", i), Kind: store.QuestionText, Topic: "go"})
	}
	db.AddBankQuestions(ctx, bank)
	tt, _ := db.CreateSectionedTest(ctx, store.TestInput{Name: "T", Kind: store.KindAssessment, DurationMinutes: 5},
		[]store.SectionInput{{Name: "S", Rules: []store.SectionRule{{Topic: "go", Count: 1}}}})
	sections, _ := db.Sections(ctx, tt.ID)
	b := signIn(t, srv, db, store.RoleRecruiter)
	r := b.get(testPath(tt.ID) + "/sections/" + idStr(sections[0].ID) + "/pick")
	if got := r.text(`[data-testid="pick-more"]`); !strings.HasPrefix(got, "The newest 50 are listed") ||
		r.doc.Find(`[data-testid="pick-form"] input[type="checkbox"]`).Length() != 50 {
		t.Fatalf("pick page: %q", got)
	}
	if r := b.get(testPath(tt.ID) + "/sections/" + idStr(sections[0].ID) + "/pick?q=Q5"); r.doc.Find(`[data-testid="pick-more"]`).Length() != 0 {
		t.Fatal("the hint shows when every match is listed")
	}
}

// A candidate is told before they start, on every section's page and at
// the button, that a section left behind cannot be taken up again; which
// questions are unanswered; and on a timed last section, that the test is
// submitted when its time runs out — in their language.
func TestSectionsTellTheCandidateWhatMovingOnMeans(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{})
	ctx := context.Background()
	choice := func(text string) store.QuestionInput {
		return store.QuestionInput{Text: text, Kind: store.QuestionSingle, Options: []string{"a", "b"}, Correct: []int{0}}
	}
	tt, err := f.db.CreateSectionedTest(ctx, store.TestInput{Name: "Parts", Kind: store.KindAssessment, DurationMinutes: 60}, []store.SectionInput{
		{Name: "Warm-up", Questions: []store.QuestionInput{choice("One?"), choice("Two?"), choice("Three?")}},
		{Name: "Final", TimeLimit: 5, Questions: []store.QuestionInput{choice("Four?")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	f.test = tt
	f.link, _ = f.db.DefaultLink(ctx, tt.ID)
	f.qs, _ = f.db.Questions(ctx, tt.ID)
	f.invite(t, store.NewInvitation{})

	intro := f.b.get(f.token)
	if intro.text(`[data-testid="section-count"]`) != "2" || !strings.Contains(intro.text(`[data-testid="sections-notice"]`), "cannot come back") ||
		!strings.Contains(intro.text(`[data-testid="sections-notice"]`), "their own time") {
		t.Fatalf("intro: %q", intro.text("main"))
	}
	f.b.post(f.token+"/start", nil)
	page := f.b.get(f.token)
	if got := page.text(`[data-testid="section-place"]`); !strings.Contains(got, "you cannot come back to this one") {
		t.Fatalf("first section: %q", got)
	}
	// Next with questions 1 and 3 unanswered: asked once, naming them.
	asked := f.b.post(f.token+"/answers", url.Values{"action": {"next"}, f.q(1): {"0"}})
	if got := asked.text(`[data-testid="unanswered"]`); !strings.Contains(got, "Unanswered: 1, 3.") || !strings.Contains(got, "go on to the next section") ||
		strings.Contains(got, "submit anyway") || asked.text(`[data-testid="submit-anyway"]`) != "Go on to the next section" {
		t.Fatalf("asked: %q / %q", got, asked.text(`[data-testid="submit-anyway"]`))
	}
	f.b.post(f.token+"/answers", url.Values{"action": {"next"}, "unanswered": {"ok"}})
	last := f.b.get(f.token)
	if got := last.text(`[data-testid="section-place"]`); !strings.HasPrefix(got, "Section 2 of 2") || !strings.Contains(got, "the test is submitted") ||
		strings.Contains(got, "next section begins") {
		t.Fatalf("last section: %q", got)
	}
	// The same in Spanish, in one form of address.
	f.b.post(f.token+"/lang", url.Values{"lang": {"es"}})
	es := f.b.get(f.token).text(`[data-testid="section-place"]`)
	if !strings.Contains(es, "la prueba se entrega") || !strings.Contains(es, "tus respuestas") {
		t.Fatalf("Spanish: %q", es)
	}
}

// The preview of a test with timed sections walks them as a candidate
// does: one section a page with its own clock, the answers of the first
// counted at the end.
func TestPreviewWalksTimedSections(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	ctx := context.Background()
	choice := func(text string) store.QuestionInput {
		return store.QuestionInput{Text: text, Kind: store.QuestionSingle, Options: []string{"right", "wrong"}, Correct: []int{0}}
	}
	tt, err := db.CreateSectionedTest(ctx, store.TestInput{Name: "Timed parts", Kind: store.KindAssessment, DurationMinutes: 60}, []store.SectionInput{
		{Name: "Speed", TimeLimit: 10, Questions: []store.QuestionInput{choice("One?")}},
		{Name: "Depth", Questions: []store.QuestionInput{choice("Two?")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	qs, _ := db.Questions(ctx, tt.ID)
	b := signIn(t, srv, db, store.RoleRecruiter)
	seed, _ := b.get(testPath(tt.ID) + "/preview").doc.Find(`input[name="seed"]`).Attr("value")
	first := b.post(testPath(tt.ID)+"/preview/start", url.Values{"seed": {seed}})
	if got := first.text(`[data-testid="section-place"]`); !strings.HasPrefix(got, "Section 1 of 2") || first.doc.Find(`[data-testid="question"]`).Length() != 1 ||
		!strings.Contains(first.text("main"), "One?") || strings.Contains(first.text("main"), "Two?") || first.text(`[data-testid="time-left"]`) != "10:00" {
		t.Fatalf("first page of the preview: %q", first.text("main"))
	}
	second := b.post(testPath(tt.ID)+"/preview/answers", url.Values{"seed": {seed}, "section": {"1"}, "action": {"next"}, "q" + idStr(qs[0].ID): {"0"}})
	if got := second.text(`[data-testid="section-place"]`); !strings.HasPrefix(got, "Section 2 of 2") || strings.Contains(second.text("main"), "One?") ||
		second.doc.Find(`[data-testid="submit"]`).Length() != 1 {
		t.Fatalf("second page of the preview: %q", second.text("main"))
	}
	carried, _ := second.doc.Find(`input[type="hidden"][name="q` + idStr(qs[0].ID) + `"]`).Attr("value")
	section, _ := second.doc.Find(`input[name="section"]`).Attr("value")
	if carried != "0" {
		t.Fatalf("the first section's answer is not carried: %q", carried)
	}
	done := b.post(testPath(tt.ID)+"/preview/answers", url.Values{"seed": {seed}, "section": {section}, "action": {"submit"},
		"q" + idStr(qs[0].ID): {carried}, "q" + idStr(qs[1].ID): {"1"}})
	if got := done.text(`[data-testid="preview-score"]`); !strings.Contains(got, "1 / 2 (50 %)") {
		t.Fatalf("preview score: %q", got)
	}
}
