package store

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// essayKind is a long written answer, with a word count and optional
// limits, graded by a reviewer like a written answer. An answer outside
// the limits is still kept (a candidate's words are never thrown away);
// the page and the report say how it stands against them.
type essayKind struct{ textKind }

// MaxLongAnswerLength bounds an essay or a code answer.
const MaxLongAnswerLength = 50000

func (essayKind) Label() string { return "essay" }

func (essayKind) validate(in QuestionInput, fe FieldErrors) {
	noOptions(in, fe)
	s := in.Spec
	switch {
	case s.MinWords < 0 || s.MinWords > MaxWordLimit:
		fe["minWords"] = fmt.Sprintf("must be between 0 and %d", MaxWordLimit)
	case s.MaxWords < 0 || s.MaxWords > MaxWordLimit:
		fe["maxWords"] = fmt.Sprintf("must be between 0 and %d", MaxWordLimit)
	case s.MaxWords > 0 && s.MinWords > s.MaxWords:
		fe["maxWords"] = "must be at least the least number of words"
	}
}

func (essayKind) checkAnswer(_ Question, a AnswerInput) string { return checkLongWritten(a.Text) }

// WordCount counts an answer's words as a reader would: runs of letters,
// digits or marks between spaces.
func WordCount(text string) int { return len(strings.Fields(text)) }

// WordsAgainstLimits says how an essay's words stand against its limits:
// "" when within them (or it has none).
func (q Question) WordsAgainstLimits(text string) string {
	n := WordCount(text)
	switch {
	case q.Spec.MaxWords > 0 && n > q.Spec.MaxWords:
		return fmt.Sprintf("over the limit of %d words", q.Spec.MaxWords)
	case q.Spec.MinWords > 0 && n < q.Spec.MinWords && n > 0:
		return fmt.Sprintf("under the least of %d words", q.Spec.MinWords)
	}
	return ""
}

// checkLongWritten is checkWritten for an essay or code answer.
func checkLongWritten(text string) string {
	if utf8.RuneCountInString(text) > MaxLongAnswerLength {
		return fmt.Sprintf("must be at most %d characters", MaxLongAnswerLength)
	}
	if strings.ContainsRune(text, 0) {
		return "must not contain NUL characters"
	}
	return ""
}

func (essayKind) SpecFields() []string { return []string{"minWords", "maxWords"} }
