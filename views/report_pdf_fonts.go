package views

import (
	_ "embed"
	"os"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/font/sfnt"
)

// DejaVu Sans, embedded, holds the Latin, Greek, Cyrillic, Armenian,
// Georgian, Hebrew and Arabic letters of names and answers. Chinese,
// Japanese and Korean are drawn in a fallback font when the host has one:
// Debian's fonts-droid-fallback (the PDF writer reads TrueType .ttf only;
// Noto CJK ships .ttc and .otf). A character neither font holds is drawn
// as U+FFFD, a visible mark, never an empty box.

//go:embed fonts/DejaVuSans.ttf
var dejaVuSans []byte

//go:embed fonts/DejaVuSans-Bold.ttf
var dejaVuSansBold []byte

// FallbackFontPaths are where a fallback font is looked for, in order.
var FallbackFontPaths = []string{"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"}

// pdfFonts are the fonts' character maps, read once.
var pdfFonts struct {
	once     sync.Once
	dejaVu   *sfnt.Font
	fallback *sfnt.Font
	raw      []byte // the fallback font's file, for the PDF writer
}

func loadPDFFonts() {
	pdfFonts.once.Do(func() {
		pdfFonts.dejaVu, _ = sfnt.Parse(dejaVuSans)
		for _, path := range FallbackFontPaths {
			raw, err := os.ReadFile(path)
			if err != nil {
				continue
			}
			if f, err := sfnt.Parse(raw); err == nil {
				pdfFonts.fallback, pdfFonts.raw = f, raw
				return
			}
		}
	})
}

// holds reports whether f has a glyph for r.
func holds(f *sfnt.Font, r rune) bool {
	if f == nil {
		return false
	}
	var buf sfnt.Buffer
	i, err := f.GlyphIndex(&buf, r)
	return err == nil && i != 0
}

// needsFallback reports whether r is drawn in the fallback font.
func needsFallback(r rune) bool {
	loadPDFFonts()
	return r > ' ' && !holds(pdfFonts.dejaVu, r) && holds(pdfFonts.fallback, r)
}

// pdfText makes any text a person can type printable by the PDF writer,
// which handles only the Basic Multilingual Plane of valid UTF-8: a
// character beyond it (an emoji, 𠮷), a broken byte or a character no font
// holds becomes U+FFFD, and control characters other than line breaks and
// tabs go.
func pdfText(s string) string {
	loadPDFFonts()
	var b strings.Builder
	for _, r := range s {
		switch {
		case r > 0xFFFF || r == utf8.RuneError:
			b.WriteRune(utf8.RuneError)
		case (r < 0x20 && r != '\n' && r != '\t') || r == 0x7F:
		case r > 0x7F && !holds(pdfFonts.dejaVu, r) && !holds(pdfFonts.fallback, r) && !isMark(r):
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isMark reports whether r is a combining mark (kept: it sits on a letter).
func isMark(r rune) bool { return unicode.Is(unicode.Mn, r) }

// needsFallbackText reports whether any of s is drawn in the fallback font.
func needsFallbackText(s string) bool {
	for _, r := range s {
		if r > 0x2000 && needsFallback(r) {
			return true
		}
	}
	return false
}

// writerState is what the report's writer remembers between calls: the
// style set last, and whether the fallback font was added.
type writerState struct {
	style         string
	fallbackAdded bool
}

// SetFont sets the font, remembering its style for text drawn in the
// fallback font.
func (p reportWriter) SetFont(family, style string, size float64) {
	p.st.style = style
	p.Fpdf.SetFont(family, style, size)
}

// fontRun is part of a line drawn in one font.
type fontRun struct {
	text     string
	fallback bool
}

// fontRuns cuts a line where its font changes.
func fontRuns(line string) []fontRun {
	var runs []fontRun
	for _, r := range line {
		fb := needsFallback(r)
		if n := len(runs); n > 0 && (runs[n-1].fallback == fb || r == ' ') {
			runs[n-1].text += string(r)
			continue
		}
		runs = append(runs, fontRun{text: string(r), fallback: fb})
	}
	return runs
}

// multiCellMixed is MultiCell for text part of which is drawn in the
// fallback font: wrapped by measured width (between words, and between
// any two Chinese, Japanese or Korean characters), each line drawn run by
// run in its font.
func (p reportWriter) multiCellMixed(w, h float64, txt string, fill bool) {
	if !p.st.fallbackAdded {
		p.AddUTF8FontFromBytes("fallback", "", pdfFonts.raw)
		p.AddUTF8FontFromBytes("fallback", "B", pdfFonts.raw)
		p.st.fallbackAdded = true
	}
	left, _, right, _ := p.GetMargins()
	x0 := p.GetX()
	if w == 0 {
		pageWidth, _ := p.GetPageSize()
		w = pageWidth - right - x0
	}
	size, _ := p.GetFontSize()
	style := p.st.style
	width := func(line string) float64 {
		total := 0.0
		for _, run := range fontRuns(line) {
			p.Fpdf.SetFont(map[bool]string{false: "dejavu", true: "fallback"}[run.fallback], style, size)
			total += p.GetStringWidth(run.text)
		}
		return total
	}
	max := w - 2*p.GetCellMargin()
	for _, para := range strings.Split(txt, "\n") {
		var lines []string
		line := ""
		for _, tok := range breakableTokens(para) {
			if line != "" && width(line+tok) > max {
				lines = append(lines, strings.TrimRight(line, " "))
				line = strings.TrimLeft(tok, " ")
				continue
			}
			line += tok
		}
		lines = append(lines, line)
		for _, l := range lines {
			p.SetX(x0)
			for _, run := range fontRuns(l) {
				p.Fpdf.SetFont(map[bool]string{false: "dejavu", true: "fallback"}[run.fallback], style, size)
				p.Fpdf.CellFormat(p.GetStringWidth(run.text), h, run.text, "", 0, "L", fill, 0, "")
			}
			p.Ln(h)
		}
	}
	p.Fpdf.SetFont("dejavu", style, size)
	p.SetX(left)
}

// breakableTokens are the pieces a line may break between: words with the
// space after them, and each character drawn in the fallback font.
func breakableTokens(s string) []string {
	var toks []string
	word := ""
	for _, r := range s {
		switch {
		case needsFallback(r):
			if word != "" {
				toks, word = append(toks, word), ""
			}
			toks = append(toks, string(r))
		case r == ' ':
			toks, word = append(toks, word+" "), ""
		default:
			word += string(r)
		}
	}
	if word != "" {
		toks = append(toks, word)
	}
	return toks
}
