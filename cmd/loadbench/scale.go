package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to make the bench's databases

	"testgate/store/dbproxy"
)

// The scale-out comparison (make bench): the same three loads against one
// process on SQLite, one on PostgreSQL and two on one PostgreSQL database
// (requests spread over both, as a reverse proxy would), in one run:
// invitations through the API, candidates opening their page, and
// candidates taking the test (open, start, two autosaves, submit).

// setup is one of the compared installations.
type setup struct {
	name      string
	db        string // file or URL
	processes int
	proxy     *dbproxy.Proxy // the network to the database, when it is one hop away
}

// scaleResult is what one installation measured.
type scaleResult struct {
	invite, landing, taking loadResult
	roundTrips              map[string]float64 // per request, one process one hop away
}

func runScale(bin, pgAdmin string, d time.Duration, conns int) error {
	dir, err := os.MkdirTemp("", "testgate-scale-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	setups := []setup{{"SQLite, 1 process", filepath.Join(dir, "scale.db"), 1, nil}}
	for _, n := range []int{1, 2} {
		u, drop, err := newPostgresDatabase(pgAdmin)
		if err != nil {
			return err
		}
		defer drop()
		setups = append(setups, setup{fmt.Sprintf("PostgreSQL, %d %s", n, processes(n)), u, n, nil})
	}
	// The database one network hop away: 1 ms each way, as between two
	// machines, so each round trip a request makes costs what it would.
	target, err := url.Parse(pgAdmin)
	if err != nil {
		return err
	}
	proxy, err := dbproxy.Start(target.Host, hopDelay)
	if err != nil {
		return err
	}
	defer proxy.Close()
	for _, n := range []int{1, 2} {
		u, drop, err := newPostgresDatabase(pgAdmin)
		if err != nil {
			return err
		}
		defer drop()
		far, err := proxy.Through(u)
		if err != nil {
			return err
		}
		setups = append(setups, setup{fmt.Sprintf("PostgreSQL %s away, %d %s", hopDelay, n, processes(n)), far, n, proxy})
	}
	results := make([]scaleResult, len(setups))
	for i, st := range setups {
		fmt.Fprintf(os.Stderr, "  %s\n", st.name)
		if results[i], err = measureSetup(bin, st, d, conns); err != nil {
			return fmt.Errorf("%s: %w", st.name, err)
		}
	}

	durability, err := commitDurability(pgAdmin)
	if err != nil {
		return err
	}
	fmt.Printf("\nTestgate scale-out — the same loads on SQLite and PostgreSQL (%s each, %d connections)\n", d, conns)
	fmt.Printf("PostgreSQL: %s\n\n", durability)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "load\tinstallation\treq/s\tp50\tp99\tratio to SQLite\t")
	var failed int
	for _, load := range []struct {
		name string
		of   func(scaleResult) loadResult
	}{
		{"POST /api/native/links/{id}/invitations", func(r scaleResult) loadResult { return r.invite }},
		{"GET /t/{token} (landing page)", func(r scaleResult) loadResult { return r.landing }},
		{"candidates taking the test (mixed)", func(r scaleResult) loadResult { return r.taking }},
	} {
		base := load.of(results[0]).PerSecond()
		for i, st := range setups {
			r := load.of(results[i])
			failed += r.Errors + r.Status5xx
			fmt.Fprintf(tw, "%s\t%s\t%.0f\t%s\t%s\t%.2f\t\n", load.name, st.name, r.PerSecond(), ms(r.Percentile(50)), ms(r.Percentile(99)), r.PerSecond()/base)
		}
	}
	tw.Flush()
	for i, st := range setups {
		if trips := results[i].roundTrips; trips != nil {
			fmt.Printf("\nround trips to the database per request, %s (each costs %s there):\n", st.name, 2*hopDelay)
			for _, a := range roundTripActions {
				fmt.Printf("  %-14s %5.1f\n", a, trips[a])
			}
		}
	}
	fmt.Printf("\nrequests with errors or unexpected status: %d\n", failed)
	if failed > 0 {
		return fmt.Errorf("%d requests failed", failed)
	}
	return nil
}

