// Package pdftext reads the text of a PDF for tests, with poppler's
// pdftotext (Debian's poppler-utils, which make test installs): the text a
// reader copying from the document would get.
package pdftext

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Of returns the PDF's text with every run of white space made one space.
func Of(t testing.TB, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("pdftotext is needed to read PDFs: install Debian's poppler-utils (make test does)")
	}
	cmd := exec.Command(bin, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// Font is one font of a PDF as poppler's pdffonts lists it.
type Font struct {
	Name     string
	Embedded bool
	Subset   bool // poppler's reading of the name's subset tag
}

// Fonts lists the PDF's fonts with pdffonts (poppler-utils, beside
// pdftotext).
func Fonts(t testing.TB, pdf []byte) []Font {
	t.Helper()
	bin, err := exec.LookPath("pdffonts")
	if err != nil {
		t.Fatal("pdffonts is needed to list a PDF's fonts: install Debian's poppler-utils (make test does)")
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, path).Output()
	if err != nil {
		t.Fatalf("pdffonts: %v", err)
	}
	// name type encoding emb sub uni object ID; the first two lines are
	// the header, and the type may be two words ("CID TrueType").
	var fonts []Font
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n")[2:] {
		f := strings.Fields(line)
		if len(f) < 7 {
			t.Fatalf("pdffonts wrote an unexpected line: %q", line)
		}
		n := len(f)
		fonts = append(fonts, Font{Name: f[0], Embedded: f[n-5] == "yes", Subset: f[n-4] == "yes"})
	}
	return fonts
}

// Structure is the PDF's logical structure with its text, as poppler's
// pdfinfo -struct-text prints it (one element or text a line, indented by
// depth), and whether pdfinfo reads the document as tagged.
func Structure(t testing.TB, pdf []byte) (tagged bool, tree string) {
	t.Helper()
	bin, err := exec.LookPath("pdfinfo")
	if err != nil {
		t.Fatal("pdfinfo is needed to read a PDF's structure: install Debian's poppler-utils (make test does)")
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	info, err := exec.Command(bin, path).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	out, err := exec.Command(bin, "-struct-text", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo -struct-text: %v %s", err, out)
	}
	return strings.Contains(string(info), "Tagged:          yes"), string(out)
}
