package store

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// choiceKind is a question answered by choosing among options: one (single
// choice) or any number (multiple choice). It is scored at submission:
// right when exactly the correct options are chosen.
type choiceKind struct{ many bool }

func (k choiceKind) Label() string {
	if k.many {
		return "several answers"
	}
	return "one answer"
}

func (choiceKind) HasOptions() bool { return true }
func (choiceKind) Reviewed() bool   { return false }

func (choiceKind) FromForm(q Question, values []string, _ bool) (AnswerInput, bool, string) {
	a := AnswerInput{QuestionID: q.ID, Choices: []int{}}
	for _, v := range values {
		i, err := strconv.Atoi(v)
		if err != nil {
			return a, false, "An answer is not one of the options."
		}
		a.Choices = append(a.Choices, i)
	}
	return a, false, ""
}

func (choiceKind) FormValues(_ Question, a Answer) []string {
	values := make([]string, 0, len(a.Choices))
	for _, i := range a.Choices {
		values = append(values, strconv.Itoa(i))
	}
	return values
}

func (choiceKind) Answered(_ Question, a Answer) bool { return len(a.Choices) > 0 }

func (choiceKind) Words(q Question, a Answer) string {
	var chosen []string
	for _, i := range a.Choices {
		if i >= 0 && i < len(q.Options) {
			chosen = append(chosen, q.Options[i])
		}
	}
	return strings.Join(chosen, "; ")
}

func (k choiceKind) validate(in QuestionInput, fe FieldErrors) {
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
		case !k.many && len(in.Correct) != 1:
			fe["correct"] = "must mark exactly one option as correct for a single-choice question"
		}
	}
}

func (k choiceKind) checkAnswer(q Question, a AnswerInput) string {
	seen := map[int]bool{}
	for _, c := range a.Choices {
		if c < 0 || c >= len(q.Options) || seen[c] {
			return "is not one of the options"
		}
		seen[c] = true
	}
	if !k.many && len(a.Choices) > 1 {
		return "takes one option"
	}
	return ""
}

func (choiceKind) right(q Question, choices []int) bool {
	chosen := slices.Clone(choices)
	slices.Sort(chosen)
	return slices.Equal(chosen, q.Correct)
}
