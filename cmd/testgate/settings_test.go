package main

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var updateDocs = flag.Bool("update", false, "rewrite docs/operations.md's table of settings from serveSettings")

// docs/operations.md's table of serve's settings is the one serveSettings
// makes: a setting added, renamed or given another default changes both.
// Run with -update to rewrite the document's table.
func TestSettingsTable(t *testing.T) {
	const path = "../../docs/operations.md"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	start := strings.Index(doc, "| flag | environment | default | meaning |")
	if start < 0 {
		t.Fatalf("%s has no table of settings", path)
	}
	end := start + strings.Index(doc[start:], "\n\n") + 1
	if got, want := doc[start:end], settingsTable(); got != want {
		if *updateDocs {
			if err := os.WriteFile(path, []byte(doc[:start]+want+doc[end:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Fatalf("%s's table is not serveSettings'; run go test ./cmd/testgate -run TestSettingsTable -update\n got:\n%s\nwant:\n%s", path, got, want)
	}
}

// Every setting has a flag, a TESTGATE_ variable and words for the docs,
// and no two share a name.
func TestEverySettingIsComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range serveSettings {
		if s.Flag == "" || !strings.HasPrefix(s.Env, "TESTGATE_") || s.Doc == "" || s.Set == nil || seen[s.Flag] || seen[s.Env] {
			t.Errorf("setting %+v", s)
		}
		seen[s.Flag], seen[s.Env] = true, true
	}
}
