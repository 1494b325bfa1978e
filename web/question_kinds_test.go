package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"testgate/store"
	"testgate/views/pdftext"
)

// kindsForm is the console's question form for one question of each new
// kind, as a recruiter without JavaScript fills it in.
var kindsForm = []url.Values{
	{"text": {"Go has generics."}, "kind": {"truefalse"}, "correct": {"0"}, "points": {"2"}, "penalty": {"1"}, "floor": {"-1"}},
	{"text": {"g on Earth?"}, "kind": {"numeric"}, "answer": {"9,81"}, "tolerance": {"0.05"}, "unit": {"m/s²"}, "points": {"2"},
		"correct": {"0"}, "option0": {"typed before switching to a number"}},
	{"text": {"Order by size"}, "kind": {"ordering"}, "option0": {"byte"}, "option1": {"kilobyte"}, "option2": {"megabyte"},
		"points": {"3"}, "partial": {"1"}},
	{"text": {"Capitals"}, "kind": {"matching"}, "option0": {"France"}, "match0": {"Paris"}, "option1": {"Japan"}, "match1": {"Tokyo"},
		"match2": {"Quito"}, "points": {"2"}, "partial": {"1"}},
	{"text": {"Go was made at ___ in ___."}, "kind": {"blanks"}, "blanks": {"Google\n2009 | 2007"}, "points": {"2"}, "partial": {"1"}},
	{"text": {"Why tests?"}, "kind": {"essay"}, "minWords": {"3"}, "maxWords": {"5"}, "points": {"4"}},
	{"text": {"Reverse a string"}, "kind": {"code"}, "language": {"Go"}, "points": {"4"}},
}

