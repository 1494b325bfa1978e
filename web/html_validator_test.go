package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Every page the browser tests are served is checked by the Nu Html
// Checker (vnu.jar, the W3C's validator, from npm's vnu-jar, which make
// testtools installs), with zero errors allowed. It runs once per package
// as a checking service on loopback.

var htmlChecker struct {
	once sync.Once
	url  string
	cmd  *exec.Cmd
	err  error
}

// vnuJar is where make testtools puts the checker (TESTGATE_VNU_JAR to
// name another).
func vnuJar() string {
	if p := os.Getenv("TESTGATE_VNU_JAR"); p != "" {
		return p
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".cache", "testgate-vnu", "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
}

func startHTMLChecker() (string, error) {
	htmlChecker.once.Do(func() {
		jar := vnuJar()
		if _, err := os.Stat(jar); err != nil {
			htmlChecker.err = fmt.Errorf("the Nu Html Checker is not at %s: run make testtools (npm's vnu-jar, and Java)", jar)
			return
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			htmlChecker.err = err
			return
		}
		port := fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
		ln.Close()
		cmd := exec.Command("java", "-Xss8m", "-Dnu.validator.servlet.bind-address=127.0.0.1", "-cp", jar, "nu.validator.servlet.Main", port)
		if htmlChecker.err = cmd.Start(); htmlChecker.err != nil {
			return
		}
		htmlChecker.cmd, htmlChecker.url = cmd, "http://127.0.0.1:"+port+"/?out=json"
		deadline := time.Now().Add(90 * time.Second)
		for time.Now().Before(deadline) {
			if resp, err := http.Get("http://127.0.0.1:" + port + "/"); err == nil {
				resp.Body.Close()
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		htmlChecker.err = fmt.Errorf("the Nu Html Checker did not start on port %s", port)
	})
	return htmlChecker.url, htmlChecker.err
}

// stopHTMLChecker ends the checker, if a test started it.
func stopHTMLChecker() {
	if htmlChecker.cmd != nil {
		htmlChecker.cmd.Process.Kill()
		htmlChecker.cmd.Wait()
	}
}

// htmlErrors are the checker's errors about one document.
func htmlErrors(t *testing.T, page []byte) []string {
	t.Helper()
	url, err := startHTMLChecker()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(url, "text/html; charset=utf-8", bytes.NewReader(page))
	if err != nil {
		t.Fatalf("the Nu Html Checker: %v", err)
	}
	defer resp.Body.Close()
	var out struct {
		Messages []struct {
			Type, Message, Extract string
			LastLine               int
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("the Nu Html Checker's answer: %v", err)
	}
	var errs []string
	for _, m := range out.Messages {
		if m.Type == "error" || m.Type == "non-document-error" {
			errs = append(errs, fmt.Sprintf("line %d: %s (%s)", m.LastLine, m.Message, strings.TrimSpace(m.Extract)))
		}
	}
	return errs
}

// servedPages keeps every whole HTML document a test's server answered,
// one per path, for the checker.
type servedPages struct {
	next  http.Handler
	mu    sync.Mutex
	pages map[string][]byte
}

func (s *servedPages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &teeWriter{ResponseWriter: w}
	s.next.ServeHTTP(rec, r)
	if r.Method == http.MethodGet && strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") &&
		bytes.HasPrefix(bytes.TrimSpace(rec.body.Bytes()), []byte("<!DOCTYPE html>")) {
		s.mu.Lock()
		s.pages[r.URL.Path] = rec.body.Bytes()
		s.mu.Unlock()
	}
}

// check has the checker read every page kept.
func (s *servedPages) check(t *testing.T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	paths := make([]string, 0, len(s.pages))
	for p := range s.pages {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		if errs := htmlErrors(t, s.pages[p]); len(errs) > 0 {
			t.Errorf("%s is not valid HTML:\n  %s", p, strings.Join(errs, "\n  "))
		}
	}
}

// teeWriter passes a response on and keeps a copy of its body.
type teeWriter struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (w *teeWriter) Write(b []byte) (int, error) {
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *teeWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
