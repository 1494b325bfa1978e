package mail

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"testgate/store"
	"testgate/store/jobs"
	"testgate/store/testkit"

	"github.com/emersion/go-smtp"
)

// clock is a settable time for the store, safe across worker goroutines.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

var sender = &netmail.Address{Name: "Acme Hiring", Address: "hiring@acme.test"}

type mailFixture struct {
	db    *store.DB
	clock *clock
	test  store.Test
	link  store.TestLink
}

func newMailFixture(t testing.TB) *mailFixture {
	t.Helper()
	wiring := store.Wiring{Composer: NewComposer("https://tests.acme.test", sender), Payloads: store.Offline.Payloads}
	db, err := store.Open(context.Background(), testkit.SQLite(t, func(dsn string) error {
		db, err := store.Open(context.Background(), dsn, wiring)
		if err != nil {
			return err
		}
		defer db.Close()
		_, err = db.Migrate(context.Background())
		return err
	}), wiring)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := &clock{now: time.Date(2027, 6, 1, 9, 0, 0, 0, time.UTC)}
	db.SetClock(c.Now)
	tt, _ := db.CreateTest(context.Background(), store.TestInput{Name: "Go backend", Kind: store.KindAssessment, DurationMinutes: 45}, nil)
	link, _ := db.CreateLink(context.Background(), tt.ID, store.LinkInput{Name: "Campus", SendEmail: true})
	return &mailFixture{db: db, clock: c, test: tt, link: link}
}

func (f *mailFixture) invite(t *testing.T, name, email string, at *time.Time) store.Invitation {
	t.Helper()
	res, err := f.db.Invite(context.Background(), store.NewInvitation{TestID: f.test.ID, LinkID: f.link.ID, Name: name, Email: email,
		Source: store.SourceIMocha, SendEmailAt: at})
	if err != nil {
		t.Fatal(err)
	}
	return res.Invitation
}

// runWorker runs a worker against the SMTP address until the test ends.
// Its lease outlasts every jump of the test clock: a lease is real time in
// production, and a jump must not make a message in flight look abandoned.
func (f *mailFixture) runWorker(t *testing.T, addr string, rate float64) *Worker {
	t.Helper()
	return f.run(t, f.smtpWorker(t, addr, rate))
}

// smtpWorker is a worker sending to addr at rate, not yet running.
func (f *mailFixture) smtpWorker(t *testing.T, addr string, rate float64) *Worker {
	t.Helper()
	host, port, _ := strings.Cut(addr, ":")
	cfg, err := ParseSMTPURL("smtp://" + host + ":" + port + "?tls=none")
	if err != nil {
		t.Fatal(err)
	}
	return &Worker{DB: f.db, Rate: rate, Concurrency: 1, Backoff: time.Minute, MaxAttempts: 5, Lease: 100000 * time.Hour,
		Poll: 10 * time.Millisecond, NewSender: func() (Sender, error) { return NewSMTPSender(cfg, sender) }}
}

// run runs a worker until the test ends.
func (f *mailFixture) run(t *testing.T, w *Worker) *Worker {
	ws := startOutbox(f.db, w)
	t.Cleanup(func() { ws.Stop(context.Background()) })
	return w
}

// startOutbox runs a worker as serve does: in the store's workers, woken
// by the commits that queue email.
func startOutbox(db *store.DB, w *Worker) *jobs.Workers {
	ws := jobs.New(slog.New(slog.NewTextHandler(io.Discard, nil)))
	ws.Add(store.WorkMail, w, w.Schedule())
	db.StartWorkers(context.Background(), ws)
	return ws
}

// worker is a worker for synchronous passes (Step), with the fixture's
// backoff and a lease that outlasts the test clock's jumps.
func (f *mailFixture) worker() *Worker {
	return &Worker{DB: f.db, MaxAttempts: 5, Backoff: time.Minute, Lease: 100000 * time.Hour}
}

// sender connects to an SMTP server in-process; it is closed with the test.
func (f *mailFixture) sender(t *testing.T, addr string) *SMTPSender {
	t.Helper()
	host, port, _ := strings.Cut(addr, ":")
	cfg, err := ParseSMTPURL("smtp://" + host + ":" + port + "?tls=none")
	if err != nil {
		t.Fatal(err)
	}
	snd, err := NewSMTPSender(cfg, sender)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { snd.Close() })
	return snd
}

