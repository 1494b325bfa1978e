package web

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"testgate/store"
)

// bankCSVColumns are the bank import's columns, in the header's words.
var bankCSVColumns = []string{"question", "kind", "options", "correct", "points", "topic", "difficulty",
	"answer", "tolerance", "unit", "matches", "blanks", "case sensitive", "min words", "max words", "language", "partial", "penalty", "floor"}

// maxBankImportRows bounds one import.
const maxBankImportRows = 5000

// parseBankCSV reads bank questions from CSV: a header naming the columns
// (any order; question and kind required), then one question a line.
// Every line is checked; problems name their line, and any problem means
// nothing is imported.
func parseBankCSV(r io.Reader) ([]store.QuestionInput, []string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, []string{"the file is empty"}, nil
	}
	if err != nil {
		return nil, []string{"line 1: " + csvProblem(err)}, nil
	}
	col := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		for _, known := range bankCSVColumns {
			if name == known {
				col[name] = i
			}
		}
	}
	for _, need := range []string{"question", "kind"} {
		if _, ok := col[need]; !ok {
			return nil, []string{fmt.Sprintf("line 1: the header has no %q column (columns: %s)", need, strings.Join(bankCSVColumns, ", "))}, nil
		}
	}
	var out []store.QuestionInput
	var problems []string
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("line %d: %s", line, csvProblem(err)))
			break
		}
		if len(out)+len(problems) >= maxBankImportRows {
			problems = append(problems, fmt.Sprintf("line %d: an import holds at most %d questions", line, maxBankImportRows))
			break
		}
		cell := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if strings.Join(rec, "") == "" {
			continue // a blank line
		}
		q := store.QuestionInput{Text: cell("question"), Kind: store.QuestionKind(strings.ToLower(cell("kind"))),
			Topic: cell("topic"), Difficulty: store.Difficulty(strings.ToLower(cell("difficulty")))}
		fe := store.FieldErrors{}
		if opts := cell("options"); opts != "" {
			q.Options = strings.Split(opts, "|")
		}
		for _, n := range strings.Split(cell("correct"), "|") {
			if n = strings.TrimSpace(n); n == "" {
				continue
			}
			i, err := strconv.Atoi(n)
			if err != nil || i < 1 {
				fe["correct"] = fmt.Sprintf("%q is not an option's number (1, 2, …)", n)
				continue
			}
			q.Correct = append(q.Correct, i-1)
		}
		if p := cell("points"); p != "" {
			if q.Points, err = strconv.Atoi(p); err != nil {
				fe["points"] = "must be a whole number"
			}
		}
		q.Spec = bankCSVSettings(cell, fe)
		lineProblems := q.Validate(store.KindAssessment).With(fe)
		for _, field := range slices.Sorted(maps.Keys(lineProblems)) { // a line's problems in one order every time
			msg := lineProblems[field]
			if field == "correct" {
				msg = oneBasedOption(msg)
			}
			problems = append(problems, fmt.Sprintf("line %d: %s %s", line, field, msg))
		}
		out = append(out, q)
	}
	if len(out) == 0 && len(problems) == 0 {
		problems = append(problems, "there are no questions under the header")
	}
	return out, problems, nil
}

// bankCSVSettings reads the columns of the kinds' settings and the
// marking (matches split by |; blanks split by ;, a blank's answers by |).
func bankCSVSettings(cell func(string) string, fe store.FieldErrors) store.QuestionSpec {
	var s store.QuestionSpec
	number := func(col, field string) (float64, bool) {
		if cell(col) == "" {
			return 0, false
		}
		n, ok := store.ParseNumber(cell(col), "")
		if !ok {
			fe[field] = "must be a number"
		}
		return n, ok
	}
	whole := func(col, field string) int {
		if cell(col) == "" {
			return 0
		}
		n, err := strconv.Atoi(cell(col))
		if err != nil {
			fe[field] = "must be a whole number"
		}
		return n
	}
	yes := func(col, field string) bool {
		switch strings.ToLower(cell(col)) {
		case "", "no", "false", "0":
			return false
		case "yes", "true", "1":
			return true
		}
		fe[field] = "must be yes or no"
		return false
	}
	if n, ok := number("answer", "answer"); ok {
		s.Answer = &n
	}
	s.Tolerance, _ = number("tolerance", "tolerance")
	s.Unit, s.Language = cell("unit"), cell("language")
	if m := cell("matches"); m != "" {
		s.Matches = strings.Split(m, "|")
	}
	s.Blanks = store.ParseBlanks(cell("blanks"))
	s.CaseSensitive = yes("case sensitive", "caseSensitive")
	s.MinWords, s.MaxWords = whole("min words", "minWords"), whole("max words", "maxWords")
	s.Partial = yes("partial", "partial")
	s.Penalty, s.Floor = whole("penalty", "penalty"), whole("floor", "floor")
	return s
}

// zeroBasedIndex finds the option index the store's messages name,
// counted from 0 as the API counts.
var zeroBasedIndex = regexp.MustCompile(`^index (\d+)`)

// oneBasedOption words a store's message about an option as the file
// counts options, from 1: "index 0 is listed twice" is "option 1 is
// listed twice".
func oneBasedOption(msg string) string {
	return zeroBasedIndex.ReplaceAllStringFunc(msg, func(m string) string {
		n, _ := strconv.Atoi(strings.TrimPrefix(m, "index "))
		return "option " + strconv.Itoa(n+1)
	})
}

func csvProblem(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return "the file could not be read as CSV"
}
