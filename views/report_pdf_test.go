package views

import (
	"bytes"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
	"time"

	"testgate/store"
	"testgate/views/pdftext"
)

func TestReportPDFHoldsTheAttempt(t *testing.T) {
	started := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	done := started.Add(12*time.Minute + 5*time.Second)
	score, max := 3, 4
	one, zero, two := 1, 0, 2
	yes, no := true, false
	r := AttemptReport{
		Invitation: store.Invitation{ID: 42, Name: "Дмитрий Ann-Ζωή", Email: "dmitri@example.com", Status: store.StatusCompleted,
			TestName: "Go backend", PassingScore: 50, Score: &score, MaxScore: &max, InvitedAt: started.Add(-time.Hour),
			StartedAt: &started, CompletedAt: &done, Review: store.ReviewGraded, ExtraTimePercent: 50,
			Bands: []store.Band{{Name: "Expert", MinPercent: 70}, {Name: "Beginner", MinPercent: 0}}},
		Questions: []store.Question{
			{ID: 1, Kind: store.QuestionSingle, Text: "2+2?", Options: []string{"3", "4"}, Correct: []int{1}, Points: 1},
			{ID: 2, Kind: store.QuestionMultiple, Text: "Which are primes?", Options: []string{"2", "4", "5"}, Correct: []int{0, 2}, Points: 1},
			{ID: 3, Kind: store.QuestionText, Text: "Why Go?", Points: 2},
		},
		Answers: map[int64]store.Answer{
			1: {QuestionID: 1, Choices: []int{1}, Correct: &yes, Points: &one, SecondsSpent: 65},
			2: {QuestionID: 2, Choices: []int{1}, Correct: &no, Points: &zero},
			3: {QuestionID: 3, Text: "Fast builds", Points: &two, Comment: "Clear reasoning"},
		},
		Signals: []store.Signal{
			{Kind: store.SignalStart, IP: "127.0.0.1", OccurredAt: started},
			{Kind: store.SignalFocusLost, Detail: "tab hidden", OccurredAt: started.Add(time.Minute)},
		},
		Timeline:    []store.Event{{Kind: "graded", Actor: "user:rita@example.com", Detail: "total 3 points", OccurredAt: done.Add(time.Hour)}},
		Reason:      store.ReasonSubmitted,
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
		"12 min 05 s", "3 / 4 points (75 %)", "Passed (passing score 50 %)", "Band Expert", "Review graded", "Extra time 50 %",
		"1. 2+2?", "Answer: 4", "Right answer: 2; 5", "Points: 1 / 1 · time on it: 1 min 05 s", "Answer: Fast builds", "Points: 2 / 2",
		"Reviewer: Clear reasoning", "Integrity signals", "1 time left the test page", "0 pastes into answers",
		"Left the test page (tab hidden)", "127.0.0.1", "Grading complete", "by rita@example.com", "invitation 42"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF does not say %q:\n%s", want, text)
		}
	}
}

// FuzzReportPDF: whatever people typed into a name, a test, a question or
// an answer, the report is made (characters it cannot print become U+FFFD).
func FuzzReportPDF(f *testing.F) {
	for _, s := range []string{"Zoë", "😀 Ana", "𠮷野家", "\uFFFF", "a\x00b", "\xff\xfe", "مرحبا", "שלום", "李\u200f", "\r\n\t"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, name, text string) {
		r := AttemptReport{
			Invitation: store.Invitation{ID: 1, Name: name, Email: text, TestName: text, Status: store.StatusCompleted},
			Questions:  []store.Question{{ID: 1, Kind: store.QuestionText, Text: text}, {ID: 2, Kind: store.QuestionSingle, Text: name, Options: []string{text, name}}},
			Answers:    map[int64]store.Answer{1: {QuestionID: 1, Text: name, Comment: text}, 2: {QuestionID: 2, Choices: []int{1}}},
			Timeline:   []store.Event{{Kind: "graded", Detail: text}},
		}
		pdf, err := ReportPDF(r)
		if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatalf("%q / %q: %v", name, text, err)
		}
	})
}

