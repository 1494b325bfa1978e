package store

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// blanksKind is a text with blanks to fill in: each run of three or more
// underscores in the question's text is a blank, and Spec.Blanks lists
// each blank's accepted answers (compared with spaces trimmed and, unless
// Spec.CaseSensitive, letter case ignored). The answer is the blanks'
// texts as a JSON list in Answer.Text. Each blank filled right is a part
// right.
type blanksKind struct{}

// blankMark finds the blanks in a question's text.
var blankMark = regexp.MustCompile(`_{3,}`)

// BlankCount counts the blanks in a question's text.
func BlankCount(text string) int { return len(blankMark.FindAllStringIndex(text, -1)) }

func (blanksKind) Label() string    { return "fill in the blanks" }
func (blanksKind) HasOptions() bool { return false }
func (blanksKind) Reviewed() bool   { return false }
func (blanksKind) PartName() string { return "blank" }

func (blanksKind) shuffles(bool) bool { return false }

func (blanksKind) FromForm(q Question, values []string, sent bool) (AnswerInput, bool, string) {
	if !sent {
		return AnswerInput{}, true, ""
	}
	return AnswerInput{QuestionID: q.ID, Choices: []int{}, Text: blanksText(values)}, false, ""
}

// blanksText is the blanks' texts as an answer keeps them: "" when every
// blank is empty, so that an answer with nothing in it reads as none.
func blanksText(values []string) string {
	if strings.TrimSpace(strings.Join(values, "")) == "" {
		return ""
	}
	b, _ := json.Marshal(values)
	return string(b)
}

// BlankAnswers are the texts an answer gives the question's blanks, one
// for each ("" where none).
func (q Question) BlankAnswers(a Answer) []string {
	out := make([]string, len(q.Spec.Blanks))
	var given []string
	if json.Unmarshal([]byte(a.Text), &given) == nil {
		copy(out, given)
	}
	return out
}

func (blanksKind) FormValues(q Question, a Answer) []string { return q.BlankAnswers(a) }

func (blanksKind) Answered(q Question, a Answer) bool {
	for _, s := range q.BlankAnswers(a) {
		if strings.TrimSpace(s) != "" {
			return true
		}
	}
	return false
}

func (blanksKind) Words(q Question, a Answer) string {
	given := q.BlankAnswers(a)
	if !(blanksKind{}).Answered(q, a) {
		return ""
	}
	words := make([]string, len(given))
	for i, s := range given {
		if s = strings.TrimSpace(s); s == "" {
			s = "—"
		}
		words[i] = fmt.Sprintf("(%d) %s", i+1, s)
	}
	return strings.Join(words, "; ")
}

func (blanksKind) validate(in QuestionInput, fe FieldErrors) {
	noOptions(in, fe)
	n := BlankCount(in.Text)
	switch {
	case n == 0:
		fe["text"] = "must mark each blank with three or more underscores (___)"
	case n > MaxOptions:
		fe["text"] = fmt.Sprintf("must have at most %d blanks", MaxOptions)
	case len(in.Spec.Blanks) != n:
		fe["blanks"] = fmt.Sprintf("must list accepted answers for each of the text's %d blanks (it lists %d)", n, len(in.Spec.Blanks))
	}
	for i, accepted := range in.Spec.Blanks {
		if len(accepted) == 0 || len(accepted) > MaxOptions {
			fe["blanks"] = fmt.Sprintf("blank %d must accept between 1 and %d answers", i+1, MaxOptions)
		}
		for _, s := range accepted {
			if strings.TrimSpace(s) == "" || utf8.RuneCountInString(s) > MaxOptionLength {
				fe["blanks"] = fmt.Sprintf("blank %d has an empty or too long answer", i+1)
			}
		}
	}
}

func (blanksKind) checkAnswer(q Question, a AnswerInput) string {
	if a.Text == "" {
		return ""
	}
	var given []string
	if err := json.Unmarshal([]byte(a.Text), &given); err != nil {
		return "must be the blanks' texts as a list"
	}
	if len(given) > len(q.Spec.Blanks) {
		return fmt.Sprintf("has %d blanks, not %d", len(q.Spec.Blanks), len(given))
	}
	for _, s := range given {
		if utf8.RuneCountInString(s) > MaxOptionLength || strings.ContainsRune(s, 0) {
			return fmt.Sprintf("must fill each blank with at most %d characters", MaxOptionLength)
		}
	}
	return ""
}

func (blanksKind) stored(a AnswerInput) AnswerInput { return a }

func (blanksKind) mark(q Question, a Answer) Mark {
	m := Mark{Parts: len(q.Spec.Blanks)}
	for i, s := range q.BlankAnswers(a) {
		if strings.TrimSpace(s) == "" {
			continue
		}
		if q.blankAccepts(i, s) {
			m.Right++
		} else {
			m.Wrong++
		}
	}
	return m
}

// blankAccepts reports whether s is one of blank i's accepted answers:
// spaces at the ends and runs of spaces inside do not count, nor letter
// case unless the question says so.
func (q Question) blankAccepts(i int, s string) bool {
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	s = norm(s)
	for _, want := range q.Spec.Blanks[i] {
		if want = norm(want); s == want || (!q.Spec.CaseSensitive && strings.EqualFold(s, want)) {
			return true
		}
	}
	return false
}

func (blanksKind) Key(q Question) string {
	words := make([]string, len(q.Spec.Blanks))
	for i, accepted := range q.Spec.Blanks {
		words[i] = fmt.Sprintf("(%d) %s", i+1, strings.Join(accepted, " or "))
	}
	return strings.Join(words, "; ")
}

func (blanksKind) Lines(q Question, a Answer) []AnswerLine {
	lines := make([]AnswerLine, len(q.Spec.Blanks))
	for i, given := range q.BlankAnswers(a) {
		lines[i] = AnswerLine{Part: fmt.Sprintf("Blank %d", i+1), Given: strings.TrimSpace(given), Right: strings.Join(q.Spec.Blanks[i], " or ")}
		lines[i].OK = lines[i].Given != "" && q.blankAccepts(i, given)
	}
	return lines
}

func (blanksKind) Preformatted() bool { return false }

func (blanksKind) SpecFields() []string { return []string{"blanks", "caseSensitive"} }
func (blanksKind) ListsOptions() bool   { return false }

func (blanksKind) ChoiceLabels(Question) []string { return nil }
