package store

import (
	"testing"
	"time"
)

func TestUnsafeCharsInNamesAndAddresses(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"Zoë Ærø-李 O'Brien": false, "جان": false, "a\u200db": false, // zero-width joiner is part of scripts and emoji
		"A\x00B": true, "A\r\nBcc: x": true, "tab\there": true, "\u202egnp.exe": true, "\u2066x\u2069": true, "x\u200f": true,
	} {
		if got := HasUnsafeChars(s); got != want {
			t.Errorf("%q: %v, want %v", s, got, want)
		}
	}
	if ValidEmail("\u202eevil@example.com") || ValidEmail("a@example.com\r\nBcc: b@example.com") || !ValidEmail("zoë@example.com") {
		t.Error("ValidEmail lets a control or direction mark through, or refuses a plain international address")
	}
}

func TestInvitationTokensAreUnguessableAndSortByTime(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	prev := ""
	for i := range 2000 {
		tok := NewInvitationToken()
		if len(tok) != 32 || seen[tok] {
			t.Fatalf("token %d %q: length %d or repeated", i, tok, len(tok))
		}
		seen[tok] = true
		if i%500 == 0 {
			if tok[:8] < prev {
				t.Fatalf("a later token sorts first: %q < %q", tok[:8], prev)
			}
			prev = tok[:8]
			time.Sleep(2 * time.Millisecond)
		}
	}
	// 144 of the 192 bits are random: two tokens of the same millisecond
	// share their first 8 characters and differ in the rest.
	a, b := NewInvitationToken(), NewInvitationToken()
	if a[8:] == b[8:] {
		t.Fatal("the random part repeats")
	}
}

func TestCountWordsOneAndMany(t *testing.T) {
	for n, want := range map[int]string{0: "0 points", 1: "1 point", 2: "2 points", -1: "-1 point"} {
		if got := Count(n, "point"); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}