// measureSetup starts the installation's processes and runs the loads.
func measureSetup(bin string, st setup, d time.Duration, conns int) (scaleResult, error) {
	var r scaleResult
	first, err := startServerOn(bin, st.db, os.Stderr)
	if err != nil {
		return r, err
	}
	servers := []*server{first}
	defer func() {
		for _, s := range servers {
			s.stop()
		}
	}()
	for len(servers) < st.processes {
		s, err := first.another(os.Stderr)
		if err != nil {
			return r, err
		}
		servers = append(servers, s)
	}
	testID, linkID, err := first.newLink("Scale", false)
	if err != nil {
		return r, err
	}
	question, err := firstQuestion(first, testID)
	if err != nil {
		return r, err
	}
	// The candidates who will take the test, each on a fresh invitation of
	// their own: more than the load gets through in its time, so that it
	// never runs out of them. Made first, so that what a bulk insert leaves
	// behind (a checkpoint, autovacuum) falls before their load rather than
	// inside it.
	takers := takersPerSecond * int(max(d/time.Second, 1))
	if err := assignMany(first, testID, "take", takers, false); err != nil {
		return r, fmt.Errorf("the candidates taking the test: %w", err)
	}
	fresh, err := tokens(st.db, "take", takers)
	if err != nil || len(fresh) != takers {
		return r, fmt.Errorf("the candidates taking the test: %d tokens of %d, %v", len(fresh), takers, err)
	}
	client := newClient(conns * len(servers))
	on := func(i int) string { return servers[i%len(servers)].base }
	if st.proxy != nil && st.processes == 1 {
		if r.roundTrips, err = countRoundTrips(first, st.proxy, linkID, question, 20); err != nil {
			return r, fmt.Errorf("round trips: %w", err)
		}
	}

	// Invitations through the API, each a new address.
	var n atomic.Int64
	r.invite = runLoad(client, conns, d, 0, http.StatusCreated, func(i int) *http.Request {
		body := fmt.Sprintf(`{"name":"Scale %d","email":"scale%d@bench.example"}`, n.Add(1), i)
		req, _ := http.NewRequest(http.MethodPost, on(i)+"/api/native/links/"+strconv.FormatInt(linkID, 10)+"/invitations", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-API-Key", first.key)
		return req
	})
	toks, err := tokens(st.db, "scale", 100_000)
	if err != nil || len(toks) < 100 {
		return r, fmt.Errorf("tokens: %d, %v", len(toks), err)
	}

	// The landing page, each invitation opened once first (a write).
	runLoad(client, conns, time.Minute, len(toks), http.StatusOK, func(i int) *http.Request { return get(client, on(i)+"/t/"+toks[i]) })
	r.landing = runLoad(client, conns, d, 0, http.StatusOK, func(i int) *http.Request {
		return get(client, on(i)+"/t/"+toks[rand.IntN(len(toks))])
	})

	// Candidates taking the test, each request of a candidate to either
	// process.
	var next atomic.Int64
	var ranOut atomic.Bool
	rs := &routeStats{lat: map[string][]time.Duration{}, fail: map[string]int{}}
	start := time.Now()
	stop := start.Add(d)
	var wg sync.WaitGroup
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				i := int(next.Add(1) - 1)
				if i >= len(fresh) {
					ranOut.Store(true)
					return
				}
				page := func(k int) string { return on(i+k) + "/t/" + fresh[i] }
				rs.do(client, "open", get(client, page(0)))
				rs.do(client, "start", form(http.MethodPost, page(1)+"/start", nil))
				for k, choice := range []string{"0", "1"} {
					rs.do(client, "autosave", form(http.MethodPost, page(2+k)+"/answers", url.Values{"action": {"autosave"}, question: {choice}}))
				}
				rs.do(client, "submit", form(http.MethodPost, page(4)+"/answers", url.Values{"action": {"submit"}, question: {"1"}}))
			}
		}()
	}
	wg.Wait()
	if ranOut.Load() {
		return r, fmt.Errorf("candidates taking the test: all %d ran out before %s were up; raise takersPerSecond", len(fresh), d)
	}
	// The requests of the flows still under way at the stop are counted,
	// so the time they took is too.
	r.taking = loadResult{Elapsed: time.Since(start)}
	for route, lat := range rs.lat {
		r.taking.latencies = append(r.taking.latencies, lat...)
		r.taking.Status5xx += rs.fail[route]
	}
	slices.Sort(r.taking.latencies)
	r.taking.Requests = len(r.taking.latencies)
	return r, nil
}

// firstQuestion is the form field of a test's first question.
func firstQuestion(s *server, testID int64) (string, error) {
	var test struct {
		Questions []struct {
			ID int64 `json:"id"`
		} `json:"questions"`
	}
	if err := s.api(http.MethodGet, fmt.Sprintf("/tests/%d", testID), nil, &test); err != nil || len(test.Questions) == 0 {
		return "", fmt.Errorf("the test's questions: %v", err)
	}
	return "q" + strconv.FormatInt(test.Questions[0].ID, 10), nil
}

// takersPerSecond is how many fresh invitations the load of candidates
// taking the test is given per second of it: each takes five requests, and
// SQLite serves about 6,500 of those a second here. They used to be half
// of the API load's invitations, which on SQLite ran out before the time
// was up: its rate was the number of those invitations, not its own.
const takersPerSecond = 4_000

// hopDelay is the one-way delay of the network to a database on another
// machine in the comparison.
const hopDelay = time.Millisecond

func processes(n int) string {
	if n == 1 {
		return "process"
	}
	return "processes"
}

// newPostgresDatabase makes an empty database on the cluster at admin and
// a function that drops it.
func newPostgresDatabase(admin string) (string, func(), error) {
	db, err := sql.Open("pgx", admin)
	if err != nil {
		return "", nil, err
	}
	name := fmt.Sprintf("tg_bench_%d", rand.Uint64())
	if _, err := db.ExecContext(context.Background(), "CREATE DATABASE "+name); err != nil {
		db.Close()
		return "", nil, err
	}
	u, err := url.Parse(admin)
	if err != nil {
		db.Close()
		return "", nil, err
	}
	u.Path = "/" + name
	return u.String(), func() {
		db.ExecContext(context.Background(), "DROP DATABASE "+name+" WITH (FORCE)")
		db.Close()
	}, nil
}
