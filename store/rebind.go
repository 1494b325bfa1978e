package store

import (
	"strconv"
	"strings"
)

// rebind writes a statement's ? placeholders as PostgreSQL's $1, $2, …, so
// that every statement in the store is written once. A ? inside a string,
// a quoted name, a comment or a dollar-quoted body is left alone.
func rebind(query string) string {
	if !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); {
		switch c := query[i]; {
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			i++
		case c == '\'' || c == '"':
			end := closing(query, i+1, c)
			b.WriteString(query[i:end])
			i = end
		case c == '-' && strings.HasPrefix(query[i:], "--"):
			end := strings.IndexByte(query[i:], '\n')
			if end < 0 {
				end = len(query) - i
			}
			b.WriteString(query[i : i+end])
			i += end
		case c == '/' && strings.HasPrefix(query[i:], "/*"):
			end := strings.Index(query[i+2:], "*/")
			if end < 0 {
				end = len(query) - i - 2
			} else {
				end += 2
			}
			b.WriteString(query[i : i+2+end])
			i += 2 + end
		case c == '$':
			tag, body := dollarQuote(query[i:])
			if tag == "" {
				b.WriteByte(c)
				i++
				continue
			}
			b.WriteString(query[i : i+body])
			i += body
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// closing is the index just past the quote q that closes a literal
// starting at from; a doubled quote is an escaped one.
func closing(s string, from int, q byte) int {
	for i := from; i < len(s); i++ {
		if s[i] == q {
			if i+1 < len(s) && s[i+1] == q {
				i++
				continue
			}
			return i + 1
		}
	}
	return len(s)
}

// dollarQuote reads a $tag$…$tag$ body at the start of s: its tag and its
// length, or "" when s does not start one.
func dollarQuote(s string) (tag string, length int) {
	end := 1
	for end < len(s) && (s[end] == '_' || s[end] >= 'a' && s[end] <= 'z' || s[end] >= 'A' && s[end] <= 'Z' ||
		end > 1 && s[end] >= '0' && s[end] <= '9') {
		end++
	}
	if end >= len(s) || s[end] != '$' {
		return "", 0
	}
	tag = s[:end+1]
	close := strings.Index(s[len(tag):], tag)
	if close < 0 {
		return tag, len(s)
	}
	return tag, len(tag) + close + len(tag)
}
