package locale

import (
	"encoding/json"
	"fmt"
	"strings"
)

// written keeps each language's messages that are one plain text (not
// plural forms), as the catalog writes them, so that F fills their
// {{.Name}} placeholders itself instead of running a text/template for
// every message of every page. Messages with any other template action
// are left to go-i18n.
var written = map[string]map[string]string{}

// loadWritten reads a catalog's plain messages into written.
func loadWritten(code string, catalog []byte) error {
	var all map[string]any
	if err := json.Unmarshal(catalog, &all); err != nil {
		return err
	}
	plain := map[string]string{}
	for id, v := range all {
		if s, ok := v.(string); ok && fillable(s) {
			plain[id] = s
		}
	}
	written[code] = plain
	return nil
}

// fillable reports whether every template action in s is a {{.Name}}.
func fillable(s string) bool {
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			return true
		}
		end := strings.Index(s[i:], "}}")
		if end < 0 || !isField(s[i+2:i+end]) {
			return false
		}
		s = s[i+end+2:]
	}
}

func isField(action string) bool {
	if len(action) < 2 || action[0] != '.' {
		return false
	}
	for _, r := range action[1:] {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// fill puts data's values into a fillable message as text/template would
// print them (a missing one as "<no value>").
func fill(s string, data map[string]any) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "{{.")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + strings.Index(s[i:], "}}")
		b.WriteString(s[:i])
		if v, ok := data[s[i+3:end]]; ok {
			fmt.Fprint(&b, v)
		} else {
			b.WriteString("<no value>")
		}
		s = s[end+2:]
	}
}
