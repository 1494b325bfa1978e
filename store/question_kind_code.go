package store

// codeKind is code written in a named language, graded by a reviewer (it
// is never run). The candidate writes it in a monospace box that keeps
// tabs and spacing as typed.
type codeKind struct{ textKind }

func (codeKind) Label() string { return "code" }

func (codeKind) validate(in QuestionInput, fe FieldErrors) {
	noOptions(in, fe)
	checkShortText(fe, "language", in.Spec.Language, MaxLanguageLength)
}

func (codeKind) checkAnswer(_ Question, a AnswerInput) string { return checkLongWritten(a.Text) }

func (codeKind) Preformatted() bool { return true }

func (codeKind) SpecFields() []string { return []string{"language"} }
