package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testgate/store"
	"testgate/store/pgtest"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// The chaos test runs the real binary against a real SMTP sink and a real
// callback receiver, drives API invitations, console imports and
// candidates completing tests, and kills the server with SIGKILL at random
// moments, restarting it each time. Then it checks what the design
// promises: acknowledged work is there exactly once, emails go out once
// per Message-ID, completions are kept and called back.
//
// TESTGATE_CHAOS_KILLS sets the number of kills (make chaos: 25; the
// default keeps `make test` short).

// msgSink is an SMTP server counting deliveries per Message-ID.
type msgSink struct {
	mu   sync.Mutex
	seen map[string]int
}

func (s *msgSink) count() (distinct, total int, ids map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids = make(map[string]int, len(s.seen))
	for id, n := range s.seen {
		ids[id] = n
		total += n
	}
	return len(s.seen), total, ids
}

type sinkSession struct{ sink *msgSink }

func (ss sinkSession) Reset()                               {}
func (ss sinkSession) Logout() error                        { return nil }
func (ss sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (ss sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (ss sinkSession) Data(r io.Reader) error {
	h, err := textproto.NewReader(bufio.NewReader(r)).ReadMIMEHeader()
	if err != nil {
		return err
	}
	id := strings.Trim(h.Get("Message-Id"), "<> ")
	ss.sink.mu.Lock()
	ss.sink.seen[id]++
	ss.sink.mu.Unlock()
	return nil
}

func startMsgSink(t *testing.T) (*msgSink, string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &msgSink{seen: map[string]int{}}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return sinkSession{s}, nil }))
	srv.Domain, srv.AllowInsecureAuth = "sink.test", true
	srv.ErrorLog = log.New(io.Discard, "", 0) // kills reset connections mid-message: expected here
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s, ln.Addr().String()
}

// chaos is the world the test drives.
type chaos struct {
	t            *testing.T
	bin, db, env string
	base         string // the one server's, or the proxy's in front of several
	procs        []*chaosProc
	logs         *os.File
	key          string
	ak, secret   string // ThinkExam's signing pair
	testID       int64
	client       *http.Client // no redirects
	console      *http.Client // signed in
	linkID       int64
	questionID   int64

	mu          sync.Mutex
	invited     map[int64]string // acknowledged by the API: id → test URL
	completed   map[int64]bool   // the candidate saw their completion
	imports     map[string]int   // acknowledged imports: page → rows
	callbacks   map[int64]int    // completion callbacks received per invitation
	importSeq   int
	bulkSeq     int
	bulkPending []string // a bulk assign not yet acknowledged, asked again until it is
	bulkAcked   [][]string
	bulkAgain   int // bulk assigns asked again after a kill cut them
	kills       int
	ackRequests int
}