// The summary counts what the questions below show as answered: an answer
// saved blank (an emptied text box, choices all cleared) is not one.
func TestReportPDFCountsOnlyGivenAnswers(t *testing.T) {
	t.Parallel()
	r := AttemptReport{
		Invitation: store.Invitation{ID: 7, Name: "Ana", TestName: "Go", Status: store.StatusCompleted},
		Questions: []store.Question{
			{ID: 1, Kind: store.QuestionSingle, Text: "2+2?", Options: []string{"3", "4"}, Correct: []int{1}},
			{ID: 2, Kind: store.QuestionText, Text: "Why Go?"},
			{ID: 3, Kind: store.QuestionMultiple, Text: "Primes?", Options: []string{"2", "4"}, Correct: []int{0}},
		},
		Answers: map[int64]store.Answer{1: {QuestionID: 1, Choices: []int{1}}, 2: {QuestionID: 2, Text: "  "}, 3: {QuestionID: 3, Choices: []int{}}},
	}
	pdf, err := ReportPDF(r)
	if err != nil {
		t.Fatal(err)
	}
	text := pdftext.Of(t, pdf)
	if !strings.Contains(text, "3 questions, 1 answered") || strings.Count(text, "Answer: not answered") != 2 {
		t.Fatalf("summary and answers disagree: %s", text)
	}
}

// Right-to-left names and answers are drawn in visual order, Arabic in its
// joined forms, so a reader reads — and pdftotext copies — them in reading
// order, not mirrored.
func TestReportPDFWritesRightToLeftInReadingOrder(t *testing.T) {
	t.Parallel()
	r := AttemptReport{
		Invitation: store.Invitation{ID: 9, Name: "דוד לוי", Email: "david@example.com", TestName: "اختبار Go", Status: store.StatusCompleted},
		Questions:  []store.Question{{ID: 1, Kind: store.QuestionText, Text: "Why Go?"}},
		Answers: map[int64]store.Answer{1: {QuestionID: 1, Text: "لأن المترجم سريع جداً، والكود بسيط " +
			"(fast builds) وهذا ما نحتاجه في فريقنا الذي يكتب خدمات كثيرة كل يوم ويجب أن تبقى بسيطة"}},
	}
	pdf, err := ReportPDF(r)
	if err != nil {
		t.Fatal(err)
	}
	text := norm.NFKC.String(pdftext.Of(t, pdf))
	for _, want := range []string{"דוד לוי", "اختبار", "لأن المترجم سريع", "fast builds", "يكتب خدمات كثيرة"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF does not read %q in order: %s", want, text)
		}
	}
	for _, mirrored := range []string{"יול דוד", "رابتخا"} {
		if strings.Contains(text, mirrored) {
			t.Errorf("the PDF reads %q mirrored", mirrored)
		}
	}
	if !strings.ContainsRune(pdftext.Of(t, pdf), 0xFEE3) { // meem joined to the letter after it
		t.Error("Arabic is drawn in isolated forms, not joined")
	}
}

