package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is the real testgate binary, started on loopback against a new
// database, with an admin signed in and an API key.
type server struct {
	bin, db, base string
	cmd           *exec.Cmd
	key, ak, sec  string
	console       *http.Client // signed in, cookies kept
	quota         *cpuQuota    // when confined to a share of the CPUs
	env           []string     // added to the server's environment
}

const (
	benchEmail    = "bench@example.com"
	benchPassword = "bench password"
)

// startServer starts the binary on a new database in dir; its output goes
// to logs.
func startServer(bin, dir string, logs io.Writer) (*server, error) {
	return startServerOn(bin, filepath.Join(dir, "testgate.db"), logs)
}

// startServerOn starts the binary on a new database: a file or a
// postgres:// URL of an empty database.
func startServerOn(bin, db string, logs io.Writer, env ...string) (*server, error) {
	s := &server{bin: bin, db: db, env: env}
	if _, err := s.admin("migrate", "--db", s.db); err != nil {
		return nil, err
	}
	if _, err := s.admin("user", "create", "--db", s.db, "--email", benchEmail, "--password", benchPassword, "--role", "admin"); err != nil {
		return nil, err
	}
	out, err := s.admin("apikey", "create", "--db", s.db, "--name", "load bench")
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		return nil, fmt.Errorf("apikey create printed %q", out)
	}
	s.ak, s.sec, s.key = strings.TrimPrefix(lines[0], "ak: "), strings.TrimPrefix(lines[1], "secret: "), lines[2]
	return s, s.listen(logs)
}

// another starts a second process on the same (PostgreSQL) database, with
// the same key, signed in.
func (s *server) another(logs io.Writer) (*server, error) {
	t := &server{bin: s.bin, db: s.db, key: s.key, ak: s.ak, sec: s.sec, env: s.env}
	return t, t.listen(logs)
}

// listen starts serve on a free loopback port and signs in.
func (s *server) listen(logs io.Writer) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	s.base = "http://" + addr
	s.cmd = exec.Command(s.bin, "serve", "--addr", addr, "--db", s.db, "--log-level", "warn")
	s.cmd.Stdout, s.cmd.Stderr = logs, logs
	if len(s.env) > 0 {
		s.cmd.Env = append(os.Environ(), s.env...)
	}
	if err := s.cmd.Start(); err != nil {
		return err
	}
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		resp, err := http.Get(s.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			s.stop()
			return errors.New("the server did not answer /healthz within 15 s")
		}
	}
	return s.signIn()
}

func (s *server) admin(args ...string) (string, error) {
	out, err := exec.Command(s.bin, args...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("testgate %s: %v: %s", strings.Join(args[:2], " "), err, out)
	}
	return string(out), nil
}

func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	s.cmd.Wait()
	if s.quota != nil {
		s.quota.remove()
	}
}

// confine limits the running server to cpus CPUs, as if on a machine of
// its own, until it stops.
func (s *server) confine(cpus float64) error {
	pid := s.cmd.Process.Pid
	q, err := newCPUQuota(cgroupRoot, fmt.Sprintf("testgate-bench-%d", pid), cpus)
	if err != nil {
		return err
	}
	if err := q.add(pid); err != nil {
		q.remove()
		return fmt.Errorf("confining the server: %w", err)
	}
	s.quota = q
	return nil
}

// rss returns the server's resident memory now and its peak, in bytes.
func (s *server) rss() (now, peak int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			now = kb * 1024
		case "VmHWM:":
			peak = kb * 1024
		}
	}
	return now, peak
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// find reads a console page and returns what re's group matched in it.
func (s *server) find(path string, re *regexp.Regexp) (string, error) {
	resp, err := s.console.Get(s.base + path)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := re.FindSubmatch(body)
	if m == nil {
		return "", fmt.Errorf("GET %s: %d, no match for %s", path, resp.StatusCode, re)
	}
	return html.UnescapeString(string(m[1])), nil
}

// csrf reads the CSRF token from a console page.
func (s *server) csrf(path string) (string, error) { return s.find(path, csrfField) }

func (s *server) signIn() error {
	jar, _ := cookiejar.New(nil)
	s.console = newClient(8)
	s.console.Jar = jar
	tok, err := s.csrf("/login")
	if err != nil {
		return err
	}
	resp, err := s.console.PostForm(s.base+"/login", url.Values{"_csrf": {tok}, "email": {benchEmail}, "password": {benchPassword}})
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("sign in: %d", resp.StatusCode)
	}
	return nil
}

// api calls the native API and decodes the answer into out.
func (s *server) api(method, path string, body, out any) error {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, s.base+"/api/native"+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-API-Key", s.key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	return json.Unmarshal(raw, out)
}

// newLink makes a test with one question and a link on it.
func (s *server) newLink(name string, sendEmail bool) (testID, linkID int64, err error) {
	var t, l struct {
		ID int64 `json:"id"`
	}
	err = s.api(http.MethodPost, "/tests", map[string]any{"name": name, "kind": "assessment", "durationMinutes": 30,
		"questions": []map[string]any{{"text": "2 + 2?", "kind": "single", "options": []string{"3", "4"}, "correct": []int{1}}}}, &t)
	if err != nil {
		return 0, 0, err
	}
	err = s.api(http.MethodPost, fmt.Sprintf("/tests/%d/links", t.ID), map[string]any{"name": name, "sendEmail": sendEmail}, &l)
	return t.ID, l.ID, err
}

// upload posts a CSV to a link's import, as the console form does, and
// returns the import page it redirects to.
func (s *server) upload(linkID int64, csv []byte, sendEmail bool) (string, error) {
	tok, err := s.csrf(fmt.Sprintf("/links/%d/import", linkID))
	if err != nil {
		return "", err
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("_csrf", tok)
	if sendEmail {
		w.WriteField("sendEmail", "1")
	}
	fw, _ := w.CreateFormFile("file", "cohort.csv")
	fw.Write(csv)
	w.Close()
	resp, err := s.console.Post(fmt.Sprintf("%s/links/%d/imports", s.base, linkID), w.FormDataContentType(), &body)
	if err != nil {
		return "", err
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("import upload: %d %.300s", resp.StatusCode, raw)
	}
	return resp.Header.Get("Location"), nil
}

var importState = regexp.MustCompile(`data-testid="import-status">([^<]+)<`)

// importStatus reads an import's status from its progress card.
func (s *server) importStatus(page string) (string, error) {
	return s.find(page+"/progress", importState)
}
