package store

import "testing"

func TestUnsafeCharsInNamesAndAddresses(t *testing.T) {
	for s, want := range map[string]bool{
		"Zoë Ærø-李 O'Brien": false, "جان": false, "a‍b": false, // zero-width joiner is part of scripts and emoji
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
