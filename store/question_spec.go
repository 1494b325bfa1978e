package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// QuestionSpec is what a kind of question needs beyond its text and
// options, and how it is marked; it is stored whole as JSON (questions.spec)
// and each kind reads only its own fields.
type QuestionSpec struct {
	// numeric: the answer, give or take Tolerance, in Unit (shown beside
	// the input; a candidate who types it too is not marked wrong for it).
	Answer    *float64 `json:"answer,omitempty"`
	Tolerance float64  `json:"tolerance,omitempty"`
	Unit      string   `json:"unit,omitempty"`
	// matching: Matches[i] is the answer to Options[i]; any more are
	// distractors.
	Matches []string `json:"matches,omitempty"`
	// blanks: each blank's accepted answers, in the order the blanks
	// (runs of three or more underscores) come in the text.
	Blanks        [][]string `json:"blanks,omitempty"`
	CaseSensitive bool       `json:"caseSensitive,omitempty"`
	// essay: word limits (0: none).
	MinWords int `json:"minWords,omitempty"`
	MaxWords int `json:"maxWords,omitempty"`
	// code: the language the answer is written in, as people name it.
	Language string `json:"language,omitempty"`

	// Marking of a kind scored at submission (see question_marking.go).
	Partial bool `json:"partial,omitempty"` // part marks per option, pair, item or blank
	Penalty int  `json:"penalty,omitempty"` // points taken for a wrong answer (or each wrong part)
	Floor   int  `json:"floor,omitempty"`   // the lowest mark, 0 or below
}

// Limits on a question's settings.
const (
	MaxUnitLength     = 20
	MaxLanguageLength = 40
	MaxWordLimit      = 10000
)

func (s QuestionSpec) json() string {
	b, _ := json.Marshal(s)
	return string(b)
}

func parseSpec(q int64, text string, into *QuestionSpec) error {
	if text == "" || text == "{}" { // most questions: no JSON to read on a candidate's page
		return nil
	}
	if err := json.Unmarshal([]byte(text), into); err != nil {
		return fmt.Errorf("store: question %d spec: %w", q, err)
	}
	return nil
}

// normalized trims the texts a recruiter typed.
func (s QuestionSpec) normalized() QuestionSpec {
	s.Unit = strings.TrimSpace(s.Unit)
	s.Language = strings.TrimSpace(s.Language)
	s.Matches = trimAll(s.Matches)
	if s.Blanks != nil {
		blanks := make([][]string, len(s.Blanks))
		for i, accepted := range s.Blanks {
			blanks[i] = trimAll(accepted)
		}
		s.Blanks = blanks
	}
	return s
}

func trimAll(in []string) []string {
	if in == nil {
		return nil
	}
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.TrimSpace(s)
	}
	return out
}

// validateMarking checks the marking rules against the question's points:
// a reviewed kind has none; a penalty takes at most the question's points
// and the floor is between minus the points and 0.
func validateMarking(in QuestionInput, fe FieldErrors) {
	s, points := in.Spec, in.Points
	if points == 0 {
		points = DefaultPoints
	}
	if in.Kind.Rules().Reviewed() {
		if s.Partial || s.Penalty != 0 || s.Floor != 0 {
			fe["marking"] = "applies only to questions scored at submission; a reviewer grades this one"
		}
		return
	}
	switch {
	case s.Penalty < 0 || s.Penalty > points:
		fe["penalty"] = fmt.Sprintf("must be between 0 and the question's points (%d)", points)
	case s.Floor > 0 || s.Floor < -points:
		fe["floor"] = fmt.Sprintf("must be between -%d and 0", points)
	}
}

