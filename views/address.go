package views

import (
	"context"
	"html"
	"io"
	"strings"

	"github.com/a-h/templ"
)

// address shows an email address that may wrap between its parts — after
// each dot or hyphen and before the @ — rather than inside a word, on a
// phone. Written without whitespace between the parts, so the address
// copies and reads as typed.
func address(addr string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, wrapParts(addr))
		return err
	})
}

// wrappable shows free text whose addresses may wrap between their parts.
func wrappable(text string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		words := strings.Split(text, " ")
		for i, word := range words {
			if strings.Contains(word, "@") {
				words[i] = wrapParts(word)
			} else {
				words[i] = html.EscapeString(word)
			}
		}
		_, err := io.WriteString(w, strings.Join(words, " "))
		return err
	})
}

// wrapParts is an address, escaped, with a <wbr> at each place it may wrap.
func wrapParts(addr string) string {
	parts := addressParts(addr)
	for i := range parts {
		parts[i] = html.EscapeString(parts[i])
	}
	return strings.Join(parts, "<wbr>")
}