// step runs one synchronous pass of a worker over a new connection and
// returns how many messages it handled.
func (f *mailFixture) step(t *testing.T, addr string) int {
	t.Helper()
	n, err := f.worker().Step(context.Background(), f.sender(t, addr))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// waitFor polls the outbox until every message is in the status, or fails.
func (f *mailFixture) waitFor(t *testing.T, status string, n int) []store.OutboxMessage {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		msgs, _ := f.db.Outbox(context.Background(), store.OutboxFilter{Status: status})
		if len(msgs) == n {
			return msgs
		}
		time.Sleep(10 * time.Millisecond)
	}
	all, _ := f.db.Outbox(context.Background(), store.OutboxFilter{})
	for _, m := range all {
		t.Logf("outbox %d: %s attempts %d next %v err %q", m.ID, m.Status, m.Attempts, m.NextAttemptAt, m.LastError)
	}
	t.Fatalf("never %d %s messages", n, status)
	return nil
}

// parts reads a received message's headers and its text and HTML parts.
func parts(t *testing.T, data []byte) (*netmail.Message, string, string) {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/alternative" {
		t.Fatalf("content type %q", msg.Header.Get("Content-Type"))
	}
	var text, html string
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(p)
		switch {
		case strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain"):
			text = decodeQP(t, p.Header.Get("Content-Transfer-Encoding"), body)
		case strings.HasPrefix(p.Header.Get("Content-Type"), "text/html"):
			html = decodeQP(t, p.Header.Get("Content-Transfer-Encoding"), body)
		}
	}
	return msg, text, html
}

func TestInvitationEmailIsDelivered(t *testing.T) {
	t.Parallel()
	f := newMailFixture(t)
	s := startSink(t, "")
	inv := f.invite(t, "Ada Lovelace", "ada@example.com", nil)
	queued, _ := f.db.Outbox(context.Background(), store.OutboxFilter{InvitationID: inv.ID})
	if len(queued) != 1 || queued[0].Status != store.OutboxQueued || queued[0].Kind != store.EmailInvitation {
		t.Fatalf("outbox after invite %+v", queued)
	}
	f.runWorker(t, s.addr, 100)
	sent := f.waitFor(t, store.OutboxSent, 1)
	got := s.received()
	if len(got) != 1 || got[0].From != "hiring@acme.test" || len(got[0].To) != 1 || got[0].To[0] != "ada@example.com" {
		t.Fatalf("envelope %+v", got)
	}
	msg, text, html := parts(t, got[0].Data)
	testURL := "https://tests.acme.test/t/" + inv.Token
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(msg.Header.Get("Subject"))
	if subject != "Your invitation to Go backend" || msg.Header.Get("Message-Id") != "<"+sent[0].MessageID+">" ||
		!strings.Contains(msg.Header.Get("To"), "ada@example.com") || !strings.Contains(msg.Header.Get("From"), "hiring@acme.test") {
		t.Fatalf("headers %v", msg.Header)
	}
	if !strings.Contains(text, "Hello Ada Lovelace") || !strings.Contains(text, testURL) || !strings.Contains(text, "45 minutes") {
		t.Fatalf("text part %q", text)
	}
	if !strings.Contains(html, `href="`+testURL+`"`) || !strings.Contains(html, "Start the test") {
		t.Fatalf("html part %q", html)
	}
	if sent[0].Attempts != 1 || sent[0].SentAt == nil || sent[0].DevMailbox {
		t.Fatalf("row %+v", sent[0])
	}
}

