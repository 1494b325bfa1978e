// Package dbproxy stands between Testgate and its database on loopback:
// it adds the latency of a network between two machines and counts the
// round trips the clients wait out. The benchmark (cmd/loadbench) puts the
// database one hop away with it, and tests bound a request's round trips
// (store/testkit).
package dbproxy

import (
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// Proxy stands for a network between Testgate and its database: it
// forwards each TCP connection from a loopback port to the database,
// holding every chunk delay before passing it on, in each direction, in
// order, without slowing the chunks behind it (a link of some latency, not
// of little bandwidth). It listens on loopback only and dials only the
// target it is given.
type Proxy struct {
	ln    net.Listener
	delay time.Duration
	to    string
	wg    sync.WaitGroup
	// flights counts what the clients sent the database between two
	// answers: each is a round trip the client waited out.
	flights atomic.Int64
}

// Start listens on a loopback port and forwards to target (host:port),
// delay each way; a delay of 0 only counts.
func Start(target string, delay time.Duration) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{ln: ln, delay: delay, to: target}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.to)
		if err != nil {
			c.Close()
			continue
		}
		p.wg.Add(2)
		var turn atomic.Bool // the client is sending (true) or the database answering
		go p.pipe(c, up, func() {
			if !turn.Swap(true) {
				p.flights.Add(1)
			}
		})
		go p.pipe(up, c, func() { turn.Store(false) })
	}
}

// chunk is bytes read at a time, due at.
type chunk struct {
	at   time.Time
	data []byte
}

// pipe copies src to dst, each chunk delay after it was read, calling
// read for each chunk.
func (p *Proxy) pipe(src, dst net.Conn, read func()) {
	defer p.wg.Done()
	queue := make(chan chunk, 4096)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for c := range queue {
			time.Sleep(time.Until(c.at))
			if _, err := dst.Write(c.data); err != nil {
				for range queue { // drain, so the reader never blocks
				}
				return
			}
		}
	}()
	buf := make([]byte, 64<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			read()
			queue <- chunk{time.Now().Add(p.delay), append([]byte(nil), buf[:n]...)}
		}
		if err != nil {
			break
		}
	}
	close(queue)
	<-done
	if tc, ok := dst.(*net.TCPConn); ok {
		tc.CloseWrite()
	} else {
		dst.Close()
	}
}

// RoundTrips is how many round trips the connections through the proxy
// have waited out so far.
func (p *Proxy) RoundTrips() int64 { return p.flights.Load() }

// Close stops taking connections; those open end as their sides close.
func (p *Proxy) Close() { p.ln.Close() }

// Through is a PostgreSQL URL whose host is the proxy.
func (p *Proxy) Through(dbURL string) (string, error) {
	u, err := url.Parse(dbURL)
	if err != nil {
		return "", err
	}
	u.Host = p.ln.Addr().String()
	return u.String(), nil
}
