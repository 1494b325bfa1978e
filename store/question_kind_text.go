package store

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// textKind is a written answer (and every interview question), scored by a
// reviewer up to the question's points.
type textKind struct{}

func (textKind) Label() string    { return "written answer" }
func (textKind) HasOptions() bool { return false }
func (textKind) Reviewed() bool   { return true }

func (textKind) FromForm(q Question, values []string, sent bool) (AnswerInput, bool, string) {
	if !sent || len(values) == 0 {
		return AnswerInput{}, true, "" // not on the form: keep what was saved
	}
	return AnswerInput{QuestionID: q.ID, Choices: []int{}, Text: values[0]}, false, ""
}

func (textKind) FormValues(_ Question, a Answer) []string { return []string{a.Text} }

func (textKind) Answered(_ Question, a Answer) bool { return strings.TrimSpace(a.Text) != "" }

func (textKind) Words(_ Question, a Answer) string { return a.Text }

func (textKind) validate(in QuestionInput, fe FieldErrors) {
	if len(in.Options) > 0 {
		fe["options"] = "must be empty for a text question"
	}
	if len(in.Correct) > 0 {
		fe["correct"] = "must be empty for a text question"
	}
}

func (textKind) checkAnswer(_ Question, a AnswerInput) string {
	if utf8.RuneCountInString(a.Text) > MaxAnswerLength {
		return fmt.Sprintf("must be at most %d characters", MaxAnswerLength)
	}
	if strings.ContainsRune(a.Text, 0) {
		return "must not contain NUL characters"
	}
	return ""
}

func (textKind) right(Question, []int) bool { return false }
