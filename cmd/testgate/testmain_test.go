package main

import (
	"os"
	"testing"
)

// TestMain runs the package's tests, then removes the binary they shared.
func TestMain(m *testing.M) {
	code := m.Run()
	if testBinary.dir != "" {
		os.RemoveAll(testBinary.dir)
	}
	os.Exit(code)
}
