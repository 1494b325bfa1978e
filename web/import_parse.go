package web

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"testgate/store"
)

// Reading the candidates of a bulk import: a CSV file whose header names
// an email column (name columns and any others optional, the others kept
// as externalData), or pasted lines of "email", "Name <email>" or
// "name,email".

// maxImportValueLength bounds one extra column's value.
const maxImportValueLength = 1000

// parsedRow is one data row of an import, before it is checked against the
// rest of the file and the link.
type parsedRow struct {
	Line    int // 1-based line in the text where the row starts
	Name    string
	Email   string
	Data    json.RawMessage // the other columns, an object; nil when none
	Problem string          // why the row cannot be imported; "" when it can
	Record  []string        // the fields as read, under the list's header
}

// problemColumn is the column the download of rows left out adds; an
// upload of that file, fixed, ignores it.
const problemColumn = "import problem"

// pastedHeader is the header of a pasted list's rows left out.
var pastedHeader = []string{"name", "email"}

// errNoEmailColumn is a CSV whose first row names no email column.
type errNoEmailColumn struct{ header []string }

func (e errNoEmailColumn) Error() string {
	return fmt.Sprintf("The first row must be a header with an email column; it has: %s.", strings.Join(e.header, ", "))
}

// fileProblem is what is wrong with an uploaded file, in a sentence the
// recruiter reads on the import page.
type fileProblem string

func (p fileProblem) Error() string { return string(p) }

// errTooManyRows stops reading a file longer than an import takes.
var errTooManyRows = fileProblem(fmt.Sprintf("The file has more than %d rows; split it into several imports.", store.MaxImportRows))

// parseCandidates reads an uploaded file or pasted text, with the header
// its rows' records are under. A file is CSV with a header; pasted text is
// CSV when its first line is such a header, one candidate per line otherwise.
func parseCandidates(r io.Reader, isFile bool) ([]parsedRow, []string, error) {
	br := bufio.NewReader(r)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	first, _ := br.Peek(4096)
	firstLine, _, _ := bytes.Cut(first, []byte("\n"))
	comma := sniffDelimiter(string(firstLine))
	if !isFile && !headerHasEmail(string(firstLine), comma) {
		rows, err := parseLines(br)
		return rows, pastedHeader, err
	}
	return parseCSV(br, comma)
}

// sniffDelimiter picks the separator the header line uses most: comma,
// semicolon (spreadsheets in many locales) or tab.
func sniffDelimiter(line string) rune {
	best, count := ',', strings.Count(line, ",")
	for _, d := range []rune{';', '\t'} {
		if n := strings.Count(line, string(d)); n > count {
			best, count = d, n
		}
	}
	return best
}

func headerHasEmail(line string, comma rune) bool {
	for _, f := range strings.Split(line, string(comma)) {
		if headerRole(f) == "email" {
			return true
		}
	}
	return false
}

// headerRole says what a header cell means: email, name, first, last,
// ignore, or "" for a column kept as data.
func headerRole(h string) string {
	h = strings.ToLower(strings.Trim(strings.TrimSpace(h), `"`))
	h = strings.NewReplacer("_", " ", "-", " ").Replace(h)
	switch h {
	case "email", "e mail", "email address", "mail", "candidate email":
		return "email"
	case "name", "full name", "fullname", "candidate", "candidate name":
		return "name"
	case "first name", "firstname", "given name":
		return "first"
	case "last name", "lastname", "surname", "family name":
		return "last"
	case problemColumn:
		return "ignore"
	}
	return ""
}

func parseCSV(r io.Reader, comma rune) ([]parsedRow, []string, error) {
	cr := csv.NewReader(r)
	cr.Comma, cr.FieldsPerRecord, cr.TrimLeadingSpace = comma, -1, true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fileProblem(fmt.Sprintf("The header row is not valid CSV: %v.", csvReason(err)))
	}
	roles := make([]string, len(header))
	emailCol := -1
	for i, h := range header {
		header[i] = strings.TrimSpace(h)
		roles[i] = headerRole(h)
		if roles[i] == "email" && emailCol < 0 {
			emailCol = i
		} else if roles[i] == "email" {
			roles[i] = "" // a second email column is kept as data
		}
	}
	if emailCol < 0 {
		return nil, nil, errNoEmailColumn{header}
	}
	kept := keptColumns(roles)
	var rows []parsedRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, pick(header, kept), nil
		}
		if len(rows) >= store.MaxImportRows {
			return nil, nil, errTooManyRows
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			rows = append(rows, parsedRow{Line: pe.StartLine, Problem: "is not valid CSV: " + csvReason(err)})
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		if blank(rec) {
			continue
		}
		line, _ := cr.FieldPos(0)
		row := csvRow(line, header, roles, rec)
		row.Record = pick(rec, kept)
		rows = append(rows, row)
	}
}

