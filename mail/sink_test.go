package mail

import (
	"bytes"
	"io"
	"mime/quotedprintable"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// sink is a real SMTP server in-process that keeps what it receives and
// can be told to refuse or to drop connections.
type sink struct {
	mu       sync.Mutex
	messages []received
	// refuse, when set, answers RCPT TO for an address.
	refuse func(rcpt string) error
	// dropAfter closes the connection after this many messages on it (0: never).
	dropAfter int
	// slow, when set, is closed as a message's data starts arriving and
	// the server then takes slowFor to accept it.
	slow    chan struct{}
	slowFor time.Duration
	srv     *smtp.Server
	addr    string
}

type received struct {
	From string
	To   []string
	Data []byte
}

func startSink(t testing.TB, addr string) *sink { return startSinkWith(t, addr, nil) }

// startSinkWith starts a sink whose server configure may change first.
func startSinkWith(t testing.TB, addr string, configure func(*smtp.Server)) *sink {
	t.Helper()
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	s := &sink{addr: ln.Addr().String()}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &sinkSession{sink: s, conn: c}, nil
	}))
	s.srv.Domain = "sink.test"
	s.srv.AllowInsecureAuth = true
	if configure != nil {
		configure(s.srv)
	}
	go s.srv.Serve(ln)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

func (s *sink) received() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.messages...)
}

type sinkSession struct {
	sink *sink
	conn *smtp.Conn
	cur  received
	sent int
}

func (ss *sinkSession) Reset()        { ss.cur = received{} }
func (ss *sinkSession) Logout() error { return nil }
func (ss *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	ss.sink.mu.Lock()
	drop := ss.sink.dropAfter
	ss.sink.mu.Unlock()
	if drop > 0 && ss.sent >= drop {
		// The server hangs up after acknowledging its last message, when
		// the next one begins.
		ss.conn.Close()
		return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 4, 2}, Message: "closing connection"}
	}
	ss.cur.From = from
	return nil
}
func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.sink.mu.Lock()
	refuse := ss.sink.refuse
	ss.sink.mu.Unlock()
	if refuse != nil {
		if err := refuse(to); err != nil {
			return err
		}
	}
	ss.cur.To = append(ss.cur.To, to)
	return nil
}
func (ss *sinkSession) Data(r io.Reader) error {
	ss.sink.mu.Lock()
	slow := ss.sink.slow
	ss.sink.slow = nil
	ss.sink.mu.Unlock()
	if slow != nil {
		close(slow)
		time.Sleep(ss.sink.slowFor)
	}
	var b bytes.Buffer
	if _, err := io.Copy(&b, r); err != nil {
		return err
	}
	ss.cur.Data = b.Bytes()
	ss.sink.mu.Lock()
	ss.sink.messages = append(ss.sink.messages, ss.cur)
	ss.sink.mu.Unlock()
	ss.sent++
	return nil
}

var errMailboxUnavailable = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "mailbox unavailable"}

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func portOf(addr string) int {
	_, p, _ := net.SplitHostPort(addr)
	n := 0
	for _, c := range p {
		n = n*10 + int(c-'0')
	}
	return n
}

func decodeQP(t testing.TB, encoding string, body []byte) string {
	t.Helper()
	if !strings.EqualFold(encoding, "quoted-printable") {
		return string(body)
	}
	b, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
