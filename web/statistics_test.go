package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"testgate/store"
)

// A recruiter opens the question statistics from the results: the test's
// figures, a chart with its table, a row per question with how often each
// option was chosen, and the same as CSV.
func TestQuestionStatisticsPage(t *testing.T) {
	t.Parallel()
	f, inv, b := gradedFixture(t)
	results := b.get("/tests/" + idStr(f.test.ID) + "/results")
	link, _ := results.doc.Find(`[data-testid="statistics-link"]`).Attr("href")
	r := b.get(link)
	if r.Code != http.StatusOK {
		t.Fatalf("statistics: %d", r.Code)
	}
	if intro := r.text(`main p.muted`); !strings.HasPrefix(intro, "From 1 completed attempt, refreshed") {
		t.Errorf("intro %q", intro)
	}
	figures := r.text(`[data-testid="test-figures"]`)
	// Ada's one attempt: 1 of 5 points scored so far, her written answer
	// awaiting its reviewer.
	for _, want := range []string{"Mean score20.0 %", "Median score20.0 %", "needs at least two attempts"} {
		if !strings.Contains(strings.Join(strings.Fields(figures), ""), strings.Join(strings.Fields(want), "")) {
			t.Errorf("test figures %q lack %q", figures, want)
		}
	}
	if n := r.doc.Find(`[data-testid="histogram-chart"] rect`).Length(); n != 10 {
		t.Errorf("%d histogram bars", n)
	}
	if got := r.text(`[data-testid="histogram-table"] tbody tr:nth-child(3) td`); got != "1" {
		t.Errorf("attempts at 20–30 %%: %q", got)
	}
	rows := r.doc.Find(`[data-testid="question-statistics"] tbody tr`)
	if rows.Length() != 3 {
		t.Fatalf("%d question rows", rows.Length())
	}
	cells := func(row int) string {
		var out []string
		rows.Eq(row).Find("td").Each(func(_ int, td *goquery.Selection) { out = append(out, strings.TrimSpace(td.Text())) })
		return strings.Join(out, " | ")
	}
	// 2+2? answered 4 (right): facility 100 %, one attempt: no discrimination.
	if got := cells(0); got != "1 | 1 | 100 % | — | — | 0 % | —" {
		t.Errorf("first question's figures: %q", got)
	}
	if got := strings.Join(strings.Fields(rows.Eq(0).Find(".options-chosen li").Eq(1).Text()), " "); got != "4: 100 % (1) correct" {
		t.Errorf("the right option: %q", got)
	}
	if got := cells(2); got != "3 | 1 | — | — | — | 0 % | —" {
		t.Errorf("the written question, not graded yet: %q", got)
	}

	// A reviewer's grade reaches the statistics.
	if g := b.post(invitationPath(inv.ID)+"/grades", url.Values{"questionId": {idStr(f.qs[2].ID)}, "points": {"2"}, "comment": {"Fair"}}); g.Code >= 400 {
		t.Fatalf("grade: %d", g.Code)
	}
	r = b.get(link)
	rows = r.doc.Find(`[data-testid="question-statistics"] tbody tr`)
	if got := cells(2); got != "3 | 1 | 67 % | — | — | 0 % | —" {
		t.Errorf("the written question, graded 2 of 3: %q", got)
	}

	csvResp := b.get("/tests/" + idStr(f.test.ID) + "/statistics.csv")
	records, err := csv.NewReader(strings.NewReader(csvResp.Body.String())).ReadAll()
	if err != nil || len(records) != 4 {
		t.Fatalf("csv: %d records, %v", len(records), err)
	}
	if strings.Join(records[0][:7], ",") != "position,question,kind,points,attempts,scored,facility" ||
		records[1][1] != "2+2?" || records[1][6] != "1.0000" || records[3][5] != "1" || records[3][6] != "0.6667" {
		t.Fatalf("csv rows %q", records)
	}
}

// No completed attempt yet: the page says statistics come with them.
func TestQuestionStatisticsBeforeAnyAttempt(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t, store.LinkInput{})
	b := signIn(t, f.srv, f.db, store.RoleRecruiter)
	r := b.get("/tests/" + idStr(f.test.ID) + "/statistics")
	if r.Code != http.StatusOK || !strings.Contains(r.text(`[data-testid="no-statistics"]`), "No completed attempts yet") {
		t.Fatalf("%d %q", r.Code, r.text(`[data-testid="no-statistics"]`))
	}
}

// A bank question's page shows its figures across the tests that gave it.
func TestBankQuestionPageShowsItsStatistics(t *testing.T) {
	t.Parallel()
	srv, db := newTestServer(t)
	ctx := context.Background()
	ids, _ := db.AddBankQuestions(ctx, []store.QuestionInput{{Text: "Capital of Peru?", Kind: store.QuestionSingle, Options: []string{"Lima", "Cusco"}, Correct: []int{0}}})
	b := signIn(t, srv, db, store.RoleAdmin)
	if r := b.get("/bank/" + idStr(ids[0]) + "/edit"); !strings.Contains(r.text(`[data-testid="bank-statistics"]`), "No completed attempt") {
		t.Fatalf("before any attempt: %q", r.text(`[data-testid="bank-statistics"]`))
	}
	tt, _ := db.CreateSectionedTest(ctx, store.TestInput{Name: "Geography", Kind: store.KindAssessment, DurationMinutes: 10},
		[]store.SectionInput{{Name: "Americas", Picks: ids}})
	res, _ := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, Name: "C", Email: "c@example.com", Source: store.SourceNative})
	inv, _ := db.StartInvitation(ctx, res.Invitation.ID)
	paper, _ := db.AttemptQuestions(ctx, inv)
	db.Submit(ctx, store.Submission{InvitationID: inv.ID, Answers: []store.AnswerInput{{QuestionID: paper[0].ID, Choices: []int{1}}}, Finish: true})
	got := strings.Join(strings.Fields(b.get("/bank/"+idStr(ids[0])+"/edit").text(`[data-testid="bank-statistics"]`)), " ")
	for _, want := range []string{"This version, in 1 completed attempt of 1 test.", "Facility0 %", "Cusco: 100 % (1)"} {
		if !strings.Contains(got, want) {
			t.Errorf("bank statistics %q lack %q", got, want)
		}
	}
}
