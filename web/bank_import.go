package web

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"testgate/store"
)

// bankCSVColumns are the bank import's columns, in the header's words.
var bankCSVColumns = []string{"question", "kind", "options", "correct", "points", "topic", "difficulty"}

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
		for field, msg := range q.Validate(store.KindAssessment).With(fe) {
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
