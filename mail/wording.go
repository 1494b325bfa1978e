package mail

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// A recruiter's email wording is text with placeholders, not a program:
// {{candidate name}} and the other placeholders below. A line whose
// placeholders are all empty is left out, so "Your access code: {{access
// code}}" disappears when there is no code, without any markup. For the rare
// wording that needs it, {{if access code}}…{{else}}…{{end}} chooses
// between texts.
//
// Wordings saved when it was a Go template keep working: the Go spelling
// of each placeholder ({{.CandidateName}}), spaces inside the braces,
// {{- and -}} trimming and {{/* comments */}} are read too; everything
// else a Go template could do — loops, functions, define/template — is
// refused when the wording is saved. Parsing and filling in both visit
// every node once, so the work of any wording is linear in its length.

// placeholders are the fields a wording may name, in the order they are
// listed to a recruiter.
var placeholders = []struct {
	label   string // as a recruiter types it: {{candidate name}}
	goName  string // as a Go template named it: {{.CandidateName}}
	meaning string
	value   func(TemplateData) string
	set     func(TemplateData) bool // for {{if}}; nil: the value is not empty
}{
	{"candidate name", "CandidateName", "the candidate's name", func(d TemplateData) string { return d.CandidateName }, nil},
	{"test name", "TestName", "the name of the test", func(d TemplateData) string { return d.TestName }, nil},
	{"test link", "TestURL", "the candidate's personal link to the test", func(d TemplateData) string { return d.TestURL }, nil},
	{"duration", "Duration", "the time allowed, such as “30 minutes”", func(d TemplateData) string { return cmp.Or(d.Duration, minutes(d.DurationMinutes)) }, nil},
	{"expires at", "ExpiresAt", "when the invitation expires; empty when it does not", func(d TemplateData) string { return d.ExpiresAt }, nil},
	{"access code", "AccessCode", "the code to type after opening the link; empty when the link needs none",
		func(d TemplateData) string { return d.AccessCode }, nil},
	{"link name", "LinkName", "the name of the test link", func(d TemplateData) string { return d.LinkName }, nil},
	{"organisation", "Organisation", "your organisation's name, from the settings", func(d TemplateData) string { return d.Organisation }, nil},
	// Kept for wordings written as Go templates: the number alone.
	{"", "DurationMinutes", "", func(d TemplateData) string { return strconv.Itoa(d.DurationMinutes) },
		func(d TemplateData) bool { return d.DurationMinutes != 0 }},
}

// Placeholder is one placeholder as the email editor lists it.
type Placeholder struct {
	Text    string // "{{candidate name}}"
	Meaning string
}

// Placeholders lists the placeholders as a recruiter types them.
func Placeholders() []Placeholder {
	var out []Placeholder
	for _, p := range placeholders {
		if p.label != "" {
			out = append(out, Placeholder{"{{" + p.label + "}}", p.meaning})
		}
	}
	return out
}

// placeholderList is the placeholders for an error message.
func placeholderList() string {
	var names []string
	for _, p := range Placeholders() {
		names = append(names, p.Text)
	}
	return strings.Join(names, ", ")
}

// minutes is a duration in words: "1 minute", "30 minutes"; empty for none.
func minutes(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "1 minute"
	}
	return strconv.Itoa(n) + " minutes"
}

// maxNesting bounds {{if}} inside {{if}}: deeper is no wording a person writes.
const maxNesting = 10

// maxFilledIn bounds a filled-in subject or body.
const maxFilledIn = 100_000

type nodeKind uint8

const (
	textNode nodeKind = iota
	fieldNode
	ifNode
)

type node struct {
	kind            nodeKind
	text            string // textNode
	field           int    // fieldNode, ifNode: index into placeholders
	then, otherwise []node // ifNode
}

// wording is a parsed subject or body.
type wording []node

var errTooDeep = fmt.Errorf("nests {{if}} more than %d deep", maxNesting)

