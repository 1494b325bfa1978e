package views

import (
	"bytes"
	_ "embed"
	"os"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/font/sfnt"
)

// DejaVu Sans, embedded, holds the Latin, Greek, Cyrillic, Armenian,
// Georgian, Hebrew and Arabic letters of names and answers. Chinese and
// Japanese are drawn in a fallback font when the host has one (Debian's
// fonts-droid-fallback), Korean in another (fonts-nanum): the PDF writer
// reads TrueType .ttf only, and Noto CJK ships .ttc and .otf. A character
// no font holds is drawn as U+FFFD, a visible mark, never an empty box.

//go:embed fonts/DejaVuSans.ttf
var dejaVuSans []byte

//go:embed fonts/DejaVuSans-Bold.ttf
var dejaVuSansBold []byte

// FallbackFontPaths are the fallback fonts, each used for what it holds
// and the fonts before it do not.
var FallbackFontPaths = []string{
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", // Chinese, Japanese
	"/usr/share/fonts/truetype/nanum/NanumGothic.ttf",           // Korean
}

// fallbackFont is a fallback font found on the host.
type fallbackFont struct {
	font *sfnt.Font
	raw  []byte // the file, for the PDF writer
}

// pdfFonts are the fonts' character maps, read once.
var pdfFonts struct {
	once      sync.Once
	dejaVu    *sfnt.Font
	fallbacks []fallbackFont
}

func loadPDFFonts() {
	pdfFonts.once.Do(func() {
		pdfFonts.dejaVu, _ = sfnt.Parse(dejaVuSans)
		for _, path := range FallbackFontPaths {
			if raw, err := os.ReadFile(path); err == nil {
				if f, err := sfnt.Parse(raw); err == nil {
					pdfFonts.fallbacks = append(pdfFonts.fallbacks, fallbackFont{f, raw})
				}
			}
		}
	})
}

// fallbackFor is the fallback font r is drawn in: -1 for DejaVu Sans (or
// none at all).
func fallbackFor(r rune) int {
	loadPDFFonts()
	if r > 0xFFFF { // beyond what the PDF writer sets as text: a picture, or nothing
		if isEmoji(r) {
			return emojiRun
		}
		return -1
	}
	if r <= ' ' || holds(pdfFonts.dejaVu, r) {
		return -1
	}
	for i, f := range pdfFonts.fallbacks {
		if holds(f.font, r) {
			return i
		}
	}
	if isEmoji(r) {
		return emojiRun
	}
	return -1
}

// emojiRun is fallbackFor's answer for an emoji drawn as a picture.
const emojiRun = -2

// fontFamily names a font for the PDF writer.
func fontFamily(fallback int) string {
	if fallback < 0 {
		return bodyFamily
	}
	return subsetMark + "fallback" + strconv.Itoa(fallback)
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

// needsFallback reports whether r is drawn in a fallback font, or as an
// emoji picture.
func needsFallback(r rune) bool { return fallbackFor(r) != -1 }

// pdfText makes any text a person can type printable: an emoji the host's
// emoji font has stays (it is drawn as a picture); any other character
// beyond the Basic Multilingual Plane (𠮷), a broken byte or a character no
// font holds becomes U+FFFD; control characters other than line breaks and
// tabs and the emoji variation selectors go.
func pdfText(s string) string {
	loadPDFFonts()
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			b.WriteRune(utf8.RuneError)
		case r == 0xFE0E || r == 0xFE0F:
		case r > 0xFFFF && !isEmoji(r):
			b.WriteRune(utf8.RuneError)
		case (r < 0x20 && r != '\n' && r != '\t') || r == 0x7F:
		case r > 0x7F && !holds(pdfFonts.dejaVu, r) && fallbackFor(r) == -1 && !isMark(r):
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// bmp is text the PDF writer sets itself, without pictures: what lies
// beyond the Basic Multilingual Plane becomes U+FFFD.
func bmp(s string) string {
	return strings.Map(func(r rune) rune {
		if r > 0xFFFF {
			return utf8.RuneError
		}
		return r
	}, s)
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
// style set last, and which fallback fonts it added.
type writerState struct {
	style    string
	added    map[int]bool
	tags     *structure // what has been drawn, as structure
	artifact bool       // drawing a page footer
}

// SetFont sets the font, remembering its style for text drawn in the
// fallback font.
func (p reportWriter) SetFont(family, style string, size float64) {
	p.st.style = style
	p.Fpdf.SetFont(family, style, size)
}

// fontRun is part of a line drawn in one font (fallback -1: DejaVu Sans).
type fontRun struct {
	text     string
	fallback int
}

// fontRuns cuts a line where its font changes.
func fontRuns(line string) []fontRun {
	var runs []fontRun
	for _, r := range line {
		fb := fallbackFor(r)
		if n := len(runs); n > 0 && (runs[n-1].fallback == fb || r == ' ') {
			runs[n-1].text += string(r)
			continue
		}
		runs = append(runs, fontRun{text: string(r), fallback: fb})
	}
	return runs
}

// multiCellMixed is MultiCell for text part of which is drawn in a
// fallback font: wrapped by measured width (between words, and between
// any two Chinese, Japanese or Korean characters), each line drawn run by
// run in its font.
func (p reportWriter) multiCellMixed(w, h float64, txt string, fill bool) {
	for _, r := range txt {
		if fb := fallbackFor(r); fb >= 0 && !p.st.added[fb] {
			p.AddUTF8FontFromBytes(fontFamily(fb), "", bytes.Clone(pdfFonts.fallbacks[fb].raw)) // its own copy, as the body font's
			p.AddUTF8FontFromBytes(fontFamily(fb), "B", bytes.Clone(pdfFonts.fallbacks[fb].raw))
			p.st.added[fb] = true
		}
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
			if run.fallback == emojiRun {
				total += p.emojiWidth(run.text, size)
				continue
			}
			p.Fpdf.SetFont(fontFamily(run.fallback), style, size)
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
				lines = append(lines, line) // the space it breaks at stays, for the text a reader extracts
				line = strings.TrimLeft(tok, " ")
				continue
			}
			line += tok
		}
		lines = append(lines, line)
		for _, l := range lines {
			p.breakPageFor(h) // a picture does not break the page as a cell does
			p.SetX(x0)
			for _, run := range fontRuns(l) {
				if run.fallback == emojiRun {
					p.drawEmoji(run.text, h, size)
					continue
				}
				p.Fpdf.SetFont(fontFamily(run.fallback), style, size)
				p.Fpdf.CellFormat(p.GetStringWidth(run.text), h, run.text, "", 0, "L", fill, 0, "")
			}
			p.Ln(h)
		}
	}
	p.Fpdf.SetFont(bodyFamily, style, size)
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
