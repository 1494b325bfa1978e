package views

import (
	"bytes"
	"strings"
	"unicode"
)

// The PDF writer draws a line's characters left to right in the order it
// is given them, so right-to-left text (Hebrew, Arabic, a name or an
// answer in them) must be given in visual order, line by line after
// wrapping: otherwise it reads mirrored. A reader's text extraction
// (pdftotext) then gives it back in reading order.

// hasRTL reports whether s holds right-to-left letters.
func hasRTL(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Hebrew, unicode.Arabic, unicode.Syriac, unicode.Thaana, unicode.Nko) {
			return true
		}
	}
	return false
}

// visualOrder is one line in the order it is drawn, by a simple form of
// the Unicode bidirectional algorithm: the line's direction is that of its
// first strong letter; neutral characters (spaces, punctuation) between two
// runs of one direction take it, others the line's; right-to-left runs are
// drawn reversed (a letter with its marks kept whole, brackets turned),
// left-to-right runs and numbers as they are, and in a right-to-left line
// the runs from right to left.
func visualOrder(line string) string {
	if !hasRTL(line) {
		return line
	}
	toks := bidiTokens(line)
	base := byte('L')
	for _, t := range toks {
		if t.dir == 'L' || t.dir == 'R' {
			base = t.dir
			break
		}
	}
	for i := range toks { // a number among right-to-left words flows with them
		if toks[i].dir == 'D' {
			prev, next := strongAround(toks, i, 'L', 'R')
			if prev == 'R' && next != 'L' || prev == 0 && next == 'R' && base == 'R' {
				toks[i].resolved = 'R'
			} else {
				toks[i].resolved = 'L'
			}
		}
	}
	for i := range toks { // neutrals take their neighbours' direction when both agree
		if toks[i].dir != 'N' {
			continue
		}
		prev, next := strongAround(toks, i, 'L', 'R', 'D')
		if prev == next && prev != 0 {
			toks[i].resolved = prev
		} else {
			toks[i].resolved = base
		}
	}
	var runs [][]bidiToken
	for _, t := range toks {
		if n := len(runs); n > 0 && runs[n-1][0].resolved == t.resolved {
			runs[n-1] = append(runs[n-1], t)
		} else {
			runs = append(runs, []bidiToken{t})
		}
	}
	if base == 'R' {
		for i, j := 0, len(runs)-1; i < j; i, j = i+1, j-1 {
			runs[i], runs[j] = runs[j], runs[i]
		}
	}
	var b strings.Builder
	for _, run := range runs {
		if run[0].resolved == 'L' {
			for _, t := range run {
				b.WriteString(t.text)
			}
			continue
		}
		for i := len(run) - 1; i >= 0; i-- { // a number's digits stay in their order
			if run[i].dir == 'N' {
				b.WriteString(mirrored(run[i].text))
			} else {
				b.WriteString(run[i].text)
			}
		}
	}
	return b.String()
}

// bidiToken is a right-to-left letter with its marks ('R'), a run of
// left-to-right letters ('L') or of digits ('D'), or one neutral character
// ('N'); resolved is the direction it is drawn in.
type bidiToken struct {
	text          string
	dir, resolved byte
}

func bidiTokens(line string) []bidiToken {
	var toks []bidiToken
	for _, r := range line {
		switch {
		case unicode.Is(unicode.Mn, r) && len(toks) > 0:
			toks[len(toks)-1].text += string(r) // a mark stays with its letter
		case hasRTL(string(r)) && unicode.IsLetter(r):
			toks = append(toks, bidiToken{text: string(r), dir: 'R', resolved: 'R'})
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			dir := byte('L')
			if unicode.IsDigit(r) {
				dir = 'D'
			}
			if n := len(toks); n > 0 && toks[n-1].dir == dir {
				toks[n-1].text += string(r)
			} else {
				toks = append(toks, bidiToken{text: string(r), dir: dir, resolved: dir})
			}
		default:
			toks = append(toks, bidiToken{text: string(r), dir: 'N'})
		}
	}
	return toks
}

// strongAround is the resolved direction of the nearest tokens either side
// whose kind is one of kinds (0: none).
func strongAround(toks []bidiToken, i int, kinds ...byte) (prev, next byte) {
	for j := i - 1; j >= 0; j-- {
		if bytes.IndexByte(kinds, toks[j].dir) >= 0 {
			prev = toks[j].resolved
			break
		}
	}
	for j := i + 1; j < len(toks); j++ {
		if bytes.IndexByte(kinds, toks[j].dir) >= 0 {
			next = toks[j].resolved
			break
		}
	}
	return prev, next
}

// mirrored turns a bracket drawn in a right-to-left run.
func mirrored(s string) string {
	switch s {
	case "(":
		return ")"
	case ")":
		return "("
	case "[":
		return "]"
	case "]":
		return "["
	case "{":
		return "}"
	case "}":
		return "{"
	case "<":
		return ">"
	case ">":
		return "<"
	case "«":
		return "»"
	case "»":
		return "«"
	}
	return s
}

// wrap cuts a paragraph into lines no wider than w, at spaces (a word
// wider than a line gets a line of its own). fpdf's SplitText measures
// Arabic's marks wrongly.
func (p reportWriter) wrap(para string, w float64) []string {
	var lines []string
	line := ""
	for _, word := range strings.Split(para, " ") {
		try := word
		if line != "" {
			try = line + " " + word
		}
		if line != "" && p.GetStringWidth(try) > w {
			lines = append(lines, line)
			try = word
		}
		line = try
	}
	return append(lines, line)
}

// multiCellRTL is MultiCell for text with right-to-left letters: wrapped
// in reading order, each line then drawn in visual order.
func (p reportWriter) multiCellRTL(w, h float64, txt, border, align string, fill bool) {
	left, _, right, _ := p.GetMargins()
	if w == 0 {
		pageWidth, _ := p.GetPageSize()
		w = pageWidth - right - p.GetX()
	}
	for _, para := range strings.Split(txt, "\n") {
		for _, line := range p.wrap(para, w-2*p.GetCellMargin()) {
			p.Fpdf.CellFormat(w, h, visualOrder(line), border, 2, align, fill, 0, "")
		}
	}
	p.SetX(left)
}
