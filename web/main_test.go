package web

import (
	"os"
	"testing"
)

// TestMain runs the package's tests, then ends the Chromium and the HTML
// checker they shared;
// with childImportDB set, the test binary is instead an import worker that
// the crash test kills.
func TestMain(m *testing.M) {
	if path := os.Getenv(childImportDB); path != "" {
		runImportWorkerProcess(path)
		return
	}
	code := m.Run()
	stopSharedBrowser()
	stopHTMLChecker()
	os.Exit(code)
}
