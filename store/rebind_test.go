package store

import (
	"strconv"
	"strings"
	"testing"
)

func TestRebindNumbersPlaceholdersOutsideQuotes(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"SELECT 1": "SELECT 1",
		"SELECT * FROM t WHERE a = ? AND b IN (?, ?)":       "SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)",
		"SELECT '?', 'it''s ?', \"a?b\" FROM t WHERE x = ?": "SELECT '?', 'it''s ?', \"a?b\" FROM t WHERE x = $1",
		"SELECT 1 -- what?\n, ?":                            "SELECT 1 -- what?\n, $1",
		"SELECT /* ? */ ?":                                  "SELECT /* ? */ $1",
		"SELECT $$ ? $$, $x$ ? $x$, ?":                      "SELECT $$ ? $$, $x$ ? $x$, $1",
		"SELECT $1":                                         "SELECT $1",
		strings.Repeat("?,", 11) + "?":                      "$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12",
	} {
		if got := rebind(in); got != want {
			t.Errorf("rebind(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzRebind: whatever the text, rebinding only replaces question marks,
// numbering them from 1, and an unterminated quote or comment ends the
// text rather than the scan going astray.
func FuzzRebind(f *testing.F) {
	for _, s := range []string{"SELECT ?", "'?", "\"?\"?", "--?\n?", "/*?", "$$?$$?", "$a$?$a", "?$1?", "''''?"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := rebind(s)
		if !strings.Contains(s, "?") && got != s {
			t.Fatalf("changed a text without placeholders: %q → %q", s, got)
		}
		if strings.Count(got, "?") > strings.Count(s, "?") {
			t.Fatalf("more question marks: %q → %q", s, got)
		}
		replaced := strings.Count(s, "?") - strings.Count(got, "?")
		if replaced > 0 && !strings.Contains(got, "$"+strconv.Itoa(replaced)) {
			t.Fatalf("%d replaced but no $%d in %q", replaced, replaced, got)
		}
	})
}
