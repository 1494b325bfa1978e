package store

import "strconv"

// QuestionRules is everything one kind of question does, in one place: how
// a question of the kind is checked, how a candidate's answer is read,
// checked, scored and counted as given, and how it reads as words. Each
// kind is one file (question_kind_*.go) registered in questionKinds;
// nothing else asks which kind a question is. The views hold the kind's
// inputs beside them (views/question_kind_*.templ).
type QuestionRules interface {
	// Label is the kind as people say it ("one answer").
	Label() string
	// HasOptions says the question lists options to choose from.
	HasOptions() bool
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

	// validate checks what is particular to the kind in a question.
	validate(in QuestionInput, fe FieldErrors)
	// checkAnswer says what is wrong with an answer to q, or "".
	checkAnswer(q Question, a AnswerInput) string
	// right reports whether the chosen options answer q (kinds scored at
	// submission; never asked of a reviewed kind).
	right(q Question, choices []int) bool
}

// questionKinds registers every kind's rules.
var questionKinds = map[QuestionKind]QuestionRules{
	QuestionSingle:   choiceKind{many: false},
	QuestionMultiple: choiceKind{many: true},
	QuestionText:     textKind{},
}

// Rules are the kind's rules; an unknown kind has none (check Valid).
func (k QuestionKind) Rules() QuestionRules { return questionKinds[k] }

// Rules are the rules of the question's kind.
func (q Question) Rules() QuestionRules { return q.Kind.Rules() }

// answerField names a question's answer in a form and in field errors.
func answerField(q Question) string { return "q" + strconv.FormatInt(q.ID, 10) }
