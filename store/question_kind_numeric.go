package store

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// numericKind is a number, right when within the question's tolerance of
// its answer. The candidate's text is kept as typed; it is read with a
// decimal point or a decimal comma, spaces and the unit ignored.
type numericKind struct{}

// maxNumberLength bounds a typed number.
const maxNumberLength = 100

func (numericKind) Label() string    { return "number" }
func (numericKind) HasOptions() bool { return false }
func (numericKind) Reviewed() bool   { return false }
func (numericKind) PartName() string { return "answer" }

func (numericKind) shuffles(bool) bool { return false }

func (numericKind) FromForm(q Question, values []string, sent bool) (AnswerInput, bool, string) {
	return textKind{}.FromForm(q, values, sent)
}

func (numericKind) FormValues(_ Question, a Answer) []string { return []string{a.Text} }

func (numericKind) Answered(_ Question, a Answer) bool { return strings.TrimSpace(a.Text) != "" }

func (numericKind) Words(q Question, a Answer) string {
	text := strings.TrimSpace(a.Text)
	if text == "" || q.Spec.Unit == "" || strings.HasSuffix(strings.ToLower(text), strings.ToLower(q.Spec.Unit)) {
		return text
	}
	return text + " " + q.Spec.Unit
}

func (numericKind) validate(in QuestionInput, fe FieldErrors) {
	noOptions(in, fe)
	s := in.Spec
	switch {
	case s.Answer == nil:
		fe["answer"] = "is required for a numeric question"
	case math.IsNaN(*s.Answer) || math.IsInf(*s.Answer, 0):
		fe["answer"] = "must be a number"
	}
	if s.Tolerance < 0 || math.IsNaN(s.Tolerance) || math.IsInf(s.Tolerance, 0) {
		fe["tolerance"] = "must be 0 or more"
	}
	checkShortText(fe, "unit", s.Unit, MaxUnitLength)
}

func (numericKind) checkAnswer(_ Question, a AnswerInput) string {
	if utf8.RuneCountInString(a.Text) > maxNumberLength {
		return "is too long for a number"
	}
	if strings.ContainsRune(a.Text, 0) {
		return "must not contain NUL characters"
	}
	return ""
}

func (numericKind) stored(a AnswerInput) AnswerInput { return a }

func (numericKind) mark(q Question, a Answer) Mark {
	m := Mark{Parts: 1}
	if strings.TrimSpace(a.Text) == "" || q.Spec.Answer == nil {
		return m
	}
	if n, ok := ParseNumber(a.Text, q.Spec.Unit); ok && withinTolerance(n, *q.Spec.Answer, q.Spec.Tolerance) {
		m.Right = 1
	} else {
		m.Wrong = 1
	}
	return m
}

// ParseNumber reads a number as a candidate may type it: "3.5", "3,5",
// "1 234.5", "1,234.5", "−2", "3.5 kg" when the unit is kg.
func ParseNumber(text, unit string) (float64, bool) {
	s := strings.TrimSpace(text)
	if unit != "" && len(s) >= len(unit) && strings.EqualFold(s[len(s)-len(unit):], unit) {
		s = s[:len(s)-len(unit)]
	}
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r) || r == '\u202f' || r == '\'':
			return -1 // spaces and apostrophes group thousands
		case r == '−' || r == '–':
			return '-'
		}
		return r
	}, s)
	if strings.Contains(s, ".") {
		s = strings.ReplaceAll(s, ",", "") // commas group thousands
	} else if strings.Count(s, ",") == 1 {
		s = strings.Replace(s, ",", ".", 1) // a decimal comma
	}
	if s == "" || strings.ContainsAny(s, "xXpP_") {
		return 0, false // no hex, no Go digit separators
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
		return 0, false
	}
	return n, true
}

func (numericKind) Key(q Question) string {
	if q.Spec.Answer == nil {
		return ""
	}
	key := strconv.FormatFloat(*q.Spec.Answer, 'f', -1, 64)
	if q.Spec.Tolerance > 0 {
		key += " ± " + strconv.FormatFloat(q.Spec.Tolerance, 'f', -1, 64)
	}
	if q.Spec.Unit != "" {
		key += " " + q.Spec.Unit
	}
	return key
}
func (numericKind) Lines(Question, Answer) []AnswerLine { return nil }
func (numericKind) Preformatted() bool                  { return false }

func (numericKind) SpecFields() []string { return []string{"answer", "tolerance", "unit"} }
func (numericKind) ListsOptions() bool   { return false }

func (numericKind) ChoiceLabels(Question) []string { return nil }
