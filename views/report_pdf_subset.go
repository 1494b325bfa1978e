package views

import (
	"bytes"
	"hash/fnv"
)

// The PDF writer embeds only the glyphs a report uses, but names each
// subset as if it were the whole font. ISO 32000 (9.6.4) asks a subset's
// name to begin with a tag of six capital letters and "+", so that readers
// and preflight tools never take the subset for the full font and never
// mix two subsets of one font. The writer names a font "utf8" + its
// family, so a family that begins with subsetMark comes out as
// "/utf8tg+…": the eight bytes "/utf8tg+" are swapped for "/" + tag + "+",
// which keeps every byte offset of the file (and its cross-reference table)
// where it was.

// subsetMark begins every font family the report registers.
const subsetMark = "tg+"

// bodyFamily is DejaVu Sans, the font of every report.
const bodyFamily = subsetMark + "DejaVuSans"

// tagSubsets gives every embedded subset its tag, from a hash of the
// font's name, so each font of the file has its own.
func tagSubsets(pdf []byte) []byte {
	marker := []byte("/utf8" + subsetMark)
	for i := bytes.Index(pdf, marker); i >= 0; {
		rest := pdf[i+len(marker):]
		end := bytes.IndexAny(rest, " /\n\r\t<>[]()")
		if end < 0 {
			end = len(rest)
		}
		tag := subsetTag(rest[:end])
		copy(pdf[i+1:], tag)
		pdf[i+7] = '+'
		next := bytes.Index(pdf[i+len(marker):], marker)
		if next < 0 {
			break
		}
		i += len(marker) + next
	}
	return pdf
}

// subsetTag is six capital letters drawn from name.
func subsetTag(name []byte) []byte {
	h := fnv.New64a()
	h.Write(name)
	sum := h.Sum64()
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + byte(sum%26)
		sum /= 26
	}
	return tag
}