func TestServerDownThenUpDeliversOnce(t *testing.T) {
	t.Parallel()
	f := newMailFixture(t)
	addr := freeAddr(t) // nothing listens yet
	f.invite(t, "Bo", "bo@example.com", nil)
	if n := f.step(t, addr); n != 1 {
		t.Fatalf("first pass handled %d", n)
	}
	msgs, _ := f.db.Outbox(context.Background(), store.OutboxFilter{})
	if m := msgs[0]; m.Status != store.OutboxQueued || m.Attempts != 1 || m.LastError == "" || !m.NextAttemptAt.After(f.clock.Now()) {
		t.Fatalf("after a refused connection: %+v", m)
	}
	s := startSink(t, addr)
	if n := f.step(t, addr); n != 0 || len(s.received()) != 0 {
		t.Fatalf("retried before its time: %d handled, %d received", n, len(s.received()))
	}
	f.clock.Add(2 * time.Minute) // past the backoff
	if n := f.step(t, addr); n != 1 {
		t.Fatalf("retry handled %d", n)
	}
	if n := f.step(t, addr); n != 0 {
		t.Fatalf("a pass after delivery handled %d", n)
	}
	if sent, _ := f.db.Outbox(context.Background(), store.OutboxFilter{Status: store.OutboxSent}); len(sent) != 1 || sent[0].Attempts != 2 {
		t.Fatalf("sent rows %+v", sent)
	}
	if n := len(s.received()); n != 1 {
		t.Fatalf("delivered %d times", n)
	}
}

func TestPermanentRefusalIsNotRetried(t *testing.T) {
	t.Parallel()
	f := newMailFixture(t)
	s := startSink(t, "")
	s.refuse = func(rcpt string) error {
		if rcpt == "gone@example.com" {
			return errMailboxUnavailable
		}
		return nil
	}
	f.invite(t, "Gone", "gone@example.com", nil)
	f.invite(t, "Here", "here@example.com", nil)
	f.runWorker(t, s.addr, 100)
	failed := f.waitFor(t, store.OutboxFailed, 1)
	f.waitFor(t, store.OutboxSent, 1)
	if failed[0].Recipient != "gone@example.com" || !strings.Contains(failed[0].LastError, "550") || failed[0].Attempts != 1 {
		t.Fatalf("failed row %+v", failed[0])
	}
	f.clock.Add(24 * time.Hour)
	if n := f.step(t, s.addr); n != 0 {
		t.Fatalf("a pass a day later handled %d", n)
	}
	if again, _ := f.db.OutboxMessage(context.Background(), failed[0].ID); again.Attempts != 1 || again.Status != store.OutboxFailed {
		t.Fatalf("a permanent failure was retried: %+v", again)
	}
}

func TestConnectionDroppedMidBatch(t *testing.T) {
	t.Parallel()
	f := newMailFixture(t)
	s := startSink(t, "")
	s.dropAfter = 2
	for i := range 6 {
		f.invite(t, "C", "c"+string(rune('a'+i))+"@example.com", nil)
	}
	// One connection for all passes: the server drops it after every two
	// messages, and the sender must reconnect.
	snd := f.sender(t, s.addr)
	for pass := 0; pass < 20; pass++ {
		if sent, _ := f.db.Outbox(context.Background(), store.OutboxFilter{Status: store.OutboxSent}); len(sent) == 6 {
			break
		}
		if _, err := f.worker().Step(context.Background(), snd); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(time.Hour) // let retries come due
	}
	f.waitFor(t, store.OutboxSent, 6)
	seen := map[string]int{}
	for _, r := range s.received() {
		msg, _ := netmail.ReadMessage(bytes.NewReader(r.Data))
		seen[msg.Header.Get("Message-Id")]++
	}
	if len(seen) != 6 {
		t.Fatalf("%d distinct messages received: %v", len(seen), seen)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s received %d times", id, n)
		}
	}
}

func TestCrashedSendingIsRetriedWithTheSameMessageID(t *testing.T) {
	t.Parallel()
	f := newMailFixture(t)
	s := startSink(t, "")
	f.invite(t, "Cy", "cy@example.com", nil)
	// A worker claims the message and dies before sending it.
	claimed, err := f.db.ClaimOutbox(context.Background(), 10, time.Minute)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v %d", err, len(claimed))
	}
	if n := f.step(t, s.addr); n != 0 || len(s.received()) != 0 {
		t.Fatal("a leased message was taken before its lease ran out")
	}
	f.clock.Add(2 * time.Minute)
	if n := f.step(t, s.addr); n != 1 {
		t.Fatalf("after the lease: %d handled", n)
	}
	sent := f.waitFor(t, store.OutboxSent, 1)
	msg, _ := netmail.ReadMessage(bytes.NewReader(s.received()[0].Data))
	if msg.Header.Get("Message-Id") != "<"+claimed[0].MessageID+">" || sent[0].Attempts != 2 {
		t.Fatalf("Message-ID %q, want %q; attempts %d", msg.Header.Get("Message-Id"), claimed[0].MessageID, sent[0].Attempts)
	}
}

