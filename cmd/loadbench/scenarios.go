package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"testgate/store"
	"time"

	"github.com/labstack/echo/v4"
)

// cohortCSV is a campus drive's file: n students with a custom column.
func cohortCSV(prefix string, n int) []byte {
	var b bytes.Buffer
	b.WriteString("Name,Email,Student ID\n")
	for i := range n {
		fmt.Fprintf(&b, "Student %d,%s%d@campus.example,S%06d\n", i, prefix, i, i)
	}
	return b.Bytes()
}

// importRun uploads n candidates through the console and waits for the
// import to finish, sampling the server's memory on the way.
func importRun(s *server, prefix string, n int, sendEmail bool) (testID, linkID int64, took time.Duration, peakRSS int64, err error) {
	if testID, linkID, err = s.newLink("Import "+prefix, sendEmail); err != nil {
		return
	}
	took, peakRSS, err = s.importAndWait(linkID, cohortCSV(prefix, n), sendEmail)
	return
}

func (s *server) importAndWait(linkID int64, file []byte, sendEmail bool) (took time.Duration, peakRSS int64, err error) {
	start := time.Now()
	page, err := s.upload(linkID, file, sendEmail)
	if err != nil {
		return 0, 0, err
	}
	for {
		if now, _ := s.rss(); now > peakRSS {
			peakRSS = now
		}
		status, err := s.importStatus(page)
		if err != nil {
			return 0, 0, err
		}
		switch status {
		case "Finished":
			return time.Since(start), peakRSS, nil
		case "Stopped":
			return 0, 0, fmt.Errorf("import %s stopped", page)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// thinkExamRun assigns n candidates to a new test through ThinkExam's
// multi-candidate call, emails on.
func thinkExamRun(s *server, prefix string, n int) (time.Duration, error) {
	testID, _, err := s.newLink("ThinkExam "+prefix, true)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	err = assignMany(s, testID, prefix, n, true)
	return time.Since(start), err
}

// assignMany assigns n candidates (<prefix><i>@campus.example) to a test
// through ThinkExam's multi-candidate call, 10,000 (its maximum) per
// request.
func assignMany(s *server, testID int64, prefix string, n int, mail bool) error {
	mailEnable := "0"
	if mail {
		mailEnable = "1"
	}
	for from := 0; from < n; from += 10_000 {
		emails := make([]string, 0, 10_000)
		for i := from; i < min(from+10_000, n); i++ {
			emails = append(emails, fmt.Sprintf("%s%d@campus.example", prefix, i))
		}
		body, _ := json.Marshal(map[string]any{"email": emails, "testId": strconv.FormatInt(testID, 10),
			"isMailEnable": mailEnable, "isPasswordSkip": "1"})
		req, _ := http.NewRequest(http.MethodPost, s.base+"/api/v1/assignTestMultiCandidates", bytes.NewReader(body))
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		mac := hmac.New(sha256.New, []byte(s.sec))
		mac.Write([]byte(s.ak + ts))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("ak", s.ak)
		req.Header.Set("ts", ts)
		req.Header.Set("sgn", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("assignTestMultiCandidates: %d %.300s", resp.StatusCode, raw)
		}
	}
	return nil
}

// tokens reads candidate tokens of a link straight from the database file.
func tokens(dsn string, prefix string, n int) ([]string, error) {
	db, err := openRead(dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.ReadOnly().Query(`SELECT token FROM invitations WHERE email_norm LIKE ? ORDER BY id LIMIT ?`, prefix+"%", n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		rows.Scan(&t)
		out = append(out, t)
	}
	return out, rows.Err()
}

func countInvitations(dsn string) (int, error) {
	db, err := openRead(dsn)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int
	err = db.ReadOnly().QueryRow(`SELECT COUNT(*) FROM invitations`).Scan(&n)
	return n, err
}

// openRead opens the server's database (a file or a URL) beside it, to
// read what the bench needs.
func openRead(dsn string) (*store.DB, error) {
	return store.Open(context.Background(), dsn, store.Offline)
}

// bareEcho is a bare echo handler serving body at /t/{token}: what the
// landing page is compared with.
func bareEcho(body []byte, contentType string) http.Handler {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/t/:token", func(c echo.Context) error { return c.Blob(http.StatusOK, contentType, body) })
	return e
}

// bareServer serves the bare handler in this process, beside the client.
func bareServer(body []byte, contentType string) (base string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: bareEcho(body, contentType)}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// bareProcess serves the bare handler from a process of its own (this
// program again, -serve-bare), as the server under test runs: client and
// server then pay the same costs of two processes sharing the cores.
func bareProcess(body []byte, contentType string) (base string, stop func(), err error) {
	self, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	f, err := os.CreateTemp("", "testgate-bare-")
	if err != nil {
		return "", nil, err
	}
	defer os.Remove(f.Name()) // read once the child answers
	if _, err := f.Write(body); err != nil {
		f.Close()
		return "", nil, err
	}
	f.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(self, "-serve-bare", f.Name(), "-bare-type", contentType, "-bare-addr", addr)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop = func() { cmd.Process.Kill(); cmd.Wait() }
	base = "http://" + addr
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		resp, err := http.Get(base + "/t/ready")
		if err == nil {
			resp.Body.Close()
			return base, stop, nil
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, fmt.Errorf("the bare handler's process did not answer: %w", err)
		}
	}
}

// serveBare is the bare handler's process: the bytes of file at
// /t/{token} on addr, until killed.
func serveBare(file, contentType, addr string) error {
	body, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	return http.ListenAndServe(addr, bareEcho(body, contentType))
}

func get(client *http.Client, url string) *http.Request {
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	return req
}

// landingBody fetches one landing page as a candidate's browser would.
func landingBody(client *http.Client, url string) ([]byte, string, error) {
	resp, err := client.Do(get(client, url))
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("GET %s: %d", url, resp.StatusCode)
	}
	return b, resp.Header.Get("Content-Type"), err
}

// listURLs are filtered views of the invitation list a recruiter pages
// through: by link and status, searching, sorted, deep pages.
func listURLs(testID, linkID int64) []string {
	t, l := strconv.FormatInt(testID, 10), strconv.FormatInt(linkID, 10)
	return []string{
		"/invitations?link=" + l,
		"/invitations?link=" + l + "&status=opened",
		"/invitations?link=" + l + "&status=invited&page=40",
		"/invitations?test=" + t + "&q=student4242",
		"/invitations?q=campus.example&status=opened",
		"/invitations?link=" + l + "&sort=name",
		"/invitations?link=" + l + "&sort=email&dir=desc&page=7",
		"/invitations?status=completed",
		"/invitations",
	}
}
