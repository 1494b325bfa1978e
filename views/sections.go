package views

import (
	"fmt"

	"testgate/store"
)

// SectionSummary words how a section gives its questions.
func SectionSummary(s store.Section) string {
	text := plural(s.Fixed(), "question", "questions")
	if s.PickCount > 0 {
		text += fmt.Sprintf(" (%d from the bank)", s.PickCount)
	}
	if s.Draw > 0 && s.Draw < s.Fixed() {
		text += fmt.Sprintf(", %d drawn at random", s.Draw)
	}
	if s.ShuffleQuestions {
		text += ", shuffled"
	}
	if s.ShuffleOptions {
		text += ", options shuffled"
	}
	if s.TimeLimit > 0 {
		text += fmt.Sprintf(", %d minutes of its own", s.TimeLimit)
	}
	return text
}

func questionsIn(qs []store.Question, sectionID int64) []store.Question {
	var out []store.Question
	for _, q := range qs {
		if q.SectionID == sectionID {
			out = append(out, q)
		}
	}
	return out
}

// Count words a number with its noun: Count(1, "test", "tests") is "1 test".
func Count(n int, one, many string) string { return plural(n, one, many) }

// nonZero is a number for a form field, empty when 0 (a floor is below).
func nonZero(n int) string {
	if n == 0 {
		return ""
	}
	return itoa(n)
}

func drawValue(n int) string {
	if n <= 0 {
		return ""
	}
	return itoa(n)
}
