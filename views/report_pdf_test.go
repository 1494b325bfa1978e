package views

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"testgate/store"
	"testgate/views/pdftext"
)

func TestReportPDFHoldsTheAttempt(t *testing.T) {
	started := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	done := started.Add(12*time.Minute + 5*time.Second)
	score, max := 1, 2
	yes, no := true, false
	r := AttemptReport{
		Invitation: store.Invitation{ID: 42, Name: "Дмитрий Ann-Ζωή", Email: "dmitri@example.com", Status: store.StatusCompleted,
			TestName: "Go backend", PassingScore: 50, Score: &score, MaxScore: &max, InvitedAt: started.Add(-time.Hour),
			StartedAt: &started, CompletedAt: &done},
		Questions: []store.Question{
			{ID: 1, Kind: store.QuestionSingle, Text: "2+2?", Options: []string{"3", "4"}, Correct: []int{1}},
			{ID: 2, Kind: store.QuestionMultiple, Text: "Which are primes?", Options: []string{"2", "4", "5"}, Correct: []int{0, 2}},
			{ID: 3, Kind: store.QuestionText, Text: "Why Go?"},
		},
		Answers: map[int64]store.Answer{
			1: {QuestionID: 1, Choices: []int{1}, Correct: &yes},
			2: {QuestionID: 2, Choices: []int{1}, Correct: &no},
			3: {QuestionID: 3, Text: "Fast builds"},
		},
		GeneratedAt: done,
	}
	b, err := ReportPDF(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", b[:16])
	}
	text := pdftext.Of(t, b)
	for _, want := range []string{"Go backend", "Дмитрий Ann-Ζωή", "dmitri@example.com", "Completed", "1 Mar 2027 09:00 UTC",
		"12 min 05 s", "1 / 2 points (50.00 %)", "Passed (passing score 50 %)", "1. 2+2?", "Answer: 4", "Right answer: 2; 5",
		"Answer: Fast builds", "not scored (written answer)", "invitation 42"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF does not say %q:\n%s", want, text)
		}
	}
}
