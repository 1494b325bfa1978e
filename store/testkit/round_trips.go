package testkit

import (
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// RoundTrips stands between a store and PostgreSQL on loopback and counts
// the round trips the store waits out: each time a connection's client
// sends after the server last spoke (or first). A test that bounds them
// keeps a change from adding a network wait to a request that is paid
// once per hop between two machines.
type RoundTrips struct {
	flights atomic.Int64
	wg      sync.WaitGroup
}

// CountRoundTrips starts a counter in front of the PostgreSQL database at
// dsn and returns it with the URL that reaches the database through it.
// It stops when the test ends.
func CountRoundTrips(t testing.TB, dsn string) (*RoundTrips, string) {
	t.Helper()
	return HopAway(t, dsn, 0)
}

// HopAway is CountRoundTrips with the network delay one way between two
// machines: each chunk either side sends waits delay before it is passed
// on, so a round trip costs twice delay more.
func HopAway(t testing.TB, dsn string, delay time.Duration) (*RoundTrips, string) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rt := &RoundTrips{}
	target := u.Host
	rt.wg.Go(func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			server, err := net.Dial("tcp", target)
			if err != nil {
				client.Close()
				continue
			}
			var sending atomic.Bool
			rt.wg.Go(func() { pipe(server, client, delay, func() { sending.Store(false) }) })
			rt.wg.Go(func() {
				pipe(client, server, delay, func() {
					if !sending.Swap(true) {
						rt.flights.Add(1)
					}
				})
			})
		}
	})
	t.Cleanup(func() { ln.Close() })
	u.Host = ln.Addr().String()
	return rt, u.String()
}

// Count is how many round trips the connections through the counter have
// made so far.
func (rt *RoundTrips) Count() int64 { return rt.flights.Load() }

// pipe copies src to dst, calling read for each chunk and waiting delay
// before passing it on.
func pipe(dst, src net.Conn, delay time.Duration, read func()) {
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			read()
			time.Sleep(delay)
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil { // io.EOF or closed: the other side sees dst close
			return
		}
	}
}
