package store

import (
	"math"
	"strings"
	"testing"
)

// FuzzAnswerForms reads arbitrary attempt-form values for a question of
// every kind: no panic; what the form reader takes, the store's check
// takes too; and every mark is between the question's floor and points.
func FuzzAnswerForms(f *testing.F) {
	for _, seed := range [][2]string{
		{"0", "1"}, {"0:1", "2:3"}, {"9,81 m/s²", ""}, {`["a","b"]`, "x"}, {"-1", "99999999999999999999"},
		{"0:0", "1:-1"}, {":", "a:b"}, {"1e309", "NaN"}, {"\x00", "\u202e"}, {strings.Repeat("x", 1001), ""},
	} {
		f.Add(seed[0], seed[1], true)
	}
	qs := make([]Question, 0, len(everyKind()))
	for i, in := range everyKind() {
		q := question(in)
		q.ID = int64(i + 1)
		qs = append(qs, q)
	}
	f.Fuzz(func(t *testing.T, a, b string, two bool) {
		values := []string{a}
		if two {
			values = append(values, b)
		}
		for _, q := range qs {
			got, err := AnswersFromForm([]Question{q}, map[string][]string{answerField(q): values})
			if err != nil {
				continue
			}
			for _, in := range got {
				if problem := q.Rules().checkAnswer(q, in); problem != "" {
					t.Fatalf("%s: the form took %q but the store refuses it: %s", q.Kind, values, problem)
				}
				in = q.Rules().stored(in)
				answer := Answer{QuestionID: q.ID, Choices: in.Choices, Text: in.Text}
				m := q.Marked(answer)
				if m.Points > q.Points || m.Points < min(0, q.Spec.Floor) {
					t.Fatalf("%s: %q marked %+v, outside %d…%d", q.Kind, values, m, q.Spec.Floor, q.Points)
				}
				q.Rules().Words(q, answer)
				q.Rules().Lines(q, answer)
			}
		}
		if n, ok := ParseNumber(a, b); ok && (math.IsNaN(n) || math.IsInf(n, 0)) {
			t.Fatalf("ParseNumber(%q, %q) = %v", a, b, n)
		}
		ParseBlanks(a)
	})
}
