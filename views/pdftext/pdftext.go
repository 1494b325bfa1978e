// Package pdftext reads the text of a PDF for tests, with poppler's
// pdftotext (Debian's poppler-utils, which make test installs): the text a
// reader copying from the document would get.
package pdftext

import (
	"bytes"
	"os/exec"
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
