package store

import (
	"slices"
	"strconv"
	"strings"
)

// choiceKind is a question answered by choosing among options: one (single
// choice) or any number (multiple choice). Scored at submission, part by
// part: each correct option is a part, each other option chosen is wrong.
type choiceKind struct{ many bool }

func (k choiceKind) Label() string {
	if k.many {
		return "several answers"
	}
	return "one answer"
}

func (choiceKind) HasOptions() bool { return true }
func (choiceKind) Reviewed() bool   { return false }
func (choiceKind) PartName() string { return "option" }

func (choiceKind) shuffles(section bool) bool { return section }

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

func (choiceKind) FormValues(_ Question, a Answer) []string { return intValues(a.Choices) }

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
	checkItems(fe, "options", "option", in.Options, 2)
	seen := map[int]bool{}
	for _, c := range in.Correct {
		if c < 0 || c >= len(in.Options) {
			fe["correct"] = "index " + strconv.Itoa(c) + " is not an option"
		} else if seen[c] {
			fe["correct"] = "index " + strconv.Itoa(c) + " is listed twice"
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

func (choiceKind) stored(a AnswerInput) AnswerInput {
	a.Choices = slices.Clone(a.Choices)
	slices.Sort(a.Choices)
	return a
}

func (choiceKind) mark(q Question, a Answer) Mark {
	m := Mark{Parts: len(q.Correct)}
	for _, c := range a.Choices {
		if q.IsCorrect(c) {
			m.Right++
		} else {
			m.Wrong++
		}
	}
	return m
}

// intValues are indexes as form values.
func intValues(ints []int) []string {
	values := make([]string, 0, len(ints))
	for _, i := range ints {
		values = append(values, strconv.Itoa(i))
	}
	return values
}

func (choiceKind) Key(q Question) string               { return q.optionTexts(q.Correct) }
func (choiceKind) Lines(Question, Answer) []AnswerLine { return nil }
func (choiceKind) Preformatted() bool                  { return false }

// optionTexts are the texts of options by index, joined.
func (q Question) optionTexts(idx []int) string {
	var parts []string
	for _, i := range idx {
		if i >= 0 && i < len(q.Options) {
			parts = append(parts, q.Options[i])
		}
	}
	return strings.Join(parts, "; ")
}

func (choiceKind) SpecFields() []string { return []string{} }
func (choiceKind) ListsOptions() bool   { return true }

func (choiceKind) ChoiceLabels(q Question) []string { return q.Options }
