package main

import (
	"fmt"
	"math"
	"net/url"
	"os"
	"time"

	"testgate/store/dbproxy"
)

// The campus drive on PostgreSQL one network hop away (make bench): every
// rung on a new database reached through the delay proxy, with one process
// and with two (a candidate's requests go to one of them, as a reverse
// proxy with sticky sessions would send them). With a CPU share, the pair
// again with each process confined to it (confine.go): on one machine the
// processes otherwise share the cores with PostgreSQL and the client, and
// a second process has none to add; confined, it adds what a second
// machine of that size would.

// farResult is one kind of installation's largest N.
type farResult struct {
	name string
	best int
}

func drivePostgres(bin, pgAdmin string, ladder []int, arrive, autosaveEvery, bound time.Duration, cpus float64) ([]farResult, error) {
	target, err := url.Parse(pgAdmin)
	if err != nil {
		return nil, err
	}
	proxy, err := dbproxy.Start(target.Host, hopDelay)
	if err != nil {
		return nil, err
	}
	defer proxy.Close()
	var out []farResult
	shares := []float64{0}
	if cpus > 0 {
		shares = append(shares, cpus)
	}
	for _, share := range shares {
		for _, processes := range []int{1, 2} {
			best, name, err := driveFar(bin, pgAdmin, proxy, processes, share, ladder, arrive, autosaveEvery, bound)
			if err != nil {
				return nil, err
			}
			out = append(out, farResult{name, best})
		}
	}
	return out, nil
}

// driveFar climbs the ladder with processes processes, each confined to
// cpus CPUs when cpus > 0.
func driveFar(bin, pgAdmin string, proxy *dbproxy.Proxy, processes int, cpus float64, ladder []int, arrive, autosaveEvery, bound time.Duration) (int, string, error) {
	start := func(int) ([]*server, func(), error) {
		u, drop, err := newPostgresDatabase(pgAdmin)
		if err != nil {
			return nil, nil, err
		}
		far, err := proxy.Through(u)
		if err != nil {
			drop()
			return nil, nil, err
		}
		var env []string
		if cpus > 0 { // the runtime sees the CPUs a machine of that size has
			env = append(env, fmt.Sprintf("GOMAXPROCS=%d", int(math.Ceil(cpus))))
		}
		first, err := startServerOn(bin, far, os.Stderr, env...)
		if err != nil {
			drop()
			return nil, nil, err
		}
		servers := []*server{first}
		stop := func() {
			for _, s := range servers {
				s.stop()
			}
			drop()
		}
		for len(servers) < processes {
			s, err := first.another(os.Stderr)
			if err != nil {
				stop()
				return nil, nil, err
			}
			servers = append(servers, s)
		}
		if cpus > 0 {
			for _, s := range servers {
				if err := s.confine(cpus); err != nil {
					stop()
					return nil, nil, err
				}
			}
		}
		return servers, stop, nil
	}
	name := fmt.Sprintf("PostgreSQL %s away, %d %s", hopDelay, processes, map[bool]string{true: "process", false: "processes"}[processes == 1])
	if cpus > 0 {
		name += fmt.Sprintf(" of %g CPU", cpus)
		if processes > 1 {
			name += " each"
		}
	}
	best, err := climb(name+", "+driveAlongside["none"], ladder, arrive, autosaveEvery, bound, "none", start)
	return best, name, err
}
