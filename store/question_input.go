package store

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// What a recruiter, an import or an API request gives for a question, and
// how it is checked before anything is written.

// QuestionInput is the editable part of a question.
type QuestionInput struct {
	Text    string
	Kind    QuestionKind
	Options []string
	Correct []int
	Points  int // 0: the default, DefaultPoints
	// SectionID places the question in one of its test's sections (0: the
	// last section, or none when the test has none).
	SectionID  int64
	Topic      string
	Difficulty Difficulty
	Spec       QuestionSpec
}

// Limits on questions.
const (
	DefaultPoints         = 1
	MaxTopicLength        = 100
	MaxPoints             = 1000
	MaxQuestions          = 500
	MaxOptions            = 20
	MaxQuestionTextLength = 5000
	MaxOptionLength       = 1000
)

// Validate checks a question for a test of the given kind. Blank options are
// an error rather than silently dropped: the indexes in Correct refer to them.
func (in QuestionInput) Validate(testKind TestKind) FieldErrors {
	fe := FieldErrors{}
	requireText(fe, "text", in.Text, MaxQuestionTextLength)
	if utf8.RuneCountInString(in.Topic) > MaxTopicLength {
		fe["topic"] = fmt.Sprintf("must be at most %d characters", MaxTopicLength)
	}
	if !in.Difficulty.Valid() {
		fe["difficulty"] = "must be easy, medium or hard"
	}
	if in.Points < 0 || in.Points > MaxPoints {
		fe["points"] = fmt.Sprintf("must be between 1 and %d", MaxPoints)
	}
	if !in.Kind.Valid() {
		fe["kind"] = "must be one of " + kindNames()
		return fe
	}
	if testKind == KindInterview && !in.Kind.Rules().Reviewed() {
		fe["kind"] = "must be text, essay or code in an interview"
		return fe
	}
	in.Kind.Rules().validate(in, fe)
	onlyFields(in, fe, in.Kind.Rules().SpecFields()...)
	validateMarking(in, fe)
	return fe
}

// normalized trims options and sorts the correct indexes.
func (in QuestionInput) normalized() QuestionInput {
	out := QuestionInput{Text: strings.TrimSpace(in.Text), Kind: in.Kind, Options: []string{}, Correct: []int{}, Points: in.Points,
		SectionID: in.SectionID, Topic: strings.TrimSpace(in.Topic), Difficulty: in.Difficulty, Spec: in.Spec.normalized()}
	if out.Points == 0 {
		out.Points = DefaultPoints
	}
	for _, o := range in.Options {
		out.Options = append(out.Options, strings.TrimSpace(o))
	}
	out.Correct = append(out.Correct, in.Correct...)
	slices.Sort(out.Correct)
	return out
}
