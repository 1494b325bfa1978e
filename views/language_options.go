package views

import (
	"html"
	"strings"
	"sync"

	"github.com/a-h/templ"

	"testgate/views/locale"
)

// The language menu's options are the same on every candidate page but
// for the one selected, and writing them out option by option was a third
// of rendering a landing page: each language's list is written once.
var (
	optionsOnce sync.Once
	optionsBy   map[string]templ.Component
)

// menuLanguageOptions is the <option> list of every language, lang selected.
func menuLanguageOptions(lang string) templ.Component {
	optionsOnce.Do(func() {
		optionsBy = make(map[string]templ.Component, len(locale.Codes))
		for _, selected := range locale.Codes {
			var b strings.Builder
			for _, code := range locale.Codes {
				c := html.EscapeString(code)
				b.WriteString(`<option value="` + c + `" lang="` + c + `"`)
				if code == selected {
					b.WriteString(` selected`)
				}
				b.WriteString(`>` + html.EscapeString(locale.Names[code]) + `</option>`)
			}
			optionsBy[selected] = templ.Raw(b.String())
		}
	})
	if c, ok := optionsBy[lang]; ok {
		return c
	}
	return optionsBy["en"]
}
