package main

import (
	"os"
	"testing"

	"testgate/web/browsertest"
)

// TestMain runs the package's tests, then stops the Chromium and removes
// the binary they shared.
func TestMain(m *testing.M) {
	code := m.Run()
	browsertest.Stop()
	if testBinary.dir != "" {
		os.RemoveAll(testBinary.dir)
	}
	os.Exit(code)
}
