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
		fe["kind"] = "must be single, multiple or text"
		return fe
	}
	if testKind == KindInterview && in.Kind != QuestionText {
		fe["kind"] = "must be text in an interview"
		return fe
	}
	if in.Kind == QuestionText {
		if len(in.Options) > 0 {
			fe["options"] = "must be empty for a text question"
		}
		if len(in.Correct) > 0 {
			fe["correct"] = "must be empty for a text question"
		}
		return fe
	}
	switch {
	case len(in.Options) < 2:
		fe["options"] = "must list at least 2 options"
	case len(in.Options) > MaxOptions:
		fe["options"] = fmt.Sprintf("must list at most %d options", MaxOptions)
	default:
		seen := map[string]bool{}
		for i, o := range in.Options {
			o = strings.TrimSpace(o)
			switch {
			case o == "":
				fe["options"] = fmt.Sprintf("option %d is empty", i+1)
			case len(o) > MaxOptionLength:
				fe["options"] = fmt.Sprintf("option %d must be at most %d characters", i+1, MaxOptionLength)
			case seen[strings.ToLower(o)]:
				fe["options"] = fmt.Sprintf("option %d repeats an earlier option", i+1)
			}
			seen[strings.ToLower(o)] = true
		}
	}
	seen := map[int]bool{}
	for _, c := range in.Correct {
		if c < 0 || c >= len(in.Options) {
			fe["correct"] = fmt.Sprintf("index %d is not an option", c)
		} else if seen[c] {
			fe["correct"] = fmt.Sprintf("index %d is listed twice", c)
		}
		seen[c] = true
	}
	if _, bad := fe["correct"]; !bad {
		switch {
		case len(in.Correct) == 0:
			fe["correct"] = "must mark at least one option as correct"
		case in.Kind == QuestionSingle && len(in.Correct) != 1:
			fe["correct"] = "must mark exactly one option as correct for a single-choice question"
		}
	}
	return fe
}

// normalized trims options and sorts the correct indexes.
func (in QuestionInput) normalized() QuestionInput {
	out := QuestionInput{Text: strings.TrimSpace(in.Text), Kind: in.Kind, Options: []string{}, Correct: []int{}, Points: in.Points,
		SectionID: in.SectionID, Topic: strings.TrimSpace(in.Topic), Difficulty: in.Difficulty}
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
