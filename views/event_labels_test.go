package views

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every kind of timeline event the store records reads as words on the
// report and in the PDF, not as its identifier ("section_ended").
func TestEveryEventKindHasALabel(t *testing.T) {
	files, _ := filepath.Glob("../store/*.go")
	kinds := map[string]bool{"opened": true, "started": true, "completed": true, "expired": true, "cancelled": true}
	recorded := regexp.MustCompile(`addEvent\(ctx, tx, [a-zA-Z.]+, "([a-z_]+)"`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range recorded.FindAllStringSubmatch(string(b), -1) {
			kinds[m[1]] = true
		}
	}
	for _, k := range []string{"invitation", "reminder", "revocation"} { // email kinds, recorded as <kind>_queued
		kinds[k+"_queued"] = true
	}
	if len(kinds) < 20 {
		t.Fatalf("found only %d event kinds", len(kinds))
	}
	for k := range kinds {
		label := EventLabel(k)
		if label == k || strings.Contains(label, "_") {
			t.Errorf("event %q reads %q", k, label)
		}
	}
}
