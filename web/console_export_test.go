package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"testgate/store"
)

func TestExportInvitationsAsCSV(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleRecruiter)
	ctx := context.Background()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Go, \"advanced\"", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	link, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Campus"})
	names := []string{`Smith, "Jo"`, "Zoë Ångström 李", "=HYPERLINK(\"http://evil\")", "+1 caller", "-minus", "@handle"}
	for i, n := range names {
		if _, err := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: n, Email: "p" + idStr(int64(i)) + "@example.com", Source: store.SourceNative}); err != nil {
			t.Fatal(err)
		}
	}
	db.Invite(ctx, store.NewInvitation{TestID: tt.ID, Name: "Elsewhere", Email: "e@example.com", Source: store.SourceNative,
		ExternalData: json.RawMessage(`{"=HYPERLINK(\"http://evil\")": "x", "@SUM(1)": "y", "-2+3": "z", "team": "=1+1"}`)})
	if r := b.get(testPath(tt.ID) + "/invitations.csv"); !strings.Contains(r.Body.String(), `,'-2+3,"'=HYPERLINK(""http://evil"")",'@SUM(1),team`) ||
		!strings.Contains(r.Body.String(), ",'=1+1") {
		t.Fatalf("extra columns' names and values are not defused: %q", strings.SplitN(r.Body.String(), "\n", 2)[0])
	}

	r := b.get(linkPath(link.ID) + "/invitations.csv")
	if r.Code != http.StatusOK || !strings.HasPrefix(r.Header().Get("Content-Type"), "text/csv") ||
		!strings.Contains(r.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("%d %v", r.Code, r.Header())
	}
	rows, err := csv.NewReader(strings.NewReader(r.Body.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(names) || strings.Join(rows[0], ",") != strings.Join(exportHeader, ",") {
		t.Fatalf("rows %d, header %v", len(rows), rows[0])
	}
	want := []string{`Smith, "Jo"`, "Zoë Ångström 李", "'=HYPERLINK(\"http://evil\")", "'+1 caller", "'-minus", "'@handle"}
	for i, row := range rows[1:] {
		if row[3] != want[i] || row[1] != `Go, "advanced"` || row[5] != "invited" || !strings.HasPrefix(row[19], testBaseURL+"/t/") {
			t.Errorf("row %d: %q", i, row)
		}
	}
	if r := b.get(testPath(tt.ID) + "/invitations.csv"); strings.Count(r.Body.String(), "\n") != 1+len(names)+1 {
		t.Fatalf("test export lines: %d", strings.Count(r.Body.String(), "\n"))
	}
	if r := b.get("/tests/99999/invitations.csv"); r.Code != http.StatusNotFound {
		t.Fatalf("missing test: %d", r.Code)
	}
	if r := newBrowser(t, srv).get(linkPath(link.ID) + "/invitations.csv"); r.Code != http.StatusSeeOther {
		t.Fatalf("anonymous export: %d", r.Code)
	}
}

// The invitation list, as filtered, downloads as CSV with the score in
// points and percent, every extra column the invitations carry, and, for
// one test, each question's answer; the list shows and sorts the score.
func TestExportTheFilteredListWithExtrasAndAnswers(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{})
	ctx := context.Background()
	b := signIn(t, f.srv, f.db, store.RoleRecruiter)
	take := func(name, email, extra string, q0, q1 string) {
		f.b = newBrowser(t, f.srv)
		f.invite(t, store.NewInvitation{Name: name, Email: email, ExternalData: json.RawMessage(extra)})
		f.b.get(f.token)
		f.b.post(f.token+"/start", nil)
		f.b.post(f.token+"/answers", url.Values{"action": {"submit"}, f.q(0): {q0}, f.q(1): {q1}, f.q(2): {"Because"}})
	}
	take("Ada", "ada@example.com", `{"campus":"North","roll":"A-1"}`, "1", "0") // 1 / 3, awaiting review
	take("Bo", "bo@example.com", `{"campus":"South"}`, "1", "0")                // 1 / 3, awaiting review
	f.db.Invite(ctx, store.NewInvitation{TestID: f.test.ID, LinkID: f.link.ID, Name: "Cy", Email: "cy@example.com", Source: store.SourceNative})

	r := b.get("/invitations?test=" + idStr(f.test.ID) + "&status=completed")
	href, _ := r.doc.Find(`[data-testid="export-list"]`).Attr("href")
	if href != "/invitations.csv?status=completed&test="+idStr(f.test.ID) || !strings.Contains(r.text(`[data-testid="invitations"]`), "1 / 3 (33.33 %)") {
		t.Fatalf("export link %q, table %q", href, r.text(`[data-testid="invitations"]`))
	}
	rows, err := csv.NewReader(strings.NewReader(b.get(href).Body.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := strings.Join(rows[0], "|")
	if !strings.HasSuffix(header, "|test_url|source|ats_application_id|ats_candidate_id|ats_profile_url|campus|roll|Q1: 2+2?|Q2: Which are primes?|Q3: Why Go?") || !strings.Contains(header, "score_percent") {
		t.Fatalf("header %q", header)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows: the filter was not applied", len(rows))
	}
	ada := strings.Join(rows[1], "|")
	if !strings.Contains(ada, "|1|3|33.33|awaiting|||0|0|") || !strings.HasSuffix(ada, "|North|A-1|4|2|Because") {
		t.Fatalf("Ada's row %q", ada)
	}
	if !strings.HasSuffix(strings.Join(rows[2], "|"), "|South||4|2|Because") {
		t.Fatalf("Bo's row %q", rows[2])
	}

	// Sorting by score puts the unscored last when descending.
	r = b.get("/invitations?test=" + idStr(f.test.ID) + "&sort=score&dir=desc")
	if last := r.doc.Find(`[data-testid="invitations"] tbody tr`).Last().Text(); !strings.Contains(last, "Cy") {
		t.Fatalf("unscored not last: %q", last)
	}
}

// A sectioned test whose candidates each draw one of two questions: the
// export has a column for every question any candidate was given and each
// section's points, and the Excel form starts with a byte order mark.
func TestExportHoldsEveryDrawnQuestionAndSectionScores(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	b := signIn(t, srv, db, store.RoleRecruiter)
	ctx := context.Background()
	choice := func(text string, right int) store.QuestionInput {
		return store.QuestionInput{Text: text, Kind: store.QuestionSingle, Options: []string{"a", "b"}, Correct: []int{right}}
	}
	tt, err := db.CreateSectionedTest(ctx, store.TestInput{Name: "Drawn", Kind: store.KindAssessment, DurationMinutes: 20}, []store.SectionInput{
		{Name: "Logic", Draw: 1, Questions: []store.QuestionInput{choice("Logic one?", 0), choice("Logic two?", 0)}},
		{Name: "Go", Questions: []store.QuestionInput{choice("Go one?", 1)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	papers := map[string]bool{}
	names := []string{"María José Núñez", "Дмитрий"}
	for i := range 18 { // enough draws that both logic questions are given (all alike: 2 in 2^20)
		names = append(names, "Candidate "+idStr(int64(i)))
	}
	for i, name := range names {
		res, _ := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, Name: name, Email: "c" + idStr(int64(i)) + "@example.com", Source: store.SourceNative})
		inv, _ := db.StartInvitation(ctx, res.Invitation.ID)
		paper, _ := db.AttemptQuestions(ctx, inv)
		var in []store.AnswerInput
		for _, q := range paper {
			in = append(in, store.AnswerInput{QuestionID: q.ID, Choices: []int{0}})
			papers[q.Text] = true
		}
		db.SaveAnswers(ctx, inv.ID, in, nil)
		db.CompleteInvitation(ctx, inv.ID, store.ReasonSubmitted)
	}
	if !papers["Logic one?"] || !papers["Logic two?"] {
		t.Fatalf("twenty draws gave everyone the same logic question: %v", papers)
	}
	r := b.get(testPath(tt.ID) + "/invitations.csv")
	rows, err := csv.NewReader(strings.NewReader(r.Body.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := strings.Join(rows[0], "|")
	for _, col := range []string{"section Logic: points|section Logic: max|section Go: points|section Go: max", ": Logic one?", ": Logic two?", ": Go one?"} {
		if !strings.Contains(header, col) {
			t.Fatalf("no %q column: %s", col, header)
		}
	}
	col := func(suffix string) int {
		for i, h := range rows[0] {
			if strings.HasSuffix(h, suffix) {
				return i
			}
		}
		return -1
	}
	one, two, goQ, logicPoints, goPoints := col(": Logic one?"), col(": Logic two?"), col(": Go one?"), col("section Logic: points"), col("section Go: points")
	for _, row := range rows[1:] {
		// Each answered exactly one logic question, "a", right; the Go question wrong.
		if (row[one] == "") == (row[two] == "") || row[one]+row[two] != "a" || row[goQ] != "a" ||
			row[logicPoints] != "1" || row[logicPoints+1] != "1" || row[goPoints] != "0" || row[goPoints+1] != "1" {
			t.Fatalf("row %v", row)
		}
	}
	// The Excel form: a byte order mark, then the same file.
	excel := b.get(testPath(tt.ID) + "/invitations.csv?format=excel")
	if !strings.HasPrefix(excel.Body.String(), "\uFEFF") || strings.TrimPrefix(excel.Body.String(), "\uFEFF") != r.Body.String() ||
		!strings.Contains(excel.Header().Get("Content-Disposition"), "-excel.csv") || !strings.Contains(excel.Body.String(), "María José Núñez") {
		t.Fatalf("excel export: %q", excel.Header())
	}
	if strings.HasPrefix(r.Body.String(), "\uFEFF") {
		t.Fatal("the plain export starts with a byte order mark")
	}
}
