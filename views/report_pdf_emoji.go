package views

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"unicode/utf16"

	"github.com/go-pdf/fpdf"
)

// Emoji print from the host's colour emoji font (Debian's
// fonts-noto-color-emoji), when it has one: each glyph of that font is a
// PNG (the CBDT table, OpenType's colour bitmaps), which the report places
// as an image the size of a letter, marked with the emoji as its actual
// text so copying and screen readers get the character. The PDF writer
// cannot set characters beyond the Basic Multilingual Plane as text, so
// without the font an emoji prints as U+FFFD, a visible mark. Sequences
// (flags, skin tones, families) print one emoji at a time.

// EmojiFontPath is the colour emoji font looked for.
var EmojiFontPath = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"

// emojiFont is the host's emoji font, read once: its character map and
// the PNG of each glyph.
var emojiFont struct {
	once   sync.Once
	glyphs map[rune]uint16
	data   []byte
	cblc   []byte
	cbdt   []byte
	mu     sync.Mutex
	pngs   map[rune][]byte
}

func loadEmojiFont() {
	emojiFont.once.Do(func() {
		raw, err := os.ReadFile(EmojiFontPath)
		if err != nil {
			return
		}
		tables, err := sfntTables(raw)
		if err != nil {
			return
		}
		glyphs, err := cmap12(tables["cmap"])
		if err != nil || tables["CBLC"] == nil || tables["CBDT"] == nil {
			return
		}
		emojiFont.glyphs, emojiFont.data, emojiFont.cblc, emojiFont.cbdt = glyphs, raw, tables["CBLC"], tables["CBDT"]
		emojiFont.pngs = map[rune][]byte{}
	})
}

// emojiPNG is the picture of an emoji in the host's font, if it has one.
func emojiPNG(r rune) ([]byte, bool) {
	if r < 0x80 {
		return nil, false // digits, # and * have emoji glyphs too, but print as text
	}
	loadEmojiFont()
	g, ok := emojiFont.glyphs[r]
	if !ok || g == 0 {
		return nil, false
	}
	emojiFont.mu.Lock()
	defer emojiFont.mu.Unlock()
	if png, ok := emojiFont.pngs[r]; ok {
		return png, png != nil
	}
	png, err := cbdtPNG(emojiFont.cblc, emojiFont.cbdt, g)
	if err != nil {
		png = nil
	}
	emojiFont.pngs[r] = png
	return png, png != nil
}

// isEmoji reports whether r prints as an emoji picture.
func isEmoji(r rune) bool {
	_, ok := emojiPNG(r)
	return ok
}

// emojiWidth is the width of an emoji run: its pictures and the spaces
// it took along.
func (p reportWriter) emojiWidth(run string, size float64) float64 {
	total := 0.0
	for _, r := range run {
		if isEmoji(r) {
			total += emojiSide(size)
			continue
		}
		p.Fpdf.SetFont(bodyFamily, p.st.style, size)
		total += p.GetStringWidth(string(r))
	}
	return total
}

// emojiSide is an emoji picture's width and height for a font size in
// points, in the report's millimetres: a little more than a capital letter.
func emojiSide(size float64) float64 { return size * 25.4 / 72 }

