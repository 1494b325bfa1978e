package store

import (
	"strconv"
	"strings"
)

// QuestionRules is everything one kind of question does, in one place: how
// a question of the kind is checked, how a candidate's answer is read,
// checked, scored and counted as given, and how it reads as words. Each
// kind is one file (question_kind_*.go) registered in questionKinds;
// nothing else asks which kind a question is. The views hold the kind's
// inputs beside them (views/question_kind_*.templ).
type QuestionRules interface {
	// Label is the kind as people say it ("one answer").
	Label() string
	// HasOptions says the candidate chooses among the question's options
	// (which have right ones to tick, and a share chosen each).
	HasOptions() bool
	// ListsOptions says the question's options are part of it (choices,
	// items to order, prompts to match).
	ListsOptions() bool
	// SpecFields names the settings of QuestionSpec the kind reads (by the
	// names of the API), beside the marking.
	SpecFields() []string
	// Reviewed says a person scores its answers; until then they score
	// nothing but count in the maximum.
	Reviewed() bool
	// FromForm reads the answer from the form's values for the question;
	// sent=false means the form had no field for it (keep what was saved).
	FromForm(q Question, values []string, sent bool) (a AnswerInput, keep bool, problem string)
	// FormValues is an answer as the form's values FromForm reads back (a
	// preview carries the answers of the sections behind this way).
	FormValues(q Question, a Answer) []string
	// Answered reports whether a saved answer gives one.
	Answered(q Question, a Answer) bool
	// Words is an answer as text: the chosen options' texts, or what was
	// written ("" for none).
	Words(q Question, a Answer) string
	// ChoiceLabels name the choices a candidate picks from, by the index an
	// answer keeps (nil when the answer is not a pick), for the share of
	// attempts that picked each.
	ChoiceLabels(q Question) []string
	// Key is the right answer as text ("" for a reviewed kind).
	Key(q Question) string
	// Lines are an answer part by part beside what is right, for a report
	// to set out as a table (nil: the kind's answer is one thing).
	Lines(q Question, a Answer) []AnswerLine
	// Preformatted says the answer keeps its spacing as typed (code).
	Preformatted() bool

	// validate checks what is particular to the kind in a question.
	validate(in QuestionInput, fe FieldErrors)
	// checkAnswer says what is wrong with an answer to q, or "".
	checkAnswer(q Question, a AnswerInput) string
	// stored is an answer as it is kept (a choice's options in order).
	stored(a AnswerInput) AnswerInput
	// shuffles says whether a paper shows the options in an order of its
	// own, given whether the section asks for it.
	shuffles(section bool) bool
	// mark compares an answer with the question's key part by part (kinds
	// scored at submission; never asked of a reviewed kind).
	mark(q Question, a Answer) Mark
	// PartName names one part of an answer: "option", "pair".
	PartName() string
}

// AnswerLine is one part of an answer (an item, a pair, a blank) beside
// what is right.
type AnswerLine struct {
	Part  string // the item, the prompt, "Blank 2"
	Given string // what the candidate gave ("" for nothing)
	Right string // what is right
	OK    bool   // given right
}

// questionKinds registers every kind's rules.
var questionKinds = map[QuestionKind]QuestionRules{
	QuestionSingle:    choiceKind{many: false},
	QuestionMultiple:  choiceKind{many: true},
	QuestionText:      textKind{},
	QuestionTrueFalse: trueFalseKind{},
	QuestionNumeric:   numericKind{},
	QuestionOrdering:  orderingKind{},
	QuestionMatching:  matchingKind{},
	QuestionBlanks:    blanksKind{},
	QuestionEssay:     essayKind{},
	QuestionCode:      codeKind{},
}

// QuestionKinds lists the kinds in the order forms offer them.
var QuestionKinds = []QuestionKind{QuestionSingle, QuestionMultiple, QuestionTrueFalse, QuestionNumeric, QuestionOrdering,
	QuestionMatching, QuestionBlanks, QuestionText, QuestionEssay, QuestionCode}

// reviewedKinds are the kinds a reviewer grades, for SQL that counts what
// awaits review.
func reviewedKinds() []any {
	var out []any
	for _, k := range QuestionKinds {
		if k.Rules().Reviewed() {
			out = append(out, string(k))
		}
	}
	return out
}

// Rules are the kind's rules; an unknown kind has none (check Valid).
func (k QuestionKind) Rules() QuestionRules { return questionKinds[k] }

// Rules are the rules of the question's kind.
func (q Question) Rules() QuestionRules { return q.Kind.Rules() }

// answerField names a question's answer in a form and in field errors.
func answerField(q Question) string { return "q" + strconv.FormatInt(q.ID, 10) }

// kindNames lists the kinds as an error names them: "single, …, or code".
func kindNames() string {
	names := make([]string, len(QuestionKinds))
	for i, k := range QuestionKinds {
		names[i] = string(k)
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
