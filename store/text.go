package store

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// HasUnsafeChars reports whether text a person typed holds characters that
// have no place in a name or an address: bytes that are not UTF-8, control
// characters (line breaks that would split an email header, NUL) and the
// invisible marks that turn text around ("\u202egnp.exe" shows as "exe.png").
func HasUnsafeChars(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if unicode.IsControl(r) || isBidiControl(r) {
			return true
		}
	}
	return false
}

func isBidiControl(r rune) bool {
	return r == '\u061c' || r == '\u200e' || r == '\u200f' || ('\u202a' <= r && r <= '\u202e') || ('\u2066' <= r && r <= '\u2069')
}

// Count words a number of things: "1 point", "3 points", "0 points".
func Count(n int, thing string) string {
	if n == 1 || n == -1 {
		return strconv.Itoa(n) + " " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}
