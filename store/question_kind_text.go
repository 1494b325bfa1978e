package store

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// textKind is a written answer (and every interview question), scored by a
// reviewer up to the question's points. The essay and code kinds are
// written answers too, with settings of their own.
type textKind struct{}

func (textKind) Label() string    { return "written answer" }
func (textKind) HasOptions() bool { return false }
func (textKind) Reviewed() bool   { return true }
func (textKind) PartName() string { return "answer" }

func (textKind) shuffles(bool) bool { return false }

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
	noOptions(in, fe)
}

func (textKind) checkAnswer(_ Question, a AnswerInput) string { return checkWritten(a.Text) }

func (textKind) stored(a AnswerInput) AnswerInput { return a }

func (textKind) mark(Question, Answer) Mark { return Mark{} }

// checkWritten is what is wrong with a written answer's text, or "".
func checkWritten(text string) string {
	if utf8.RuneCountInString(text) > MaxAnswerLength {
		return fmt.Sprintf("must be at most %d characters", MaxAnswerLength)
	}
	if strings.ContainsRune(text, 0) {
		return "must not contain NUL characters"
	}
	return ""
}

func (textKind) Key(Question) string                 { return "" }
func (textKind) Lines(Question, Answer) []AnswerLine { return nil }
func (textKind) Preformatted() bool                  { return false }

func (textKind) SpecFields() []string { return []string{} }
func (textKind) ListsOptions() bool   { return false }

func (textKind) ChoiceLabels(Question) []string { return nil }
