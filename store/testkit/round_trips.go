package testkit

import (
	"net/url"
	"testing"
	"time"

	"testgate/store/dbproxy"
)

// CountRoundTrips puts a proxy that counts round trips (dbproxy) in front
// of the PostgreSQL database at dsn and returns it with the URL that
// reaches the database through it. A test that bounds a request's round
// trips keeps a change from adding a network wait, which is paid once per
// hop between two machines. The proxy stops when the test ends.
func CountRoundTrips(t testing.TB, dsn string) (*dbproxy.Proxy, string) {
	t.Helper()
	return HopAway(t, dsn, 0)
}

// HopAway is CountRoundTrips with the delay one way of a network between
// two machines: a round trip costs twice delay more.
func HopAway(t testing.TB, dsn string, delay time.Duration) (*dbproxy.Proxy, string) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	p, err := dbproxy.Start(u.Host, delay)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	through, err := p.Through(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return p, through
}
