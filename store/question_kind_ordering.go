package store

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// orderingKind is a list the candidate puts in order. Options are the
// items in the right order; the paper always shows them shuffled. An
// answer gives each item a place: Choices[i] is option i's place, 1 for
// first, 0 when not placed. Each item in its right place is a part right.
// Without JavaScript each item has a menu of places; two items may be
// given one place while the candidate works (both cannot be right).
type orderingKind struct{}

func (orderingKind) Label() string    { return "put in order" }
func (orderingKind) HasOptions() bool { return false }
func (orderingKind) Reviewed() bool   { return false }
func (orderingKind) PartName() string { return "item" }

func (orderingKind) shuffles(bool) bool { return true }

func (orderingKind) FromForm(q Question, values []string, sent bool) (AnswerInput, bool, string) {
	if !sent {
		return AnswerInput{}, true, ""
	}
	places, ok := readPairs(values, len(q.Options), len(q.Options))
	if !ok {
		return AnswerInput{}, false, "An answer is not one of the places."
	}
	return AnswerInput{QuestionID: q.ID, Choices: places}, false, ""
}

func (orderingKind) FormValues(_ Question, a Answer) []string { return pairValues(a.Choices) }

func (orderingKind) Answered(_ Question, a Answer) bool {
	return slices.ContainsFunc(a.Choices, func(p int) bool { return p > 0 })
}

func (orderingKind) Words(q Question, a Answer) string {
	type placed struct{ place, item int }
	var list []placed
	for i, p := range a.Choices {
		if p > 0 && i < len(q.Options) {
			list = append(list, placed{p, i})
		}
	}
	slices.SortStableFunc(list, func(x, y placed) int { return x.place - y.place })
	words := make([]string, len(list))
	for k, pl := range list {
		words[k] = fmt.Sprintf("%d. %s", pl.place, q.Options[pl.item])
	}
	return strings.Join(words, "; ")
}

func (orderingKind) validate(in QuestionInput, fe FieldErrors) {
	checkItems(fe, "options", "item", in.Options, 2)
	if len(in.Correct) > 0 {
		fe["correct"] = "must be empty: the options are listed in the right order"
	}
}

func (orderingKind) checkAnswer(q Question, a AnswerInput) string {
	return checkPairs(a.Choices, len(q.Options), len(q.Options), "place")
}

func (orderingKind) stored(a AnswerInput) AnswerInput { return a }

func (orderingKind) mark(q Question, a Answer) Mark {
	m := Mark{Parts: len(q.Options)}
	for i, p := range a.Choices {
		switch {
		case p == 0:
		case p == i+1:
			m.Right++
		default:
			m.Wrong++
		}
	}
	return m
}

// readPairs reads form values "i:v" (item i given value v, 1…max; an
// empty value gives none) into a list of n values, 0 where none was given.
func readPairs(values []string, n, max int) ([]int, bool) {
	out := make([]int, n)
	for _, v := range values {
		if v == "" {
			continue
		}
		item, val, found := strings.Cut(v, ":")
		i, err1 := strconv.Atoi(item)
		x, err2 := strconv.Atoi(val)
		if !found || err1 != nil || err2 != nil || i < 0 || i >= n || x < 1 || x > max {
			return nil, false
		}
		out[i] = x
	}
	return out, true
}

// pairValues are an answer's values as the form's "i:v" values.
func pairValues(list []int) []string {
	var values []string
	for i, v := range list {
		if v > 0 {
			values = append(values, strconv.Itoa(i)+":"+strconv.Itoa(v))
		}
	}
	return values
}

// checkPairs checks an answer of n values each 0…max.
func checkPairs(list []int, n, max int, what string) string {
	if len(list) != 0 && len(list) != n {
		return fmt.Sprintf("must give a %s for each of the %d items, 0 for none", what, n)
	}
	for _, v := range list {
		if v < 0 || v > max {
			return fmt.Sprintf("is not one of the %ss", what)
		}
	}
	return ""
}

func (orderingKind) Key(q Question) string {
	places := make([]int, len(q.Options))
	for i := range places {
		places[i] = i + 1
	}
	return orderingKind{}.Words(q, Answer{Choices: places})
}

func (orderingKind) Lines(q Question, a Answer) []AnswerLine {
	lines := make([]AnswerLine, len(q.Options))
	for i, item := range q.Options {
		lines[i] = AnswerLine{Part: item, Right: strconv.Itoa(i + 1)}
		if i < len(a.Choices) && a.Choices[i] > 0 {
			lines[i].Given = strconv.Itoa(a.Choices[i])
			lines[i].OK = a.Choices[i] == i+1
		}
	}
	return lines
}

func (orderingKind) Preformatted() bool { return false }

func (orderingKind) SpecFields() []string { return []string{} }
func (orderingKind) ListsOptions() bool   { return true }

func (orderingKind) ChoiceLabels(Question) []string { return nil }