func TestScheduledEmailWaitsForItsTime(t *testing.T) {
	t.Parallel()
	f := newMailFixture(t)
	s := startSink(t, "")
	at := f.clock.Now().Add(3 * time.Hour)
	f.invite(t, "Di", "di@example.com", &at)
	for _, ahead := range []time.Duration{0, 2*time.Hour + 59*time.Minute} {
		f.clock.Add(ahead)
		if n := f.step(t, s.addr); n != 0 || len(s.received()) != 0 {
			t.Fatalf("%v on: sent before its time", ahead)
		}
	}
	f.clock.Add(time.Minute)
	if n := f.step(t, s.addr); n != 1 || len(s.received()) != 1 {
		t.Fatalf("at its time: %d handled, %d received", n, len(s.received()))
	}
}

func TestRateLimitIsHonoured(t *testing.T) {
	t.Parallel()
	f := newMailFixture(t)
	s := startSink(t, "")
	for i := range 10 {
		f.invite(t, "R", "r"+string(rune('a'+i))+"@example.com", nil)
	}
	start := time.Now()
	f.runWorker(t, s.addr, 20) // 20 a second: 10 messages need at least 450 ms
	f.waitFor(t, store.OutboxSent, 10)
	if elapsed := time.Since(start); elapsed < 450*time.Millisecond {
		t.Fatalf("10 messages at 20/s took only %v", elapsed)
	}
}

func TestHeaderInjectionIsImpossible(t *testing.T) {
	t.Parallel()
	f := newMailFixture(t)
	s := startSink(t, "")
	// The store refuses such names and addresses at the door...
	if _, err := f.db.Invite(context.Background(), store.NewInvitation{TestID: f.test.ID, LinkID: f.link.ID, Name: "Eve\r\nBcc: spy@evil.test",
		Email: "eve@example.com", Source: store.SourceNative}); err == nil {
		t.Fatal("a name with a line break was accepted")
	}
	// ...and a row that got in anyway still makes one header line each.
	row := store.OutboxMessage{Recipient: "eve@example.com", RecipientName: "Eve\r\nBcc: spy@evil.test",
		Subject: "Hello\r\nBcc: spy@evil.test", Text: "hi", HTML: "<p>hi</p>", MessageID: "x1@acme.test"}
	snd, _ := NewSMTPSender(SMTPConfig{Host: "127.0.0.1", Port: portOf(s.addr), TLS: TLSNone}, sender)
	defer snd.Close()
	if err := snd.Deliver(context.Background(), row); err != nil {
		t.Fatal(err)
	}
	got := s.received()
	if len(got) != 1 || len(got[0].To) != 1 || got[0].To[0] != "eve@example.com" {
		t.Fatalf("envelope %+v", got)
	}
	msg, _ := netmail.ReadMessage(bytes.NewReader(got[0].Data))
	if msg.Header.Get("Bcc") != "" || strings.Contains(string(got[0].Data), "\r\nBcc:") {
		t.Fatalf("injected header in:\n%s", got[0].Data)
	}
	if _, err := Message(sender, store.OutboxMessage{Recipient: "a@example.com\r\nBcc: spy@evil.test"}); err == nil {
		t.Fatal("a recipient with a line break was accepted")
	}
}

func TestPlaceholderAddressesAreNeverMailed(t *testing.T) {
	t.Parallel()
	f := newMailFixture(t)
	res, err := f.db.Invite(context.Background(), store.NewInvitation{TestID: f.test.ID, LinkID: f.link.ID, GeneratePlaceholders: true, Source: store.SourceIMocha})
	if err != nil {
		t.Fatal(err)
	}
	if msgs, _ := f.db.Outbox(context.Background(), store.OutboxFilter{InvitationID: res.Invitation.ID}); len(msgs) != 0 {
		t.Fatalf("mail queued for a stand-in address: %+v", msgs)
	}
}

