package web

import (
	"strings"
	"testing"
)

func TestParseCandidates(t *testing.T) {
	t.Parallel()
	type want struct {
		line              int
		name, email, data string
		problemContains   string
	}
	cases := []struct {
		name   string
		input  string
		isFile bool
		want   []want
		err    string
	}{
		{name: "pasted formats", input: "jane@example.com\n\n  Joe Bloggs <joe@example.com>\n\"Ann, Lee\" <ann@example.com>\nBo Dee,bo@example.com\ncy@example.com;Cy Ng\nnot an address\na,b,c\n",
			want: []want{{line: 1, name: "jane", email: "jane@example.com"}, {line: 3, name: "Joe Bloggs", email: "joe@example.com"},
				{line: 4, name: "Ann, Lee", email: "ann@example.com"}, {line: 5, name: "Bo Dee", email: "bo@example.com"},
				{line: 6, name: "Cy Ng", email: "cy@example.com"}, {line: 7, problemContains: "not a valid email address"},
				{line: 8, problemContains: "expected an address"}}},
		{name: "pasted CSV with a header", input: "Email,Name\nx@example.com,X Y\n",
			want: []want{{line: 2, name: "X Y", email: "x@example.com"}}},
		{name: "file with extra columns, quotes, non-ASCII and a BOM", isFile: true,
			input: "\ufeffName,E-mail,Team,Phone\n\"Smith, Anna\",anna@example.com,\"QA \"\"core\"\"\",\nZoë Ærø,zoe@example.com,Ops,+1 555\n",
			want: []want{{line: 2, name: "Smith, Anna", email: "anna@example.com", data: `{"Team":"QA \"core\""}`},
				{line: 3, name: "Zoë Ærø", email: "zoe@example.com", data: `{"Phone":"+1 555","Team":"Ops"}`}}},
		{name: "semicolons and first/last names", isFile: true, input: "first_name;last_name;email\nAda;Lovelace;ada@example.com\n",
			want: []want{{line: 2, name: "Ada Lovelace", email: "ada@example.com"}}},
		{name: "tabs, name missing, quoted newline keeps line numbers", isFile: true,
			input: "email\tnote\nno.name@example.com\t\"two\nlines\"\nnext@example.com\t\n",
			want: []want{{line: 2, name: "no.name", email: "no.name@example.com", data: `{"note":"two\nlines"}`},
				{line: 4, name: "next", email: "next@example.com"}}},
		{name: "row problems", isFile: true,
			input: "name,email\nA,\nB,b@example.com,extra\n" + strings.Repeat("N", 201) + ",long@example.com\nC,c@@example.com\n",
			want: []want{{line: 2, problemContains: "missing"}, {line: 3, problemContains: "3 fields"},
				{line: 4, problemContains: "longer than 200"}, {line: 5, problemContains: "not a valid"}}},
		{name: "broken quote is one bad row", isFile: true, input: "name,email\n\"A\"x,a@example.com\nB,b@example.com\n",
			want: []want{{line: 2, problemContains: "not valid CSV"}, {line: 3, name: "B", email: "b@example.com"}}},
		{name: "no email column", isFile: true, input: "name,phone\nA,1\n", err: "header with an email column; it has: name, phone"},
		{name: "empty file", isFile: true, input: ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rows, _, err := parseCandidates(strings.NewReader(tc.input), tc.isFile)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(tc.want) {
				t.Fatalf("%d rows, want %d: %+v", len(rows), len(tc.want), rows)
			}
			for i, w := range tc.want {
				r := rows[i]
				if r.Line != w.line {
					t.Errorf("row %d: line %d, want %d", i, r.Line, w.line)
				}
				if w.problemContains != "" {
					if !strings.Contains(r.Problem, w.problemContains) {
						t.Errorf("row %d: problem %q, want it to mention %q", i, r.Problem, w.problemContains)
					}
					continue
				}
				if r.Problem != "" || r.Name != w.name || r.Email != w.email || string(r.Data) != w.data {
					t.Errorf("row %d: %+v (data %s), want %+v", i, r, r.Data, w)
				}
			}
		})
	}
}

func TestParseCandidatesRefusesTooManyRows(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("email\n")
	for i := 0; i <= 100_000; i++ {
		b.WriteString("a@example.com\n")
	}
	if _, _, err := parseCandidates(strings.NewReader(b.String()), true); err == nil || !strings.Contains(err.Error(), "more than 100000 rows") {
		t.Fatalf("error %v", err)
	}
}

// TestParseReuploadOfRowsLeftOut: the download of rows left out, fixed and
// uploaded again, reads as the original file did: its problem column is
// ignored and the spreadsheet guard on values is undone.
func TestParseReuploadOfRowsLeftOut(t *testing.T) {
	t.Parallel()
	file := "email,name,phone," + problemColumn + "\n" +
		"ann@example.com,Ann,'+44 20 7946 0000,line 2: invalid: the email address is missing\n"
	rows, header, err := parseCandidates(strings.NewReader(file), true)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(header, "|") != "email|name|phone" {
		t.Errorf("header %q, want the problem column left out", header)
	}
	if len(rows) != 1 || rows[0].Problem != "" || string(rows[0].Data) != `{"phone":"+44 20 7946 0000"}` {
		t.Fatalf("rows %+v (data %s)", rows, rows[0].Data)
	}
	if strings.Join(rows[0].Record, "|") != "ann@example.com|Ann|'+44 20 7946 0000" {
		t.Errorf("record %q, want the fields as read", rows[0].Record)
	}
}
