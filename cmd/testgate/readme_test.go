package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The README's API examples run as written, with curl (whose -d sends a
// form's Content-Type) and openssl, against the real binary: the sh block
// under "The API in five minutes", run from the repository's root with
// only $API pointed at the server this test starts.
func TestReadmeCurlExamplesRunAsWritten(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"bash", "curl", "openssl", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed to run the README's examples (make test installs curl and openssl)", tool)
		}
	}
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	section := strings.Index(readme, "## The API in five minutes")
	start := strings.Index(readme[section:], "```sh\n")
	if section < 0 || start < 0 {
		t.Fatal("README.md has no sh block under \"The API in five minutes\"")
	}
	script := readme[section+start+len("```sh\n"):]
	script = script[:strings.Index(script, "```")]
	if !strings.HasPrefix(script, "API=http://127.0.0.1:8080\n") {
		t.Fatalf("the README's block no longer starts by naming the server: %q", script[:40])
	}

	dir := t.TempDir()
	bin, db, addr := buildBinary(t, dir), filepath.Join(dir, "readme.db"), freeAddr(t)
	serve := exec.Command(bin, "serve", "--addr", addr, "--db", db, "--log-level", "warn")
	serve.Stderr = os.Stderr
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { serve.Process.Kill(); serve.Wait() })
	waitHealthy(t, "http://"+addr)

	key := filepath.Join(dir, "key")
	script = strings.Replace(script, "API=http://127.0.0.1:8080", "API=http://"+addr, 1)
	script = strings.ReplaceAll(script, "/tmp/key", key) // tests run side by side
	run := exec.Command("bash", "-euo", "pipefail", "-c", script)
	run.Dir = "../.."
	run.Env = append(os.Environ(), "TESTGATE_DB="+db) // `go run ./cmd/testgate apikey create` on the server's database
	out, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("the README's examples: %v\n%s", err, out)
	}
	// Each curl printed one JSON answer; none is an error.
	dec := json.NewDecoder(strings.NewReader(string(out[strings.Index(string(out), "{"):])))
	var answers []map[string]any
	for dec.More() {
		var a map[string]any
		if err := dec.Decode(&a); err != nil {
			t.Fatalf("an answer is not JSON: %v\n%s", err, out)
		}
		answers = append(answers, a)
	}
	want := []string{"defaultLink", "testUrl", "testInvitationId", "invite_link", "candidateId", "success"}
	if len(answers) != len(want) {
		t.Fatalf("%d answers, want %d:\n%s", len(answers), len(want), out)
	}
	for i, a := range answers {
		body, _ := json.Marshal(a)
		if _, ok := a[want[i]]; !ok || a["error"] != nil || a["errors"] != nil {
			t.Errorf("answer %d lacks %q or is an error: %s", i+1, want[i], body)
		}
	}
}