// keptColumns are the indexes of the columns a re-upload needs: all but
// the problem column of an earlier download.
func keptColumns(roles []string) []int {
	kept := make([]int, 0, len(roles))
	for i, role := range roles {
		if role != "ignore" {
			kept = append(kept, i)
		}
	}
	return kept
}

// pick is the fields at the indexes; a short record gives empty fields.
func pick(fields []string, indexes []int) []string {
	out := make([]string, len(indexes))
	for i, at := range indexes {
		if at < len(fields) {
			out[i] = fields[at]
		}
	}
	return out
}

func csvReason(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// csvRow maps one record through the header's roles.
func csvRow(line int, header, roles, rec []string) parsedRow {
	row := parsedRow{Line: line}
	if len(rec) > len(header) {
		row.Problem = fmt.Sprintf("has %d fields; the header has %d", len(rec), len(header))
		return row
	}
	var first, last string
	var data []string // key, value pairs in column order
	for i, v := range rec {
		v = fromSpreadsheetSafe(strings.TrimSpace(v))
		switch roles[i] {
		case "email":
			row.Email = v
		case "name":
			row.Name = v
		case "first":
			first = v
		case "last":
			last = v
		case "ignore":
		default:
			if header[i] != "" && v != "" {
				data = append(data, header[i], v)
			}
		}
	}
	if row.Name == "" {
		row.Name = strings.TrimSpace(first + " " + last)
	}
	row.Data, row.Problem = extraData(data)
	if row.Problem == "" {
		row.Problem = candidateProblem(&row)
	}
	return row
}

// extraData makes the object of a row's other columns; a repeated column
// name keeps its first value.
func extraData(pairs []string) (json.RawMessage, string) {
	if len(pairs) == 0 {
		return nil, ""
	}
	obj := make(map[string]string, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		if len(pairs[i+1]) > maxImportValueLength {
			return nil, fmt.Sprintf("column %q is longer than %d characters", pairs[i], maxImportValueLength)
		}
		if _, dup := obj[pairs[i]]; !dup {
			obj[pairs[i]] = pairs[i+1]
		}
	}
	b, _ := json.Marshal(obj)
	return b, ""
}

// parseLines reads one candidate per line.
func parseLines(r io.Reader) ([]parsedRow, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	var rows []parsedRow
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		if len(rows) >= store.MaxImportRows {
			return nil, errTooManyRows
		}
		row := lineRow(text)
		row.Line = line
		row.Record = []string{row.Name, row.Email}
		if row.Name == "" && row.Email == "" {
			row.Record[1] = text // a line that could not be split, as it was
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		return nil, fileProblem(fmt.Sprintf("The text could not be read: %v.", err))
	}
	return rows, nil
}

// lineRow reads "email", "Name <email>" or "name,email" (either order,
// separated by a comma, semicolon or tab).
func lineRow(text string) parsedRow {
	var row parsedRow
	if lt := strings.LastIndexByte(text, '<'); lt >= 0 && strings.HasSuffix(text, ">") {
		row.Name = strings.Trim(strings.TrimSpace(text[:lt]), `"`)
		row.Email = strings.TrimSpace(text[lt+1 : len(text)-1])
	} else {
		fields := strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ';' || r == '\t' })
		switch {
		case len(fields) == 1:
			row.Email = strings.TrimSpace(fields[0])
		case len(fields) == 2 && strings.Contains(fields[0], "@") && !strings.Contains(fields[1], "@"):
			row.Email, row.Name = strings.TrimSpace(fields[0]), strings.TrimSpace(fields[1])
		case len(fields) == 2:
			row.Name, row.Email = strings.TrimSpace(fields[0]), strings.TrimSpace(fields[1])
		default:
			row.Problem = "expected an address, “Name <address>” or “name,address”"
			return row
		}
	}
	row.Problem = candidateProblem(&row)
	return row
}

// candidateProblem checks a row's name and address, naming a candidate
// who has none after their address.
func candidateProblem(row *parsedRow) string {
	switch {
	case row.Email == "":
		return "the email address is missing"
	case !store.ValidEmail(row.Email):
		return fmt.Sprintf("“%s” is not a valid email address", truncate(row.Email, 80))
	case !utf8.ValidString(row.Name):
		return "the name is not valid UTF-8"
	case store.HasUnsafeChars(row.Name):
		return "the name must be a single line without control or text-direction characters"
	case len([]rune(row.Name)) > store.MaxNameLength:
		return fmt.Sprintf("the name is longer than %d characters", store.MaxNameLength)
	}
	if row.Name == "" {
		row.Name = row.Email[:strings.LastIndexByte(row.Email, '@')]
	}
	return ""
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// fromSpreadsheetSafe undoes spreadsheetSafe, so a downloaded file of rows
// left out, fixed and uploaded again, imports the values it started with.
func fromSpreadsheetSafe(v string) string {
	if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(v[1])) {
		return v[1:]
	}
	return v
}
