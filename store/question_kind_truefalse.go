package store

// trueFalseKind is a statement the candidate says is true or false. It
// has no options of its own: the choice 0 is "true" and 1 is "false", in
// whatever language the page is in; Correct holds the right one.
type trueFalseKind struct{}

// TrueFalseChoices are the choices' indexes: true, then false.
var TrueFalseChoices = []int{0, 1}

func (trueFalseKind) Label() string    { return "true or false" }
func (trueFalseKind) HasOptions() bool { return false }
func (trueFalseKind) Reviewed() bool   { return false }
func (trueFalseKind) PartName() string { return "answer" }

func (trueFalseKind) shuffles(bool) bool { return false }

func (trueFalseKind) FromForm(q Question, values []string, sent bool) (AnswerInput, bool, string) {
	return choiceKind{}.FromForm(q, values, sent)
}

func (trueFalseKind) FormValues(_ Question, a Answer) []string { return intValues(a.Choices) }

func (trueFalseKind) Answered(_ Question, a Answer) bool { return len(a.Choices) > 0 }

func (trueFalseKind) Words(_ Question, a Answer) string {
	if len(a.Choices) == 1 && (a.Choices[0] == 0 || a.Choices[0] == 1) {
		return [...]string{"True", "False"}[a.Choices[0]]
	}
	return ""
}

func (trueFalseKind) validate(in QuestionInput, fe FieldErrors) {
	if len(in.Options) > 0 {
		fe["options"] = "must be empty for a true-or-false question (its choices are true and false)"
	}
	if len(in.Correct) != 1 || (in.Correct[0] != 0 && in.Correct[0] != 1) {
		fe["correct"] = "must be [0] when the statement is true, [1] when it is false"
	}
}

func (trueFalseKind) checkAnswer(_ Question, a AnswerInput) string {
	if len(a.Choices) > 1 || (len(a.Choices) == 1 && a.Choices[0] != 0 && a.Choices[0] != 1) {
		return "must be true (0) or false (1)"
	}
	return ""
}

func (trueFalseKind) stored(a AnswerInput) AnswerInput { return a }

func (trueFalseKind) mark(q Question, a Answer) Mark {
	return choiceKind{}.mark(q, a)
}

func (trueFalseKind) Key(q Question) string {
	return trueFalseKind{}.Words(q, Answer{Choices: q.Correct})
}
func (trueFalseKind) Lines(Question, Answer) []AnswerLine { return nil }
func (trueFalseKind) Preformatted() bool                  { return false }

func (trueFalseKind) SpecFields() []string { return []string{} }
func (trueFalseKind) ListsOptions() bool   { return false }

func (trueFalseKind) ChoiceLabels(Question) []string { return []string{"True", "False"} }