// drawEmoji draws emoji as pictures on the current line, each marked with
// its character as the actual text.
func (p reportWriter) drawEmoji(run string, h, size float64) {
	side := emojiSide(size)
	for _, r := range run {
		png, ok := emojiPNG(r)
		if !ok { // a space the run took along
			p.Fpdf.SetFont(bodyFamily, p.st.style, size)
			p.SetX(p.GetX() + p.GetStringWidth(string(r)))
			continue
		}
		name := fmt.Sprintf("emoji-%x", r)
		if info := p.GetImageInfo(name); info == nil {
			p.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
		}
		x, y := p.GetX(), p.GetY()
		p.RawWriteStr("/Span <</ActualText <" + utf16Hex(r) + ">>> BDC")
		p.ImageOptions(name, x, y+(h-side)/2, side, side, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		// Invisible text under the picture (text render mode 3) is what the
		// actual text stands for: readers extract text from glyphs. It is
		// U+FFFD, the mark a reader that ignores the actual text shows.
		p.RawWriteStr("q 3 Tr")
		p.Fpdf.SetFont(bodyFamily, p.st.style, size)
		p.Fpdf.CellFormat(side, h, "\uFFFD", "", 0, "C", false, 0, "")
		p.RawWriteStr("Q")
		p.RawWriteStr("EMC")
		p.SetXY(x+side, y)
	}
}

// utf16Hex is a character as a PDF text string: UTF-16BE after a byte
// order mark, in hexadecimal.
func utf16Hex(r rune) string {
	var b strings.Builder
	b.WriteString("FEFF")
	for _, u := range utf16.Encode([]rune{r}) {
		fmt.Fprintf(&b, "%04X", u)
	}
	return b.String()
}

// breakPageFor starts a new page when a line of height h would pass the
// bottom margin, as a cell would.
func (p reportWriter) breakPageFor(h float64) {
	_, pageHeight := p.GetPageSize()
	if auto, margin := p.GetAutoPageBreak(); auto && p.GetY()+h > pageHeight-margin {
		p.pageBreaking()
		x := p.GetX()
		p.AddPage()
		p.SetX(x)
	}
}

var errFont = errors.New("views: the emoji font is not as OpenType lays it out")

// sfntTables reads an OpenType file's table directory.
func sfntTables(b []byte) (map[string][]byte, error) {
	if len(b) < 12 {
		return nil, errFont
	}
	n := int(binary.BigEndian.Uint16(b[4:]))
	tables := map[string][]byte{}
	for i := 0; i < n; i++ {
		rec := 12 + 16*i
		if rec+16 > len(b) {
			return nil, errFont
		}
		off, length := binary.BigEndian.Uint32(b[rec+8:]), binary.BigEndian.Uint32(b[rec+12:])
		if uint64(off)+uint64(length) > uint64(len(b)) {
			return nil, errFont
		}
		tables[string(b[rec:rec+4])] = b[off : off+length]
	}
	return tables, nil
}

// cmap12 reads a format 12 (full Unicode) character map.
func cmap12(cmap []byte) (map[rune]uint16, error) {
	if len(cmap) < 4 {
		return nil, errFont
	}
	n := int(binary.BigEndian.Uint16(cmap[2:]))
	for i := 0; i < n; i++ {
		rec := 4 + 8*i
		if rec+8 > len(cmap) {
			return nil, errFont
		}
		off := int(binary.BigEndian.Uint32(cmap[rec+4:]))
		if off+16 > len(cmap) || binary.BigEndian.Uint16(cmap[off:]) != 12 {
			continue
		}
		groups := int(binary.BigEndian.Uint32(cmap[off+12:]))
		glyphs := map[rune]uint16{}
		for g := 0; g < groups; g++ {
			at := off + 16 + 12*g
			if at+12 > len(cmap) {
				return nil, errFont
			}
			start, end, glyph := binary.BigEndian.Uint32(cmap[at:]), binary.BigEndian.Uint32(cmap[at+4:]), binary.BigEndian.Uint32(cmap[at+8:])
			for c := start; c <= end && c-start < 0x10000; c++ {
				glyphs[rune(c)] = uint16(glyph + c - start)
			}
		}
		return glyphs, nil
	}
	return nil, errFont
}

// cbdtPNG finds a glyph's PNG: its strike's index subtable in CBLC, then
// its data in CBDT (image formats 17, 18 and 19).
func cbdtPNG(cblc, cbdt []byte, glyph uint16) ([]byte, error) {
	if len(cblc) < 8 {
		return nil, errFont
	}
	sizes := int(binary.BigEndian.Uint32(cblc[4:]))
	for s := 0; s < sizes; s++ {
		rec := 8 + 48*s
		if rec+48 > len(cblc) {
			return nil, errFont
		}
		arr, count := int(binary.BigEndian.Uint32(cblc[rec:])), int(binary.BigEndian.Uint32(cblc[rec+8:]))
		for i := 0; i < count; i++ {
			at := arr + 8*i
			if at+8 > len(cblc) {
				return nil, errFont
			}
			first, last := binary.BigEndian.Uint16(cblc[at:]), binary.BigEndian.Uint16(cblc[at+2:])
			if glyph < first || glyph > last {
				continue
			}
			sub := arr + int(binary.BigEndian.Uint32(cblc[at+4:]))
			if sub+8 > len(cblc) {
				return nil, errFont
			}
			indexFormat, imageFormat := binary.BigEndian.Uint16(cblc[sub:]), binary.BigEndian.Uint16(cblc[sub+2:])
			base := int(binary.BigEndian.Uint32(cblc[sub+4:]))
			k := int(glyph - first)
			var start int
			switch indexFormat {
			case 1:
				if sub+8+4*k+4 > len(cblc) {
					return nil, errFont
				}
				start = int(binary.BigEndian.Uint32(cblc[sub+8+4*k:]))
			case 3:
				if sub+8+2*k+2 > len(cblc) {
					return nil, errFont
				}
				start = int(binary.BigEndian.Uint16(cblc[sub+8+2*k:]))
			default:
				return nil, errFont
			}
			return cbdtImage(cbdt, base+start, imageFormat)
		}
	}
	return nil, errFont
}

// cbdtImage reads one glyph's PNG from CBDT.
func cbdtImage(cbdt []byte, at int, format uint16) ([]byte, error) {
	switch format {
	case 17:
		at += 5 // small glyph metrics
	case 18:
		at += 8 // big glyph metrics
	case 19:
	default:
		return nil, errFont
	}
	if at < 0 || at+4 > len(cbdt) {
		return nil, errFont
	}
	n := int(binary.BigEndian.Uint32(cbdt[at:]))
	if at+4+n > len(cbdt) || n < 8 || string(cbdt[at+5:at+8]) != "PNG" {
		return nil, errFont
	}
	return cbdt[at+4 : at+4+n], nil
}
