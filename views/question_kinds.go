package views

import (
	"github.com/a-h/templ"

	"testgate/store"
)

// answerInputs are each kind's inputs on the candidate's page, beside the
// kind's rules in the store (store.QuestionRules): a new kind adds its
// component file and its line here.
var answerInputs = map[store.QuestionKind]func(p CandidatePage, v AttemptView, q store.Question) templ.Component{
	store.QuestionSingle: func(p CandidatePage, v AttemptView, q store.Question) templ.Component {
		return choiceAnswer(p, v, q, false)
	},
	store.QuestionMultiple: func(p CandidatePage, v AttemptView, q store.Question) templ.Component {
		return choiceAnswer(p, v, q, true)
	},
	store.QuestionText:      textAnswer,
	store.QuestionTrueFalse: trueFalseAnswer,
	store.QuestionNumeric:   numericAnswer,
	store.QuestionOrdering:  orderingAnswer,
	store.QuestionMatching:  matchingAnswer,
	store.QuestionBlanks:    blanksAnswer,
	store.QuestionEssay:     essayAnswer,
	store.QuestionCode:      codeAnswer,
}

// gave reports whether the answer gives item i the value x (a place, or
// a match counted from 1).
func (v AttemptView) gave(q store.Question, i, x int) bool {
	a := v.Answers[q.ID]
	return i < len(a.Choices) && a.Choices[i] == x
}

// answerInput is the question's inputs on the candidate's page.
func answerInput(p CandidatePage, v AttemptView, q store.Question) templ.Component {
	if in, ok := answerInputs[q.Kind]; ok {
		return in(p, v, q)
	}
	return templ.NopComponent
}
