package main

import (
	"fmt"
	"net/url"
	"os"
	"time"

	"testgate/store/dbproxy"
)

// The campus drive on PostgreSQL one network hop away (make bench): every
// rung on a new database reached through the delay proxy, with one process
// and with two (a candidate's requests go to one of them, as a reverse
// proxy with sticky sessions would send them).

// farResult is one kind of installation's largest N.
type farResult struct {
	name string
	best int
}

func drivePostgres(bin, pgAdmin string, ladder []int, arrive, autosaveEvery, bound time.Duration) ([]farResult, error) {
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
	for _, processes := range []int{1, 2} {
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
			first, err := startServerOn(bin, far, os.Stderr)
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
			return servers, stop, nil
		}
		name := fmt.Sprintf("PostgreSQL %s away, %d %s", hopDelay, processes, map[bool]string{true: "process", false: "processes"}[processes == 1])
		best, err := climb(name+", "+driveAlongside["none"], ladder, arrive, autosaveEvery, bound, "none", start)
		if err != nil {
			return nil, err
		}
		out = append(out, farResult{name, best})
	}
	return out, nil
}