// specFields are the settings particular to a kind, by the names the API
// and the forms use: whether a spec gives each, and how to keep it.
var specFields = []struct {
	name  string
	given func(s QuestionSpec) bool
	keep  func(to *QuestionSpec, from QuestionSpec)
}{
	{"answer", func(s QuestionSpec) bool { return s.Answer != nil }, func(t *QuestionSpec, f QuestionSpec) { t.Answer = f.Answer }},
	{"tolerance", func(s QuestionSpec) bool { return s.Tolerance != 0 }, func(t *QuestionSpec, f QuestionSpec) { t.Tolerance = f.Tolerance }},
	{"unit", func(s QuestionSpec) bool { return s.Unit != "" }, func(t *QuestionSpec, f QuestionSpec) { t.Unit = f.Unit }},
	{"matches", func(s QuestionSpec) bool { return len(s.Matches) > 0 }, func(t *QuestionSpec, f QuestionSpec) { t.Matches = f.Matches }},
	{"blanks", func(s QuestionSpec) bool { return len(s.Blanks) > 0 }, func(t *QuestionSpec, f QuestionSpec) { t.Blanks = f.Blanks }},
	{"caseSensitive", func(s QuestionSpec) bool { return s.CaseSensitive }, func(t *QuestionSpec, f QuestionSpec) { t.CaseSensitive = f.CaseSensitive }},
	{"minWords", func(s QuestionSpec) bool { return s.MinWords != 0 }, func(t *QuestionSpec, f QuestionSpec) { t.MinWords = f.MinWords }},
	{"maxWords", func(s QuestionSpec) bool { return s.MaxWords != 0 }, func(t *QuestionSpec, f QuestionSpec) { t.MaxWords = f.MaxWords }},
	{"language", func(s QuestionSpec) bool { return s.Language != "" }, func(t *QuestionSpec, f QuestionSpec) { t.Language = f.Language }},
}

// Only is the spec with the settings of other kinds than k left out, for
// a form that kept what was typed before the kind was switched.
func (s QuestionSpec) Only(k QuestionKind) QuestionSpec {
	rules := k.Rules()
	if rules == nil {
		return s
	}
	out := QuestionSpec{Partial: s.Partial, Penalty: s.Penalty, Floor: s.Floor}
	for _, f := range specFields {
		if slices.Contains(rules.SpecFields(), f.name) {
			f.keep(&out, s)
		}
	}
	if rules.Reviewed() {
		out.Partial, out.Penalty, out.Floor = false, 0, 0
	}
	return out
}

// ParseBlanks reads each blank's accepted answers as a form or a file
// gives them: blanks one a line (or separated by ";"), a blank's answers
// separated by "|".
func ParseBlanks(text string) [][]string {
	var out [][]string
	for _, line := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == ';' }) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var accepted []string
		for _, a := range strings.Split(line, "|") {
			if a = strings.TrimSpace(a); a != "" {
				accepted = append(accepted, a)
			}
		}
		out = append(out, accepted)
	}
	return out
}

// BlanksText is the blanks' accepted answers as ParseBlanks reads them.
func BlanksText(blanks [][]string) string {
	lines := make([]string, len(blanks))
	for i, accepted := range blanks {
		lines[i] = strings.Join(accepted, " | ")
	}
	return strings.Join(lines, "\n")
}

// onlyFields reports settings of other kinds given to a question, so a
// client that sent the wrong kind hears about it rather than losing them.
func onlyFields(in QuestionInput, fe FieldErrors, allowed ...string) {
	for _, f := range specFields {
		if f.given(in.Spec) && !slices.Contains(allowed, f.name) {
			fe[f.name] = "does not apply to this kind of question"
		}
	}
}

// noOptions is the check of a kind that lists no options.
func noOptions(in QuestionInput, fe FieldErrors) {
	if len(in.Options) > 0 {
		fe["options"] = "must be empty for this kind of question"
	}
	if len(in.Correct) > 0 {
		fe["correct"] = "must be empty for this kind of question"
	}
}

// checkShortText checks one short text a recruiter typed for a setting.
func checkShortText(fe FieldErrors, field, s string, max int) {
	if utf8.RuneCountInString(s) > max {
		fe[field] = fmt.Sprintf("must be at most %d characters", max)
	}
}

// checkItems checks a list of texts (options, items, prompts, matches):
// how many, none empty or too long, none repeated.
func checkItems(fe FieldErrors, field, what string, items []string, min int) {
	switch {
	case len(items) < min:
		fe[field] = fmt.Sprintf("must list at least %d %s", min, plural(min, what))
		return
	case len(items) > MaxOptions:
		fe[field] = fmt.Sprintf("must list at most %d %s", MaxOptions, plural(MaxOptions, what))
		return
	}
	seen := map[string]bool{}
	for i, o := range items {
		o = strings.TrimSpace(o)
		switch {
		case o == "":
			fe[field] = fmt.Sprintf("%s %d is empty", what, i+1)
		case utf8.RuneCountInString(o) > MaxOptionLength:
			fe[field] = fmt.Sprintf("%s %d must be at most %d characters", what, i+1, MaxOptionLength)
		case seen[strings.ToLower(o)]:
			fe[field] = fmt.Sprintf("%s %d repeats an earlier %s", what, i+1, what)
		}
		seen[strings.ToLower(o)] = true
	}
}