// Chinese, Japanese and Korean print through the host's fallback fonts
// (Debian's fonts-droid-fallback and fonts-nanum, which make testtools
// installs), mixed with DejaVu Sans on one line; an emoji as a picture from
// its colour emoji font (fonts-noto-color-emoji), copied as the emoji; a
// character no font holds (𠮷) prints as U+FFFD, a visible mark, never an
// empty box.
func TestReportPDFPrintsCJKThroughTheFallbackFont(t *testing.T) {
	t.Parallel()
	for _, path := range append(FallbackFontPaths, EmojiFontPath) {
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("no fallback font at %s: run make testtools (Debian's fonts-droid-fallback, fonts-nanum, fonts-noto-color-emoji)", path)
		}
	}
	r := AttemptReport{
		Invitation: store.Invitation{ID: 5, Name: "王小明 (Wang)", Email: "wang@example.com", TestName: "Go 基础测试", Status: store.StatusCompleted},
		Questions:  []store.Question{{ID: 1, Kind: store.QuestionText, Text: "なぜGoですか？"}},
		Answers: map[int64]store.Answer{1: {QuestionID: 1, Text: "コンパイルが速く、コードが読みやすいからです。" +
			"我们团队每天都写很多服务，所以需要简单的工具。한국어 😀 👍🏽 𠮷"}},
	}
	pdf, err := ReportPDF(r)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(pdftext.Of(t, pdf), " ", "")
	for _, want := range []string{"Go基础测试", "王小明(Wang)", "なぜGoですか？", "コンパイルが速く、コードが読みやすいからです。", "我们团队每天都写很多服务", "한국어😀👍", "�"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q: %s", want, text)
		}
	}
}

func TestReportPDFTagsEverySubsetFont(t *testing.T) {
	t.Parallel()
	r := AttemptReport{
		Invitation: store.Invitation{ID: 6, Name: "王小明 Ann", Email: "wang@example.com", TestName: "Go", Status: store.StatusCompleted},
		Questions:  []store.Question{{ID: 1, Kind: store.QuestionText, Text: "한국어?"}},
	}
	pdf, err := ReportPDF(r)
	if err != nil {
		t.Fatal(err)
	}
	fonts := pdftext.Fonts(t, pdf)
	if len(fonts) < 3 {
		t.Fatalf("want DejaVu, its bold and the fallback fonts, pdffonts lists %+v", fonts)
	}
	seen := map[string]bool{}
	for _, f := range fonts {
		tag, _, ok := strings.Cut(f.Name, "+")
		if !f.Embedded || !f.Subset || !ok || len(tag) != 6 || strings.ToUpper(tag) != tag {
			t.Errorf("font %+v: want an embedded subset named ABCDEF+name", f)
		}
		seen[tag] = true
	}
	if len(seen) != len(fonts) {
		t.Errorf("two subsets share a tag: %+v", fonts)
	}
}

// BenchmarkReportPDF is one PDF of a 200-question attempt, with written
// answers in several scripts: what one render slot spends (the server
// makes at most half the CPUs' worth at once, and keeps what it made).
func BenchmarkReportPDF(b *testing.B) {
	r := AttemptReport{Invitation: store.Invitation{ID: 1, Name: "María José Núñez", Email: "mj@example.com", TestName: "Go backend",
		Status: store.StatusCompleted}, Answers: map[int64]store.Answer{}}
	texts := []string{"Because it compiles fast and reads plainly.", "Потому что компилируется быстро.", "لأن المترجم سريع", "因为编译很快。"}
	for i := range 200 {
		id := int64(i + 1)
		r.Questions = append(r.Questions, store.Question{ID: id, Kind: store.QuestionText, Text: "Question " + texts[i%4], Points: 1})
		r.Answers[id] = store.Answer{QuestionID: id, Text: texts[(i+1)%4]}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReportPDF(r); err != nil {
			b.Fatal(err)
		}
	}
}

