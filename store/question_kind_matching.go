package store

import (
	"slices"
	"strings"
)

// matchingKind pairs each option (a prompt) with its match. Spec.Matches[i]
// is the match of option i; more matches than options are distractors. An
// answer gives each prompt a match: Choices[i] is 1 + the index of the
// match given to option i, 0 when none. Each right pair is a part right.
type matchingKind struct{}

func (matchingKind) Label() string    { return "matching" }
func (matchingKind) HasOptions() bool { return false }
func (matchingKind) Reviewed() bool   { return false }
func (matchingKind) PartName() string { return "pair" }

func (matchingKind) shuffles(section bool) bool { return section }

func (matchingKind) FromForm(q Question, values []string, sent bool) (AnswerInput, bool, string) {
	if !sent {
		return AnswerInput{}, true, ""
	}
	given, ok := readPairs(values, len(q.Options), len(q.Spec.Matches))
	if !ok {
		return AnswerInput{}, false, "An answer is not one of the matches."
	}
	return AnswerInput{QuestionID: q.ID, Choices: given}, false, ""
}

func (matchingKind) FormValues(_ Question, a Answer) []string { return pairValues(a.Choices) }

func (matchingKind) Answered(_ Question, a Answer) bool {
	return slices.ContainsFunc(a.Choices, func(m int) bool { return m > 0 })
}

func (matchingKind) Words(q Question, a Answer) string {
	var pairs []string
	for i, m := range a.Choices {
		if m > 0 && i < len(q.Options) && m <= len(q.Spec.Matches) {
			pairs = append(pairs, q.Options[i]+" → "+q.Spec.Matches[m-1])
		}
	}
	return strings.Join(pairs, "; ")
}

func (matchingKind) validate(in QuestionInput, fe FieldErrors) {
	checkItems(fe, "options", "prompt", in.Options, 2)
	checkItems(fe, "matches", "match", in.Spec.Matches, max(2, len(in.Options)))
	if len(in.Correct) > 0 {
		fe["correct"] = "must be empty: each option's match is the match in its place"
	}
}

func (matchingKind) checkAnswer(q Question, a AnswerInput) string {
	return checkPairs(a.Choices, len(q.Options), len(q.Spec.Matches), "match")
}

func (matchingKind) stored(a AnswerInput) AnswerInput { return a }

func (matchingKind) mark(q Question, a Answer) Mark {
	m := Mark{Parts: len(q.Options)}
	for i, given := range a.Choices {
		switch {
		case given == 0:
		case given == i+1:
			m.Right++
		default:
			m.Wrong++
		}
	}
	return m
}

// MatchOrder is the order a matching question's matches are offered in:
// alphabetical, so it gives nothing away and is the same on every page.
func (q Question) MatchOrder() []int {
	order := make([]int, len(q.Spec.Matches))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return strings.Compare(strings.ToLower(q.Spec.Matches[a]), strings.ToLower(q.Spec.Matches[b]))
	})
	return order
}

func (matchingKind) Key(q Question) string {
	right := make([]int, len(q.Options))
	for i := range right {
		right[i] = i + 1
	}
	return matchingKind{}.Words(q, Answer{Choices: right})
}

func (matchingKind) Lines(q Question, a Answer) []AnswerLine {
	lines := make([]AnswerLine, len(q.Options))
	for i, prompt := range q.Options {
		lines[i] = AnswerLine{Part: prompt}
		if i < len(q.Spec.Matches) {
			lines[i].Right = q.Spec.Matches[i]
		}
		if i < len(a.Choices) && a.Choices[i] > 0 && a.Choices[i] <= len(q.Spec.Matches) {
			lines[i].Given = q.Spec.Matches[a.Choices[i]-1]
			lines[i].OK = a.Choices[i] == i+1
		}
	}
	return lines
}

func (matchingKind) Preformatted() bool { return false }

func (matchingKind) SpecFields() []string { return []string{"matches"} }
func (matchingKind) ListsOptions() bool   { return true }

func (matchingKind) ChoiceLabels(Question) []string { return nil }