// testBinary is the real binary, built once for the package's tests into
// a directory TestMain removes.
var testBinary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func buildBinary(t *testing.T, _ string) string {
	t.Helper()
	testBinary.once.Do(func() {
		if testBinary.dir, testBinary.err = os.MkdirTemp("", "testgate-bin-"); testBinary.err != nil {
			return
		}
		testBinary.path = filepath.Join(testBinary.dir, "testgate")
		if out, err := exec.Command("go", "build", "-o", testBinary.path, ".").CombinedOutput(); err != nil {
			testBinary.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if testBinary.err != nil {
		t.Fatal(testBinary.err)
	}
	return testBinary.path
}

// chaosProc is one serve process of the test.
type chaosProc struct {
	addr string
	cmd  *exec.Cmd
}

func (c *chaos) start(p *chaosProc) {
	p.cmd = exec.Command(c.bin, "serve", "--addr", p.addr, "--db", c.db, "--log-level", "warn")
	p.cmd.Env = append(os.Environ(), strings.Split(c.env, " ")...)
	p.cmd.Stdout, p.cmd.Stderr = c.logs, c.logs
	if err := p.cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if resp, err := http.Get("http://" + p.addr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
	}
	c.t.Fatal("the server did not come back within 20 s")
}

func (c *chaos) kill(p *chaosProc) {
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.cmd.Wait()
	c.mu.Lock()
	c.kills++
	c.mu.Unlock()
}

func (c *chaos) api(method, path string, body any) (int, map[string]any) {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, c.base+"/api/native"+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-API-Key", c.key)
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (c *chaos) csrf(path string) string {
	resp, err := c.console.Get(c.base + path)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfRe.FindSubmatch(body); m != nil {
		return strings.ReplaceAll(string(m[1]), "&#43;", "+")
	}
	return ""
}

// invite asks for one invitation by API; a 201 is an acknowledgement.
func (c *chaos) invite(n int) {
	code, out := c.api(http.MethodPost, fmt.Sprintf("/links/%d/invitations", c.linkID),
		map[string]any{"name": fmt.Sprintf("API %d", n), "email": fmt.Sprintf("api%d@chaos.example", n)})
	if code == http.StatusCreated || code == http.StatusOK {
		id := int64(out["id"].(float64))
		c.mu.Lock()
		c.invited[id] = out["testUrl"].(string)
		c.ackRequests++
		c.mu.Unlock()
	}
}

// bulkAssign assigns n addresses in one ThinkExam call (written in
// transactions of store.BulkChunk); a 200 acknowledges them all. A call
// cut by a kill is asked again, the same addresses, until it is
// acknowledged.
func (c *chaos) bulkAssign(n int) {
	c.mu.Lock()
	if c.bulkPending != nil {
		c.bulkAgain++
	} else {
		c.bulkSeq++
		for i := range n {
			c.bulkPending = append(c.bulkPending, fmt.Sprintf("bulk%d-%d@chaos.example", c.bulkSeq, i))
		}
	}
	emails := c.bulkPending
	c.mu.Unlock()
	body, _ := json.Marshal(map[string]any{"email": emails, "testId": strconv.FormatInt(c.testID, 10), "isMailEnable": "1", "isPasswordSkip": "1"})
	req, _ := http.NewRequest(http.MethodPost, c.base+"/api/v1/assignTestMultiCandidates", bytes.NewReader(body))
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(c.secret))
	mac.Write([]byte(c.ak + ts))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("ak", c.ak)
	req.Header.Set("ts", ts)
	req.Header.Set("sgn", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	resp, err := c.client.Do(req)
	if err != nil {
		return
	}
	defer resp.Body.Close()
	var out struct {
		Success struct {
			Data struct {
				Invitations []struct {
					InvitationID int64  `json:"invitationId"`
					TestURL      string `json:"testUrl"`
				} `json:"invitations"`
			} `json:"data"`
		} `json:"success"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&out) != nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	assigned := out.Success.Data.Invitations
	if len(assigned) != len(emails) {
		c.t.Errorf("bulk assign of %d acknowledged %d", len(emails), len(assigned))
	}
	for _, a := range assigned {
		c.invited[a.InvitationID] = a.TestURL
	}
	c.bulkAcked = append(c.bulkAcked, emails)
	c.bulkPending = nil
	c.ackRequests++
}

// takeTest has a candidate start, answer and submit; a completion page (or
// its redirect) is the acknowledgement.
func (c *chaos) takeTest() {
	c.mu.Lock()
	var id int64
	var testURL string
	for k, v := range c.invited {
		if !c.completed[k] {
			id, testURL = k, v
			break
		}
	}
	c.mu.Unlock()
	if id == 0 {
		return
	}
	// A step that failed — the connection cut by a kill, or, behind the
	// proxy, its 502 — ends the attempt: the submit's redirect means
	// completion only after a start that went through.
	path := strings.TrimPrefix(testURL, c.base)
	if resp, err := c.client.Get(c.base + path); err != nil || resp.StatusCode >= 500 {
		return
	} else {
		resp.Body.Close()
	}
	if resp, err := c.client.PostForm(c.base+path+"/start", nil); err != nil || resp.StatusCode >= 500 {
		return
	} else {
		resp.Body.Close()
	}
	resp, err := c.client.PostForm(c.base+path+"/answers", url.Values{"action": {"submit"}, "q" + strconv.FormatInt(c.questionID, 10): {"1"}})
	if err != nil {
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK && bytes.Contains(body, []byte("data-testid=\"completed\"")) || resp.StatusCode == http.StatusSeeOther {
		c.mu.Lock()
		c.completed[id] = true
		c.mu.Unlock()
	}
}

// importRows uploads a list through the console; the redirect to the
// import's page is the acknowledgement.
func (c *chaos) importRows(rows int) {
	c.mu.Lock()
	c.importSeq++
	seq := c.importSeq
	c.mu.Unlock()
	tok := c.csrf(fmt.Sprintf("/links/%d/import", c.linkID))
	if tok == "" {
		return
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("_csrf", tok)
	w.WriteField("sendEmail", "1")
	fw, _ := w.CreateFormFile("file", "chaos.csv")
	fmt.Fprintln(fw, "name,email")
	for i := range rows {
		fmt.Fprintf(fw, "Imported %d-%d,imp%d-%d@chaos.example\n", seq, i, seq, i)
	}
	w.Close()
	resp, err := c.console.Post(fmt.Sprintf("%s/links/%d/imports", c.base, c.linkID), w.FormDataContentType(), &body)
	if err != nil {
		return
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusSeeOther {
		c.mu.Lock()
		c.imports[resp.Header.Get("Location")] = rows
		c.mu.Unlock()
	}
}

func TestChaosKillsAndRestarts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	runChaos(t, dir, filepath.Join(dir, "chaos.db"), 1)
}

// Two serve processes on one PostgreSQL database behind a proxy, killed in
// turn while the other serves: the same load, the same invariants.
func TestChaosOnPostgresKillsTwoServersInTurn(t *testing.T) {
	t.Parallel()
	runChaos(t, t.TempDir(), pgtest.NewDatabase(t), 2)
}

// runChaos drives the load against processes serve processes on dsn,
// killing them in turn, then checks the invariants.
func runChaos(t *testing.T, dir, dsn string, processes int) {
	kills := 4
	if v, err := strconv.Atoi(os.Getenv("TESTGATE_CHAOS_KILLS")); err == nil && v > 0 {
		kills = v
	}
	sink, smtpAddr := startMsgSink(t)
	c := &chaos{t: t, bin: buildBinary(t, dir), db: dsn,
		invited: map[int64]string{}, completed: map[int64]bool{}, imports: map[string]int{}, callbacks: map[int64]int{}}
	for range processes {
		c.procs = append(c.procs, &chaosProc{addr: freeAddr(t)})
	}
	c.base = "http://" + c.procs[0].addr
	if processes > 1 {
		proxy := httptest.NewServer(c.proxy())
		defer proxy.Close()
		c.base = proxy.URL
	}
	c.client = &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	jar, _ := cookiejar.New(nil)
	c.console = &http.Client{Timeout: 30 * time.Second, Jar: jar, CheckRedirect: c.client.CheckRedirect}
	var err error
	if c.logs, err = os.Create(filepath.Join(dir, "server.log")); err != nil {
		t.Fatal(err)
	}
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev struct {
			Type string `json:"type"`
			Data struct {
				Invitation struct {
					ID int64 `json:"id"`
				} `json:"invitation"`
			} `json:"data"`
		}
		json.NewDecoder(r.Body).Decode(&ev)
		if ev.Type == "invitation.completed" {
			c.mu.Lock()
			c.callbacks[ev.Data.Invitation.ID]++
			c.mu.Unlock()
		}
	}))
	defer receiver.Close()
	// A one-second heartbeat: a killed process's leases are taken over
	// after 3 s instead of the default 30.
	c.env = "TESTGATE_SMTP_URL=smtp://" + smtpAddr + "?tls=none TESTGATE_MAIL_RATE=5000 TESTGATE_MAIL_CONCURRENCY=2 TESTGATE_HEARTBEAT=1s " +
		"TESTGATE_ALLOW_PRIVATE_CALLBACKS=true TESTGATE_BASE_URL=" + c.base

	for _, args := range [][]string{{"migrate", "--db", c.db},
		{"user", "create", "--db", c.db, "--email", "chaos@example.com", "--password", "chaos password", "--role", "admin"}} {
		if out, err := exec.Command(c.bin, args...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v %s", args, err, out)
		}
	}
	out, err := exec.Command(c.bin, "apikey", "create", "--db", c.db, "--name", "chaos").Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	c.key = lines[len(lines)-1]
	c.ak, c.secret = strings.TrimPrefix(lines[0], "ak: "), strings.TrimPrefix(lines[1], "secret: ")

	for _, p := range c.procs {
		c.start(p)
	}
	code, test := c.api(http.MethodPost, "/tests", map[string]any{"name": "Chaos", "kind": "assessment", "durationMinutes": 30,
		"questions": []map[string]any{{"text": "2 + 2?", "kind": "single", "options": []string{"3", "4"}, "correct": []int{1}}}})
	if code != http.StatusCreated {
		t.Fatalf("create test: %d %v", code, test)
	}
	c.testID = int64(test["id"].(float64))
	c.questionID = int64(test["questions"].([]any)[0].(map[string]any)["id"].(float64))
	code, link := c.api(http.MethodPost, fmt.Sprintf("/tests/%d/links", int64(test["id"].(float64))),
		map[string]any{"name": "Chaos drive", "sendEmail": true, "callbackUrl": receiver.URL})
	if code != http.StatusCreated {
		t.Fatalf("create link: %d %v", code, link)
	}
	c.linkID = int64(link["id"].(float64))
	tok := c.csrf("/login")
	resp, err := c.console.PostForm(c.base+"/login", url.Values{"_csrf": {tok}, "email": {"chaos@example.com"}, "password": {"chaos password"}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %v %v", err, resp)
	}
	resp.Body.Close()

	// Drive the load while killing and restarting.
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	drive := func(every time.Duration, work func(n int)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ctx.Err() == nil; n++ {
				work(n)
				time.Sleep(every)
			}
		}()
	}
	drive(2*time.Millisecond, c.invite)
	drive(5*time.Millisecond, func(int) { c.takeTest() })
	drive(5*time.Millisecond, func(int) { c.takeTest() })
	drive(300*time.Millisecond, func(int) { c.importRows(300) })
	drive(200*time.Millisecond, func(int) { c.bulkAssign(600) })
	for k := range kills {
		time.Sleep(time.Duration(300+rand.IntN(700)) * time.Millisecond)
		p := c.procs[k%len(c.procs)]
		c.kill(p)
		c.start(p)
	}
	time.Sleep(500 * time.Millisecond)
	stop()
	wg.Wait()

	// Let the workers finish what was acknowledged, then stop cleanly.
	st, err := store.Open(context.Background(), c.db, store.Offline)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rdb := st.ReadOnly()
	count := func(q string, args ...any) int {
		var n int
		if err := rdb.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	deadline := time.Now().Add(90 * time.Second)
	for count(`SELECT (SELECT COUNT(*) FROM outbox WHERE status IN ('queued', 'sending'))
			+ (SELECT COUNT(*) FROM imports WHERE status IN ('queued', 'running'))
			+ (SELECT COUNT(*) FROM callback_deliveries WHERE status IN ('pending', 'delivering'))`) > 0 {
		if time.Now().After(deadline) {
			// What is left, and why, before the server's log.
			left, _ := rdb.Query(`SELECT id, status, attempts, last_error, next_attempt_at, COALESCE(locked_until, 0), locked_by
				FROM outbox WHERE status IN ('queued', 'sending')`)
			for left.Next() {
				var id, attempts, next, until int64
				var status, lastErr, holder string
				left.Scan(&id, &status, &attempts, &lastErr, &next, &until, &holder)
				t.Logf("email %d left %s after %d attempts (%q), next at %d, leased until %d by %q", id, status, attempts, lastErr, next, until, holder)
			}
			left.Close()
			logs, _ := os.ReadFile(c.logs.Name())
			t.Fatalf("the work left after the kills did not finish within 90 s: %d emails, %d imports, %d callbacks pending\n%s",
				count(`SELECT COUNT(*) FROM outbox WHERE status IN ('queued', 'sending')`),
				count(`SELECT COUNT(*) FROM imports WHERE status IN ('queued', 'running')`),
				count(`SELECT COUNT(*) FROM callback_deliveries WHERE status IN ('pending', 'delivering')`), logs[max(0, len(logs)-3000):])
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, p := range c.procs {
		p.cmd.Process.Signal(syscall.SIGTERM)
		p.cmd.Wait()
	}

	// Invariants.
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.invited) == 0 || len(c.completed) == 0 || len(c.imports) == 0 || len(c.bulkAcked) == 0 {
		t.Fatalf("too little work to judge: %d invitations, %d completions, %d imports, %d bulk assigns",
			len(c.invited), len(c.completed), len(c.imports), len(c.bulkAcked))
	}
	for id := range c.invited {
		if n := count(`SELECT COUNT(*) FROM invitations WHERE id = ?`, id); n != 1 {
			t.Errorf("acknowledged invitation %d: %d rows", id, n)
		}
	}
	if n := count(`SELECT COUNT(*) FROM (SELECT 1 FROM invitations GROUP BY link_id, email_norm HAVING COUNT(*) > 1) twice`); n != 0 {
		t.Errorf("%d addresses invited twice on a link", n)
	}
	// A bulk assign cut by a kill keeps what it wrote; asked again, it is
	// acknowledged whole, each address once.
	for _, batch := range c.bulkAcked {
		if n := count(`SELECT COUNT(*) FROM invitations WHERE email_norm IN (?, ?)`, batch[0], batch[len(batch)-1]); n != 2 {
			t.Errorf("bulk assign %s…%s: %d of its first and last address", batch[0], batch[len(batch)-1], n)
		}
		if n := count(`SELECT COUNT(*) FROM invitations WHERE email_norm LIKE ?`, strings.TrimSuffix(batch[0], "0@chaos.example")+"%"); n != len(batch) {
			t.Errorf("bulk assign of %d (%s…): %d invitations", len(batch), batch[0], n)
		}
	}
	for page, rows := range c.imports {
		id, _ := strconv.ParseInt(strings.TrimPrefix(page, "/imports/"), 10, 64)
		var status string
		var invited, skipped, rejected int
		rdb.QueryRow(`SELECT status, invited, skipped, rejected FROM imports WHERE id = ?`, id).Scan(&status, &invited, &skipped, &rejected)
		if status != "done" || invited+skipped+rejected != rows || invited != rows {
			t.Errorf("import %d of %d rows: %s, %d invited, %d skipped, %d rejected", id, rows, status, invited, skipped, rejected)
		}
	}
	if n := count(`SELECT COUNT(*) FROM invitations i WHERE i.send_email = 1 AND NOT EXISTS
			(SELECT 1 FROM outbox o WHERE o.invitation_id = i.id AND o.kind = 'invitation')`); n != 0 {
		t.Errorf("%d invitations asked to be emailed have no email", n)
	}
	if n := count(`SELECT COUNT(*) FROM (SELECT invitation_id FROM outbox WHERE kind = 'invitation' GROUP BY invitation_id HAVING COUNT(*) > 1) twice`); n != 0 {
		t.Errorf("%d invitations have their invitation email twice", n)
	}
	sent := count(`SELECT COUNT(*) FROM outbox WHERE status = 'sent'`)
	distinct, total, ids := sink.count()
	rows, _ := rdb.Query(`SELECT message_id FROM outbox WHERE status = 'sent'`)
	missing := 0
	for rows.Next() {
		var id string
		rows.Scan(&id)
		if ids[id] == 0 {
			missing++
		}
		delete(ids, id)
	}
	rows.Close()
	if missing > 0 || len(ids) > 0 || distinct != sent {
		t.Errorf("emails: %d sent in the outbox, %d distinct Message-IDs received, %d sent but never received, %d received but not in the outbox",
			sent, distinct, missing, len(ids))
	}
	for id := range c.completed {
		if n := count(`SELECT COUNT(*) FROM invitations WHERE id = ? AND status = 'completed'`, id); n != 1 {
			t.Errorf("invitation %d: the candidate saw the completion, the database lost it", id)
		}
	}
	completedInDB := count(`SELECT COUNT(*) FROM invitations WHERE link_id = ? AND status = 'completed'`, c.linkID)
	noCallback := 0
	crows, _ := rdb.Query(`SELECT id FROM invitations WHERE link_id = ? AND status = 'completed'`, c.linkID)
	for crows.Next() {
		var id int64
		crows.Scan(&id)
		if c.callbacks[id] == 0 {
			noCallback++
		}
	}
	crows.Close()
	if noCallback > 0 {
		t.Errorf("%d of %d completions were never called back", noCallback, completedInDB)
	}
	if !st.Postgres() {
		if verdict, err := st.IntegrityCheck(context.Background()); err != nil || verdict != "ok" {
			t.Errorf("integrity check: %s %v", verdict, err)
		}
	}
	redelivered := 0
	for _, n := range c.callbacks {
		redelivered += n - 1
	}
	t.Logf("%d kills survived; %d invitations acknowledged by the API, %d imports (%d rows), %d completions acknowledged (%d in the database); "+
		"%d bulk assigns (%d asked again after a kill); %d emails sent, %d SMTP deliveries (%d repeats of a Message-ID after a kill); %d completion callbacks repeated",
		c.kills, len(c.invited), len(c.imports), count(`SELECT COALESCE(SUM(invited), 0) FROM imports`), len(c.completed),
		count(`SELECT COUNT(*) FROM invitations WHERE status = 'completed'`), len(c.bulkAcked), c.bulkAgain, sent, total, total-distinct, redelivered)
}

// proxy spreads requests over the processes, as a reverse proxy in front
// of them would, passing to the next a request whose connection the first
// refused (it is down); a request cut by a kill fails as it would there.
func (c *chaos) proxy() http.Handler {
	transport := &http.Transport{MaxIdleConnsPerHost: 64}
	var next atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		first := int(next.Add(1))
		for i := range c.procs {
			p := c.procs[(first+i)%len(c.procs)]
			out := r.Clone(r.Context())
			out.URL.Scheme, out.URL.Host, out.RequestURI = "http", p.addr, ""
			out.Body, out.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
			resp, err := transport.RoundTrip(out)
			if errors.Is(err, syscall.ECONNREFUSED) {
				continue
			}
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			for k, vs := range resp.Header {
				w.Header()[k] = vs
			}
			w.WriteHeader(resp.StatusCode)
			io.Copy(w, resp.Body)
			resp.Body.Close()
			return
		}
		http.Error(w, "no server is up", http.StatusBadGateway)
	})
}