func TestStoppingHandsBackUnsentMessages(t *testing.T) {
	t.Parallel()
	f := newMailFixture(t)
	for _, e := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		f.invite(t, "N", e, nil)
	}
	ctx := context.Background()
	claimed, err := f.db.ClaimOutbox(ctx, 3, time.Hour)
	if err != nil || len(claimed) != 3 {
		t.Fatalf("claim: %d %v", len(claimed), err)
	}
	// A worker stopping after the first message gives the other two back,
	// due now and with their attempt not counted.
	w := &Worker{DB: f.db}
	w.defaults()
	w.release(claimed[1:])
	queued := f.waitFor(t, store.OutboxQueued, 2)
	for _, m := range queued {
		if m.Attempts != 0 || m.NextAttemptAt.After(f.clock.Now()) {
			t.Fatalf("released %+v", m)
		}
	}
	if m, _ := f.db.OutboxMessage(ctx, claimed[0].ID); m.Status != store.OutboxSending {
		t.Fatalf("the message in flight became %s", m.Status)
	}
}

func TestStopFinishesTheMessageInFlight(t *testing.T) {
	t.Parallel()
	f := newMailFixture(t)
	s := startSink(t, "")
	s.slow, s.slowFor = make(chan struct{}), 300*time.Millisecond
	began := s.slow
	f.invite(t, "Slow", "slow@example.com", nil)
	host, port, _ := strings.Cut(s.addr, ":")
	cfg, _ := ParseSMTPURL("smtp://" + host + ":" + port + "?tls=none")
	w := &Worker{DB: f.db, Poll: 10 * time.Millisecond, NewSender: func() (Sender, error) { return NewSMTPSender(cfg, sender) }}
	ws := startOutbox(f.db, w)
	<-began // the message is on the wire
	if late := ws.Stop(context.Background()); len(late) > 0 {
		t.Fatalf("not stopped: %v", late)
	}
	msgs, _ := f.db.Outbox(context.Background(), store.OutboxFilter{})
	if msgs[0].Status != store.OutboxSent || len(s.received()) != 1 {
		t.Fatalf("after a stop mid-send: %s, %d received", msgs[0].Status, len(s.received()))
	}
}

// A new email goes out when it is committed, not at the worker's next
// poll: the store wakes the worker.
func TestNewEmailWakesTheWorker(t *testing.T) {
	t.Parallel()
	f := newMailFixture(t)
	s := startSink(t, "")
	w := f.smtpWorker(t, s.addr, 100)
	w.Poll = time.Hour
	f.run(t, w)
	f.invite(t, "Ed", "ed@example.com", nil)
	f.waitFor(t, store.OutboxSent, 1) // its first pass may find this one
	// The worker now waits an hour for its next poll; only a wake brings it.
	f.invite(t, "Flo", "flo@example.com", nil)
	f.waitFor(t, store.OutboxSent, 2)
	if n := len(s.received()); n != 2 {
		t.Fatalf("%d received", n)
	}
}

// A kept connection that died while idle — the server hung up, or go-mail's
// own deadline (15 s) lapsed — is opened again for the next message, which
// goes out at once rather than into a 30-second backoff.
func TestConnectionLostWhileIdleIsReopened(t *testing.T) {
	t.Parallel()
	f := newMailFixture(t)
	s := startSinkWith(t, "", func(srv *smtp.Server) { srv.ReadTimeout = 100 * time.Millisecond })
	snd := f.sender(t, s.addr)
	for i, who := range []string{"ann@example.com", "bob@example.com"} {
		f.invite(t, "C", who, nil)
		if n, err := f.worker().Step(context.Background(), snd); err != nil || n != 1 {
			t.Fatalf("pass %d: %d, %v", i, n, err)
		}
		time.Sleep(300 * time.Millisecond) // the server closes the idle connection
	}
	sent, _ := f.db.Outbox(context.Background(), store.OutboxFilter{Status: store.OutboxSent})
	if len(sent) != 2 || len(s.received()) != 2 {
		t.Fatalf("%d sent, %d received", len(sent), len(s.received()))
	}
	for _, m := range sent {
		if m.Attempts != 1 {
			t.Errorf("%s took %d attempts", m.Recipient, m.Attempts)
		}
	}
}