// The report is a tagged PDF whose structure poppler reads: the title, the
// candidate's facts as a table with row headers, the parts as headings,
// each question a heading with its answer, a paragraph that runs over a
// page break one element, and the page footers left out as artifacts.
func TestReportPDFIsTagged(t *testing.T) {
	var qs []store.Question
	answers := map[int64]store.Answer{}
	long := strings.Repeat("An answer that goes on and on. ", 40)
	for i := 1; i <= 12; i++ {
		qs = append(qs, store.Question{ID: int64(i), Kind: store.QuestionText, Text: "Question " + strconv.Itoa(i) + "?", Points: 1})
		answers[int64(i)] = store.Answer{QuestionID: int64(i), Text: long + "End of answer " + strconv.Itoa(i) + "."}
	}
	b, err := ReportPDF(AttemptReport{Invitation: store.Invitation{ID: 42, Name: "Ann Lee", Email: "ann@example.com", TestName: "Go backend",
		Status: store.StatusCompleted}, Questions: qs, Answers: answers, GeneratedAt: time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	tagged, tree := pdftext.Structure(t, b)
	if !tagged {
		t.Fatal("pdfinfo does not read the report as tagged")
	}
	lines := strings.Split(tree, "\n")
	if len(lines) < 4 || strings.TrimSpace(lines[0]) != "Document" || strings.TrimSpace(lines[1]) != "H1 (block)" ||
		strings.TrimSpace(lines[2]) != `"Go backend"` {
		t.Fatalf("the structure does not start with the title:\n%s", tree)
	}
	flat := strings.Join(strings.Fields(tree), " ")
	for _, want := range []string{`TR TH: /Scope /Row "Candidate" TD "Ann Lee"`, `TH: /Scope /Row "Email" TD "ann@example.com"`,
		`H2 (block) "Questions"`, `H3 (block) "1. Question 1?"`, `H3 (block) "12. Question 12?"`, `H2 (block) "Integrity signals"`} {
		if !strings.Contains(flat, want) {
			t.Errorf("the structure lacks %s:\n%s", want, tree)
		}
	}
	// A paragraph cut by a page break is one element, in reading order.
	if pages := strings.Count(pdftext.Of(t, b), "page "); pages < 3 {
		t.Fatalf("the report is %d pages: no answer crosses a page break", pages)
	}
	var paragraphs []string // the text of each P, its parts joined
	for _, line := range lines {
		switch text := strings.TrimSpace(line); {
		case text == "P (block)":
			paragraphs = append(paragraphs, "")
		case strings.HasPrefix(text, `"`) && len(paragraphs) > 0:
			paragraphs[len(paragraphs)-1] += strings.Trim(text, `"`)
		}
	}
	for i := 1; i <= 12; i++ {
		// Its words stay apart where its lines break.
		whole := regexp.MustCompile(`^Answer: (An answer that goes on and on\. ){40}End of answer ` + strconv.Itoa(i) + `\.$`)
		if !slices.ContainsFunc(paragraphs, whole.MatchString) {
			t.Errorf("answer %d is not one paragraph in the structure", i)
		}
	}
	if strings.Contains(tree, "invitation 42") {
		t.Error("the page footer is in the structure: it is an artifact")
	}
}

// Reports are made at once (half the CPUs), sharing the fonts: made side by
// side, Chinese and Korean in the fallback fonts, they read as one made
// alone, and the race detector (make test) finds nothing. (The PDF writer
// writes into the font bytes it is given; shared, that raced.)
func TestReportPDFsMadeAtOnceAreTheSame(t *testing.T) {
	t.Parallel()
	r := AttemptReport{
		Invitation: store.Invitation{ID: 5, Name: "王小明 (Wang)", Email: "wang@example.com", TestName: "Go 基础测试", Status: store.StatusCompleted},
		Questions:  []store.Question{{ID: 1, Kind: store.QuestionText, Text: "なぜGoですか？"}},
		Answers: map[int64]store.Answer{1: {QuestionID: 1, Text: "コンパイルが速く、コードが読みやすいからです。" +
			"我们团队每天都写很多服务，所以需要简单的工具。한국어 😀 👍🏽 𠮷"}},
	}
	b, err := ReportPDF(r)
	if err != nil {
		t.Fatal(err)
	}
	alone := pdftext.Of(t, b)
	results := make(chan []byte, 8)
	for range 8 {
		go func() {
			b, _ := ReportPDF(r)
			results <- b
		}()
	}
	for range 8 {
		if text := pdftext.Of(t, <-results); text != alone {
			t.Fatalf("a report made beside others reads\n%s\nnot\n%s", text, alone)
		}
	}
}