// A recruiter writes one question of each new kind in the console, a
// candidate without JavaScript answers them, and the report, the PDF and
// the export say what was answered, what was right and how each mark was
// made.
func TestEveryNewKindThroughTheConsoleAndAPageWithoutJavaScript(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	ctx := context.Background()
	rec := signIn(t, srv, db, store.RoleAdmin)
	tt, err := db.CreateTest(ctx, store.TestInput{Name: "Kinds", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec.get(testPath(tt.ID))
	for _, form := range kindsForm {
		if r := rec.post(testPath(tt.ID)+"/questions", cloneValues(form)); r.Code >= 400 {
			t.Fatalf("add %s: %d %s", form.Get("kind"), r.Code, r.doc.Find(".error").Text())
		}
	}
	// What is wrong is said beside its field, and nothing is added.
	for _, bad := range []struct {
		form  url.Values
		field string
	}{
		{url.Values{"text": {"g?"}, "kind": {"numeric"}, "answer": {"about ten"}}, "answer"},
		{url.Values{"text": {"Two ___ blanks ___"}, "kind": {"blanks"}, "blanks": {"one"}}, "blanks"},
		{url.Values{"text": {"Pairs"}, "kind": {"matching"}, "option0": {"a"}, "option1": {"b"}, "match0": {"x"}}, "matches"},
		{url.Values{"text": {"Essay"}, "kind": {"essay"}, "minWords": {"9"}, "maxWords": {"3"}}, "maxWords"},
		{url.Values{"text": {"Pick"}, "kind": {"single"}, "option0": {"a"}, "option1": {"b"}, "correct": {"0"}, "penalty": {"5"}}, "penalty"},
	} {
		r := rec.post(testPath(tt.ID)+"/questions", bad.form)
		if r.Code != http.StatusUnprocessableEntity || r.doc.Find(`[data-testid="error-`+bad.field+`"]`).Length() == 0 {
			t.Errorf("%v: %d, no error on %s", bad.form, r.Code, bad.field)
		}
	}
	qs, _ := db.Questions(ctx, tt.ID)
	if len(qs) != len(kindsForm) {
		t.Fatalf("%d questions, want %d", len(qs), len(kindsForm))
	}
	if a := qs[1].Spec.Answer; a == nil || *a != 9.81 || qs[4].Spec.Blanks[1][1] != "2007" || qs[3].Spec.Matches[2] != "Quito" {
		t.Fatalf("settings kept as %+v / %+v / %+v", qs[1].Spec, qs[4].Spec, qs[3].Spec)
	}
	// The list says each question's right answer and its marking.
	list := rec.get(testPath(tt.ID))
	var keys []string
	list.doc.Find(`[data-testid="question-key"]`).Each(func(_ int, s *goquery.Selection) { keys = append(keys, s.Text()) })
	if strings.Join(keys, " / ") != "Right answer: True / Right answer: 9.81 ± 0.05 m/s² / Right answer: 1. byte; 2. kilobyte; 3. megabyte / "+
		"Right answer: France → Paris; Japan → Tokyo / Right answer: (1) Google; (2) 2009 or 2007" {
		t.Errorf("the list's right answers: %q", keys)
	}
	if got := list.doc.Find(`[data-testid="question-marking"]`).First().Text(); got != "−1 a wrong answer, floor -1" {
		t.Errorf("the list's marking %q", got)
	}
	// The edit form shows what was written.
	edit := rec.get(testPath(tt.ID) + "/questions/" + idStr(qs[1].ID) + "/edit")
	if v, _ := edit.doc.Find(`#f-answer`).Attr("value"); v != "9.81" {
		t.Fatalf("edit form answer %q", v)
	}

	// The recruiter's preview scores every kind as an attempt would.
	preview := testPath(tt.ID) + "/preview"
	rec.post(preview+"/start", nil)
	pq := func(i int) string { return "q" + idStr(qs[i].ID) }
	done := rec.post(preview+"/answers", url.Values{"action": {"submit"}, "unanswered": {"ok"}, pq(0): {"0"}, pq(1): {"9.81"},
		pq(2): {"0:1", "1:2", "2:3"}, pq(3): {"0:1", "1:2"}, pq(4): {"Google", "2009"}})
	if got := done.text(`[data-testid="preview-score"]`); !strings.Contains(got, "would score 11 / 19") {
		t.Fatalf("preview score %q", got)
	}

	// The candidate's page, without JavaScript.
	link, _ := db.DefaultLink(ctx, tt.ID)
	res, err := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Ada", Email: "ada@example.com", Source: store.SourceConsole})
	if err != nil {
		t.Fatal(err)
	}
	cand := newBrowser(t, srv)
	token := "/t/" + res.Invitation.Token
	cand.post(token+"/start", nil)
	page := cand.get(token)
	q := func(i int) string { return "q" + idStr(qs[i].ID) }
	labels := page.doc.Find(`[data-question="` + idStr(qs[0].ID) + `"] label.choice`).Text()
	if !strings.Contains(labels, "True") || !strings.Contains(labels, "False") {
		t.Fatalf("true/false choices %q", labels)
	}
	if page.doc.Find(`select[name="`+q(2)+`"]`).Length() != 3 || page.doc.Find(`select[name="`+q(3)+`"] option`).Length() != 2*4 {
		t.Fatal("ordering or matching menus missing")
	}
	if page.text(`label[for="`+q(4)+`-1"]`) != "Blank 2" || page.text(`#`+q(5)+`-hint`) != "Write between 3 and 5 words." {
		t.Fatalf("blank label %q, essay hint %q", page.text(`label[for="`+q(4)+`-1"]`), page.text(`#`+q(5)+`-hint`))
	}
	if sc, _ := page.doc.Find(`#` + q(6)).Attr("spellcheck"); sc != "false" || page.text(`#`+q(6)+`-hint`) != "Write your code in Go. A reviewer reads it; it is not run." {
		t.Fatalf("code box spellcheck %q hint %q", sc, page.text(`#`+q(6)+`-hint`))
	}
	// An answer its kind cannot take is a 400 and nothing is written.
	for _, bad := range []url.Values{{q(2): {"9:1"}}, {q(3): {"0:7"}}, {q(0): {"0", "1"}}, {q(4): {strings.Repeat("x", 1001)}}} {
		bad.Set("action", "save")
		bad.Set(q(5), "words that must not be kept")
		if r := cand.post(token+"/answers", bad); r.Code != http.StatusBadRequest {
			t.Errorf("%v: %d", bad, r.Code)
		}
	}
	if kept, _ := db.Answers(ctx, res.Invitation.ID); len(kept) != 0 {
		t.Fatalf("refused answers wrote %d rows", len(kept))
	}
	answers := url.Values{
		q(0): {"1"},                 // false: wrong, −1
		q(1): {"9.8 m/s²"},          // within 0.05: 2
		q(2): {"0:1", "1:3", "2:2"}, // 1 of 3 right, part marks: 1
		q(3): {"0:1", "1:3"},        // 1 of 2 pairs: 1
		q(4): {"google", "2010"},    // 1 of 2 blanks: 1
		q(5): {"Tests catch regressions early and often."},
		q(6): {"func rev(s string) string {\n\treturn s\n}"},
	}
	answers.Set("action", "save")
	cand.post(token+"/answers", answers)
	saved := cand.get(token)
	var places []string
	saved.doc.Find(`select[name="` + q(2) + `"] option[selected]`).Each(func(_ int, o *goquery.Selection) { places = append(places, o.AttrOr("value", "")) })
	if slices.Sort(places); strings.Join(places, " ") != "0:1 1:3 2:2" {
		t.Fatalf("the saved places shown are %v", places)
	}
	if saved.text(`#`+q(5)+`-words`) != "6 words" {
		t.Fatalf("word count %q", saved.text(`#`+q(5)+`-words`))
	}
	answers.Set("action", "submit")
	cand.post(token+"/answers", answers)
	inv, _ := db.Invitation(ctx, res.Invitation.ID)
	if inv.Score == nil || *inv.Score != -1+2+1+1+1 || *inv.MaxScore != 2+2+3+2+2+4+4 || inv.Review != store.ReviewAwaiting {
		t.Fatalf("score %v of %v, review %s", inv.Score, inv.MaxScore, inv.Review)
	}

	// The report: each answer part by part, how each mark was made.
	r := rec.get(reportPath(inv.ID))
	questions := r.doc.Find(`[data-testid="report-question"]`)
	marking := func(i int) string { return strings.TrimSpace(questions.Eq(i).Find(`[data-testid="marking"]`).Text()) }
	if marking(0) != "wrong: −1" {
		t.Errorf("true/false marked %q", marking(0))
	}
	if marking(2) != "1 of 3 items right: 1 of 3 points" || marking(3) != "1 of 2 pairs right: 1 of 2 points" {
		t.Errorf("marked %q, %q", marking(2), marking(3))
	}
	var lines []string
	questions.Eq(3).Find(`[data-testid="answer-lines"] tbody tr`).Each(func(_ int, row *goquery.Selection) {
		var cells []string
		row.Children().Each(func(_ int, c *goquery.Selection) { cells = append(cells, strings.Join(strings.Fields(c.Text()), " ")) })
		lines = append(lines, strings.Join(cells, " | "))
	})
	if strings.Join(lines, " / ") != "France | Paris (right) | Paris / Japan | Quito (wrong) | Tokyo" {
		t.Errorf("matching lines %q", lines)
	}
	if got := questions.Eq(1).Find(`[data-testid="answer-given"]`).Text(); !strings.Contains(got, "9.8 m/s²") || !strings.Contains(got, "9.81 ± 0.05 m/s²") {
		t.Errorf("numeric answer %q", got)
	}
	if got := questions.Eq(5).Find(`[data-testid="written-settings"]`).Text(); got != "6 words, over the limit of 5 words" {
		t.Errorf("essay against its limits %q", got)
	}
	if questions.Eq(6).Find(`pre[data-testid="text-answer"]`).Text() != "func rev(s string) string {\n\treturn s\n}" {
		t.Errorf("code answer %q", questions.Eq(6).Find(`[data-testid="text-answer"]`).Text())
	}
	if got := questions.Eq(2).Find(`[data-testid="mark"]`).Text(); got != "partly right" {
		t.Errorf("ordering badge %q", got)
	}

	// The PDF says the same.
	pdf := rec.get(reportPath(inv.ID) + "/report.pdf")
	if pdf.Code != http.StatusOK {
		pdf = rec.get(invitationPath(inv.ID) + "/report.pdf")
	}
	text := strings.Join(strings.Fields(pdftext.Of(t, pdf.Body.Bytes())), " ")
	for _, want := range []string{"Answer: False", "Right answer: True", "Right answer: 9.81 ± 0.05 m/s²",
		"Answer: 1. byte; 2. megabyte; 3. kilobyte", "Right answer: 1. byte; 2. kilobyte; 3. megabyte",
		"Marked: 1 of 2 pairs right: 1 of 2 points", "Right answer: (1) Google; (2) 2009 or 2007", "6 words, over the limit of 5 words",
		"Written in Go"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF does not say %q:\n%s", want, text)
		}
	}

	// The export has each answer as words.
	export := rec.get(testPath(tt.ID) + "/invitations.csv")
	rows, err := csv.NewReader(strings.NewReader(export.Body.String())).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("export: %v %d rows", err, len(rows))
	}
	row := strings.Join(rows[1], "\n")
	for _, want := range []string{"False", "9.8 m/s²", "France → Paris; Japan → Quito", "(1) google; (2) 2010"} {
		if !strings.Contains(row, want) {
			t.Errorf("the export does not have %q: %q", want, rows[1])
		}
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// everyKindJSON is one question of each new kind as an integrator writes it.
var everyKindJSON = []map[string]any{
	{"text": "Go has generics.", "kind": "truefalse", "correct": []int{0}, "penalty": 1, "floor": -1},
	{"text": "g on Earth?", "kind": "numeric", "answer": 9.81, "tolerance": 0.05, "unit": "m/s²", "points": 2},
	{"text": "Order by size", "kind": "ordering", "options": []string{"byte", "kilobyte", "megabyte"}, "partial": true, "points": 3},
	{"text": "Capitals", "kind": "matching", "options": []string{"France", "Japan"}, "matches": []string{"Paris", "Tokyo", "Quito"}},
	{"text": "Go was made at ___ in ___.", "kind": "blanks", "blanks": [][]string{{"Google"}, {"2009", "2007"}}, "caseSensitive": true},
	{"text": "Why tests?", "kind": "essay", "minWords": 50, "maxWords": 300, "points": 5},
	{"text": "Reverse a string", "kind": "code", "language": "Go", "points": 5},
}

// The native API writes and reads every kind with its settings (each answer
// checked against the OpenAPI document by api()), and refuses in its own
// shape what a kind cannot take.
func TestNativeAPIWritesEveryKind(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	key := newAPIKey(t, db)
	code, body := api(t, srv, http.MethodPost, "/api/native/tests", key, map[string]any{"name": "Kinds", "durationMinutes": 30,
		"questions": everyKindJSON})
	if code != http.StatusCreated {
		t.Fatalf("create: %d %v", code, body)
	}
	qs := body["questions"].([]any)
	got := func(i int, field string) any { return qs[i].(map[string]any)[field] }
	if got(0, "floor") != -1.0 || got(1, "answer") != 9.81 || got(1, "unit") != "m/s²" || got(2, "partial") != true ||
		len(got(3, "matches").([]any)) != 3 || got(4, "caseSensitive") != true || got(5, "maxWords") != 300.0 || got(6, "language") != "Go" {
		t.Fatalf("questions as written back: %v", qs)
	}
	if _, has := qs[6].(map[string]any)["answer"]; has {
		t.Fatalf("a code question answers with a numeric's setting: %v", qs[6])
	}
	for _, bad := range []struct {
		question map[string]any
		field    string
	}{
		{map[string]any{"text": "g?", "kind": "numeric"}, "questions[0].answer"},
		{map[string]any{"text": "T", "kind": "truefalse", "correct": []int{2}}, "questions[0].correct"},
		{map[string]any{"text": "Code", "kind": "code", "maxWords": 5}, "questions[0].maxWords"},
		{map[string]any{"text": "Code", "kind": "code", "penalty": 1}, "questions[0].marking"},
		{map[string]any{"text": "One ___", "kind": "blanks", "blanks": [][]string{{"a"}, {"b"}}}, "questions[0].blanks"},
		{map[string]any{"text": "q", "kind": "poll"}, "questions[0].kind"},
	} {
		code, body := api(t, srv, http.MethodPost, "/api/native/tests", key, map[string]any{"name": "Bad", "durationMinutes": 5,
			"questions": []any{bad.question}})
		if c, _, fields := errorOf(body); code != http.StatusUnprocessableEntity && code != http.StatusBadRequest || c == "" || fields[bad.field] == nil {
			t.Errorf("%v: %d %v", bad.question, code, body)
		}
	}
	// The bank takes them too.
	code, bank := api(t, srv, http.MethodPost, "/api/native/bank/questions", key, map[string]any{"questions": everyKindJSON})
	if code != http.StatusCreated || len(bank["questions"].([]any)) != len(everyKindJSON) {
		t.Fatalf("bank: %d %v", code, bank)
	}
	if b := bank["questions"].([]any)[1].(map[string]any); b["answer"] != 9.81 || b["tolerance"] != 0.05 {
		t.Fatalf("bank question %v", b)
	}
	// The bank's edit form keeps the settings, and saving it changes nothing else.
	admin := signIn(t, srv, db, store.RoleAdmin)
	numeric := idStr(int64(bank["questions"].([]any)[1].(map[string]any)["id"].(float64)))
	edit := admin.get("/bank/" + numeric + "/edit")
	if v, _ := edit.doc.Find(`#f-answer`).Attr("value"); v != "9.81" {
		t.Fatalf("the bank's edit form shows the answer as %q", v)
	}
	if r := admin.post("/bank/"+numeric, url.Values{"text": {"g on Earth?"}, "kind": {"numeric"}, "answer": {"9.81"}, "tolerance": {"0.1"},
		"unit": {"m/s²"}, "points": {"2"}}); r.Code >= 400 {
		t.Fatalf("save the bank question: %d", r.Code)
	}
	if code, b := api(t, srv, http.MethodGet, "/api/native/bank/questions/"+numeric, key, nil); code != http.StatusOK || b["tolerance"] != 0.1 ||
		b["answer"] != 9.81 || b["version"] != 2.0 {
		t.Fatalf("after the console's edit: %d %v", code, b)
	}
}

// The bank's CSV import reads the kinds' columns; a wrong one names its
// line and nothing is imported.
func TestBankImportReadsEveryKind(t *testing.T) {
	t.Parallel()
	file := "question,kind,options,correct,answer,tolerance,unit,matches,blanks,case sensitive,min words,max words,language,partial,penalty,floor\n" +
		"Go has generics.,truefalse,,1,,,,,,,,,,,1,-1\n" +
		"g?,numeric,,,\"9,81\",0.05,m/s²,,,,,,,,,\n" +
		"Order,ordering,a|b|c,,,,,,,,,,,yes,,\n" +
		"Pairs,matching,France|Japan,,,,,Paris|Tokyo|Quito,,,,,,,,\n" +
		"Made at ___ in ___,blanks,,,,,,,Google;2009|2007,yes,,,,,,\n" +
		"Why?,essay,,,,,,,,,50,300,,,,\n" +
		"Reverse,code,,,,,,,,,,,Go,,,\n"
	qs, problems, err := parseBankCSV(strings.NewReader(file))
	if err != nil || len(problems) > 0 || len(qs) != 7 {
		t.Fatalf("%d questions, problems %v, %v", len(qs), problems, err)
	}
	if qs[0].Correct[0] != 0 || qs[0].Spec.Floor != -1 || *qs[1].Spec.Answer != 9.81 || !qs[2].Spec.Partial || qs[3].Spec.Matches[2] != "Quito" ||
		qs[4].Spec.Blanks[1][1] != "2007" || !qs[4].Spec.CaseSensitive || qs[5].Spec.MaxWords != 300 || qs[6].Spec.Language != "Go" {
		t.Fatalf("read as %+v", qs)
	}
	_, problems, _ = parseBankCSV(strings.NewReader("question,kind,answer,partial\ng?,numeric,ten,maybe\n"))
	if strings.Join(problems, "; ") != "line 2: answer must be a number; line 2: partial must be yes or no" {
		t.Fatalf("problems %q", problems)
	}
}

// A section's negative marking is written through the API and the console
// and read back.
func TestSectionMarkingThroughTheAPIAndTheConsole(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	key := newAPIKey(t, db)
	code, body := api(t, srv, http.MethodPost, "/api/native/tests", key, map[string]any{"name": "Sections", "durationMinutes": 30,
		"sections": []map[string]any{{"name": "Maths", "penalty": 1, "floor": -1, "questions": []map[string]any{
			{"text": "2+2?", "kind": "single", "options": []string{"3", "4"}, "correct": []int{1}}}}}})
	if code != http.StatusCreated {
		t.Fatalf("create: %d %v", code, body)
	}
	testID := int64(body["id"].(float64))
	sec := body["sections"].([]any)[0].(map[string]any)
	if sec["penalty"] != 1.0 || sec["floor"] != -1.0 {
		t.Fatalf("section %v", sec)
	}
	code, body = api(t, srv, http.MethodPost, "/api/native/tests", key, map[string]any{"name": "Bad", "durationMinutes": 30,
		"sections": []map[string]any{{"name": "Maths", "floor": 2, "questions": []map[string]any{{"text": "Why?", "kind": "text"}}}}})
	if _, _, fields := errorOf(body); fields["sections[0].floor"] == nil {
		t.Fatalf("a floor above 0: %d %v", code, body)
	}

	rec := signIn(t, srv, db, store.RoleAdmin)
	id := int64(sec["id"].(float64))
	rec.get(testPath(testID))
	r := rec.post(testPath(testID)+"/sections/"+idStr(id), url.Values{"name": {"Maths"}, "penalty": {"2"}, "floor": {"-2"}})
	if r.Code >= 400 {
		t.Fatalf("update: %d", r.Code)
	}
	page := rec.get(testPath(testID))
	if v, _ := page.doc.Find(`#f-floor-\/tests\/` + idStr(testID) + `\/sections\/` + idStr(id)).Attr("value"); v != "-2" {
		t.Fatalf("the section form shows the floor as %q", v)
	}
}