// parseWording reads a wording, or says in words fit for a form why not.
func parseWording(text string) (wording, error) {
	type frame struct {
		nodes  *[]node // where the next node goes
		ifNode *node   // the {{if}} this frame is inside, nil at the top
		inElse bool
		at     int // where its {{if}} began
	}
	lineAt := func(i int) int { return 1 + strings.Count(text[:i], "\n") }
	var root []node
	stack := []frame{{nodes: &root}}
	trimNext := false
	for pos := 0; pos < len(text); {
		open := strings.Index(text[pos:], "{{")
		if open < 0 {
			open = len(text) - pos
		}
		lit := text[pos : pos+open]
		if trimNext {
			lit = strings.TrimLeftFunc(lit, unicode.IsSpace)
			trimNext = false
		}
		at := pos + open
		var action string
		if at < len(text) {
			end := strings.Index(text[at:], "}}")
			if end < 0 {
				return nil, fmt.Errorf("line %d: a {{ is not closed by }}", lineAt(at))
			}
			action = text[at+2 : at+end]
			pos = at + end + 2
			if len(action) >= 2 && action[0] == '-' && isTrimSpace(action[1]) {
				lit = strings.TrimRightFunc(lit, unicode.IsSpace)
				action = action[1:]
			}
			if n := len(action); n >= 2 && action[n-1] == '-' && isTrimSpace(action[n-2]) {
				trimNext = true
				action = action[:n-1]
			}
		} else {
			pos = at
		}
		top := &stack[len(stack)-1]
		if lit != "" {
			*top.nodes = append(*top.nodes, node{kind: textNode, text: lit})
		}
		if at == len(text) {
			break
		}
		action = strings.TrimSpace(action)
		shown := "{{" + action + "}}"
		switch {
		case strings.HasPrefix(action, "/*") && strings.HasSuffix(action, "*/"):
			// a comment
		case action == "else":
			if top.ifNode == nil || top.inElse {
				return nil, fmt.Errorf("line %d: {{else}} belongs inside {{if placeholder}} … {{end}}", lineAt(at))
			}
			top.inElse, top.nodes = true, &top.ifNode.otherwise
		case action == "end":
			if top.ifNode == nil {
				return nil, fmt.Errorf("line %d: {{end}} closes no {{if placeholder}}", lineAt(at))
			}
			stack = stack[:len(stack)-1]
		case strings.HasPrefix(action, "if") && len(action) > 2 && isTrimSpace(action[2]):
			field, ok := fieldIndex(strings.TrimSpace(action[3:]))
			if !ok {
				return nil, fmt.Errorf("line %d: %s: only {{if placeholder}} with one placeholder is understood, for example {{if expires at}}", lineAt(at), shown)
			}
			if len(stack) > maxNesting {
				return nil, fmt.Errorf("line %d: %w", lineAt(at), errTooDeep)
			}
			*top.nodes = append(*top.nodes, node{kind: ifNode, field: field})
			// Only the innermost frame's slice grows, so this pointer into
			// the enclosing slice stays valid until the {{end}} pops it.
			n := &(*top.nodes)[len(*top.nodes)-1]
			stack = append(stack, frame{nodes: &n.then, ifNode: n, at: at})
		default:
			field, ok := fieldIndex(action)
			if !ok {
				return nil, fmt.Errorf("line %d: %s is not a placeholder; use %s", lineAt(at), shown, placeholderList())
			}
			*top.nodes = append(*top.nodes, node{kind: fieldNode, field: field})
		}
	}
	if len(stack) > 1 {
		top := stack[len(stack)-1]
		return nil, fmt.Errorf("line %d: {{if}} is not closed by {{end}}", lineAt(top.at))
	}
	return root, nil
}

// isTrimSpace is the white space Go templates allow beside a trim marker.
func isTrimSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// fieldIndex finds a placeholder by its label ("candidate name", in any
// case and spacing) or its Go name (".CandidateName").
func fieldIndex(s string) (int, bool) {
	if name, ok := strings.CutPrefix(s, "."); ok {
		for i, p := range placeholders {
			if p.goName == name {
				return i, true
			}
		}
		return 0, false
	}
	label := strings.ToLower(strings.Join(strings.Fields(s), " "))
	for i, p := range placeholders {
		if p.label != "" && p.label == label {
			return i, true
		}
	}
	return 0, false
}

var errTooLong = errors.New("is too long once filled in")

// fill writes the wording with data's values in place of its placeholders,
// leaving out each line whose placeholders are all empty.
func (w wording) fill(data TemplateData) (string, error) {
	f := filler{out: make([]byte, 0, 512)} // most wordings fit: the buffer is not grown a few times over
	if err := f.nodes(w, data); err != nil {
		return "", err
	}
	f.endLine(false)
	return string(f.out), nil
}

// filler writes a wording line by line into one buffer: once a line ends
// and it named placeholders that were all empty, it is cut off again.
type filler struct {
	out                []byte
	lineStart          int  // where the current line began in out
	hasField, hasValue bool // in the current line
}

func (f *filler) text(s string) {
	for {
		nl := strings.IndexByte(s, '\n')
		if nl < 0 {
			f.out = append(f.out, s...)
			return
		}
		f.out = append(f.out, s[:nl]...)
		f.endLine(true)
		s = s[nl+1:]
	}
}

// endLine keeps the current line unless it named placeholders and all of
// them were empty.
func (f *filler) endLine(newline bool) {
	if f.hasField && !f.hasValue {
		f.out = f.out[:f.lineStart]
	} else if newline {
		f.out = append(f.out, '\n')
	}
	f.lineStart = len(f.out)
	f.hasField, f.hasValue = false, false
}

func (f *filler) nodes(nodes []node, data TemplateData) error {
	for i := range nodes {
		n := &nodes[i]
		switch n.kind {
		case textNode:
			f.text(n.text)
		case fieldNode:
			v := placeholders[n.field].value(data)
			f.out = append(f.out, v...)
			f.hasField, f.hasValue = true, f.hasValue || v != ""
		case ifNode:
			branch, p := n.otherwise, placeholders[n.field]
			if p.set != nil && p.set(data) || p.set == nil && p.value(data) != "" {
				branch = n.then
			}
			if err := f.nodes(branch, data); err != nil {
				return err
			}
		}
		if len(f.out) > maxFilledIn {
			return errTooLong
		}
	}
	return nil
}

// wordingCache keeps recently parsed wordings, since a link's wording is
// filled in for every candidate of an import. It is bounded: previews of
// ever new texts cannot grow it.
type wordingCache struct {
	mu     sync.Mutex
	parsed map[string]wording
}

const wordingCacheSize = 256

var parsedWordings = wordingCache{parsed: make(map[string]wording)}

func (c *wordingCache) get(text string) (wording, error) {
	c.mu.Lock()
	w, ok := c.parsed[text]
	c.mu.Unlock()
	if ok {
		return w, nil
	}
	w, err := parseWording(text)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.parsed) >= wordingCacheSize {
		clear(c.parsed)
	}
	c.parsed[text] = w
	c.mu.Unlock()
	return w, nil
}
