package main

import (
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// The campus drive (make drive): an open-loop load, as real candidates
// arrive whatever the server answers. N candidates open their links evenly
// within the arrival window, start, autosave every few seconds with jitter
// and submit (a session of minutes compressed to seconds), while
// recruiters page the invitation list — alone, with a 50,000-row import
// going on, and with a 20,000-address bulk assign (ThinkExam's call, two
// requests of 10,000, emails queued). It climbs a ladder of N and reports the
// largest N for which every candidate action keeps p99 under the bound.
// Client and server share this machine's cores. Each candidate is a
// client of its own, as a browser-less candidate would be
// (candidateClient): since 2026-12-07; before, candidates shared one pool
// of connections and did not fetch the page a start or submit leads to.

// driveActions are the candidate actions the bound applies to.
var driveActions = []string{"open", "start", "autosave", "submit"}

// driveStep is one rung of the ladder: N candidates, with or without the
// concurrent import.
type driveStep struct {
	n      int
	lat    map[string][]time.Duration
	failed int
	cores  cpuUse // while the candidates came: cores busy by part
}

func (st driveStep) p99(action string) time.Duration {
	l := st.lat[action]
	if len(l) == 0 {
		return 0
	}
	return l[(len(l)-1)*99/100]
}

func (st driveStep) passes(bound time.Duration) bool {
	if st.failed > 0 {
		return false
	}
	for _, a := range driveActions {
		if st.p99(a) >= bound {
			return false
		}
	}
	return true
}

// driveAlongside is what runs beside the candidates in each run.
var driveAlongside = map[string]string{
	"none":   "without bulk work",
	"import": "with a 50,000-row import running",
	"bulk":   "with a 20,000-address bulk assign running",
}

// runDrive climbs the ladder once per mode of bulk work alongside, on
// SQLite; with pgAdmin, then on PostgreSQL one network hop away with one
// and two processes (drive_postgres.go).
func runDrive(bin string, ladder []int, arrive, autosaveEvery time.Duration, bound time.Duration, modes []string, pgAdmin string, pgLadder []int, serverCPUs float64) error {
	dir, err := os.MkdirTemp("", "testgate-drive-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if serverCPUs > 0 { // before the SQLite runs: confining needs root
		q, err := newCPUQuota(cgroupRoot, fmt.Sprintf("testgate-bench-%d", os.Getpid()), serverCPUs)
		if err != nil {
			return err
		}
		q.remove()
	}
	fmt.Fprintf(os.Stderr, "  this machine's limits, measured now\n")
	singleTx, err := singleRowTxRate(dir, 3000)
	if err != nil {
		return err
	}
	fmt.Printf("\nTestgate campus drive — N candidates arriving within %s, each opening, starting, autosaving 3 times %s apart (jittered) and submitting; p99 bound %s per action\n",
		arrive, autosaveEvery, bound)
	fmt.Printf("This machine: %d cores shared by client and server; SQLite single-row transactions %.0f/s\n", runtime.NumCPU(), singleTx)
	best := map[string]int{}
	for _, mode := range modes {
		label, ok := driveAlongside[mode]
		if !ok {
			return fmt.Errorf("unknown drive mode %q (none, import, bulk)", mode)
		}
		sqlite := func(n int) ([]*server, func(), error) {
			s, err := startServer(bin, filepath.Join(dir, fmt.Sprintf("run-%s-%d", mode, n)), os.Stderr)
			if err != nil {
				return nil, nil, err
			}
			return []*server{s}, s.stop, nil
		}
		if best["SQLite, "+label], err = climb("SQLite, 1 process, "+label, ladder, arrive, autosaveEvery, bound, mode, sqlite); err != nil {
			return err
		}
	}
	if pgAdmin == "" {
		return nil
	}
	far, err := drivePostgres(bin, pgAdmin, pgLadder, arrive, autosaveEvery, bound, serverCPUs)
	if err != nil {
		return err
	}
	durability, err := commitDurability(pgAdmin)
	if err != nil {
		return err
	}
	sqliteBest := best["SQLite, "+driveAlongside["none"]]
	fmt.Printf("\nlargest N with every candidate action under %s at p99, without bulk work (PostgreSQL: %s):\n", bound, durability)
	fmt.Printf("  %-52s %6d\n", "SQLite, 1 process", sqliteBest)
	for _, f := range far {
		fmt.Printf("  %-52s %6d\n", f.name, f.best)
	}
	if len(far) >= 2 { // one process, then two
		printScaleOutTargets(sqliteBest, far[0].best, far[1].best)
	}
	if len(far) == 4 { // and again, each process confined to its share of the CPUs
		fmt.Printf("  each process confined to %g CPU, as if on a machine of its own:\n", serverCPUs)
		printScaleOutTargets(sqliteBest, far[2].best, far[3].best)
	}
	return nil
}

// printScaleOutTargets compares the drive's N one hop from PostgreSQL with
// what the scale-out asks: one process at least half of SQLite's N, two at
// least 1.7 times one.
func printScaleOutTargets(sqlite, one, two int) {
	ratio := func(a, b int) float64 {
		if b == 0 {
			return 0
		}
		return float64(a) / float64(b)
	}
	fmt.Printf("  %-52s %6.2f  ≥ 0.50 %s\n", "one process ÷ SQLite", ratio(one, sqlite), verdict(ratio(one, sqlite) >= 0.5))
	fmt.Printf("  %-52s %6.2f  ≥ 1.70 %s\n", "two processes ÷ one", ratio(two, one), verdict(ratio(two, one) >= 1.7))
}

// startInstallation starts a fresh installation for a rung of n
// candidates: its processes (requests are spread over them) and how to
// stop them.
type startInstallation func(n int) ([]*server, func(), error)

// climb climbs the ladder on one kind of installation and returns the
// largest N that kept every action under the bound.
func climb(label string, ladder []int, arrive, autosaveEvery, bound time.Duration, mode string, start startInstallation) (int, error) {
	best := 0
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Printf("\n%s\n\n", label)
	fmt.Fprintln(tw, "N\topen p50/p99\tstart p50/p99\tautosave p50/p99\tsubmit p50/p99\tmax\tfailed\tp99 < bound\tcores: server / client / PostgreSQL\t")
	rung := func(n int) (bool, error) {
		st, err := driveOnce(start, n, arrive, autosaveEvery, mode)
		if err != nil {
			return false, err
		}
		worst := time.Duration(0)
		cells := []string{strconv.Itoa(n)}
		for _, a := range driveActions {
			l := st.lat[a]
			cells = append(cells, ms(l[(len(l)-1)/2])+" / "+ms(st.p99(a)))
			worst = max(worst, l[len(l)-1])
		}
		ok := st.passes(bound)
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t\n", strings.Join(cells, "\t"), ms(worst), st.failed, verdict(ok), st.cores)
		return ok, nil
	}
	for _, n := range ladder {
		ok, err := rung(n)
		if err != nil {
			return 0, err
		}
		if !ok {
			// Once more halfway to the rung that failed: the ladder's steps
			// are coarse near the knee (500 of 2,500 is a fifth).
			if m, between := halfway(best, n); between {
				if ok, err := rung(m); err != nil {
					return 0, err
				} else if ok {
					best = m
				}
			}
			break
		}
		best = n
	}
	tw.Flush()
	fmt.Printf("\nlargest N with every candidate action under %s at p99, %s: %d\n", bound, label, best)
	return best, nil
}

// halfway is the rung between the last that held and the first that
// failed, to the nearest 50, if there is one between them.
func halfway(held, failed int) (int, bool) {
	m := ((held+failed)/2 + 25) / 50 * 50
	return m, m > held && m < failed
}

// driveOnce runs one rung against a fresh installation.
func driveOnce(start startInstallation, n int, arrive, autosaveEvery time.Duration, mode string) (driveStep, error) {
	servers, shutdown, err := start(n)
	if err != nil {
		return driveStep{}, err
	}
	defer shutdown()
	s := servers[0]
	testID, linkID, err := s.newLink("Campus drive", false)
	if err != nil {
		return driveStep{}, err
	}
	var test struct {
		Questions []struct {
			ID int64 `json:"id"`
		} `json:"questions"`
	}
	if err := s.api(http.MethodGet, fmt.Sprintf("/tests/%d", testID), nil, &test); err != nil {
		return driveStep{}, err
	}
	question := "q" + strconv.FormatInt(test.Questions[0].ID, 10)
	fmt.Fprintf(os.Stderr, "  N=%d: seeding the candidates\n", n)
	if _, _, err := s.importAndWait(linkID, cohortCSV("cand-", n), false); err != nil {
		return driveStep{}, err
	}
	toks, err := tokens(s.db, "cand-", n)
	if err != nil {
		return driveStep{}, err
	}
	st := driveStep{n: n, lat: map[string][]time.Duration{}}
	var mu sync.Mutex
	record := func(action string, d time.Duration, failed bool) {
		mu.Lock()
		st.lat[action] = append(st.lat[action], d)
		if failed {
			st.failed++
		}
		mu.Unlock()
	}
	send := func(c *http.Client, action string, req *http.Request) {
		start := time.Now()
		resp, err := c.Do(req)
		failed := err != nil
		if err == nil {
			_, err = io.Copy(io.Discard, resp.Body)
			failed = err != nil || resp.StatusCode >= 500
			resp.Body.Close()
		}
		record(action, time.Since(start), failed)
	}
	stop := make(chan struct{})
	var side sync.WaitGroup
	lists := listURLs(testID, linkID)
	for range 2 { // recruiters paging the list
		side.Add(1)
		go func() {
			defer side.Done()
			for {
				select {
				case <-stop:
					return
				case <-time.After(200 * time.Millisecond):
				}
				resp, err := s.console.Do(get(s.console, s.base+lists[rand.IntN(len(lists))]))
				if err == nil {
					resp.Body.Close()
				}
			}
		}()
	}
	switch mode {
	case "import":
		side.Add(1)
		go func() {
			defer side.Done()
			if _, _, err := s.importAndWait(linkID, cohortCSV("bulk-", 50_000), true); err != nil {
				fmt.Fprintln(os.Stderr, "  import:", err)
			}
		}()
	case "bulk":
		side.Add(1)
		go func() {
			defer side.Done()
			took, err := thinkExamRun(s, "assign-", 20_000)
			if err != nil {
				fmt.Fprintln(os.Stderr, "  bulk assign:", err)
			}
			fmt.Fprintf(os.Stderr, "  bulk assign of 20000: %s\n", took.Round(time.Millisecond))
		}()
	}
	var cands sync.WaitGroup
	cpuBefore := cpuNow(servers)
	began := time.Now()
	for i, tok := range toks {
		at := began.Add(time.Duration(int64(arrive) * int64(i) / int64(n)))
		cands.Add(1)
		go func() { // a candidate, arriving at its time whatever the server is doing
			defer cands.Done()
			time.Sleep(time.Until(at))
			c := candidateClient()
			defer c.CloseIdleConnections()
			page := servers[i%len(servers)].base + "/t/" + tok
			send(c, "open", get(c, page))
			send(c, "start", form(http.MethodPost, page+"/start", nil))
			for range 3 {
				time.Sleep(jitter(autosaveEvery))
				send(c, "autosave", form(http.MethodPost, page+"/answers", url.Values{"action": {"autosave"}, question: {strconv.Itoa(rand.IntN(2))}}))
			}
			time.Sleep(jitter(autosaveEvery))
			send(c, "submit", form(http.MethodPost, page+"/answers", url.Values{"action": {"submit"}, question: {"1"}}))
		}()
	}
	cands.Wait()
	st.cores = cpuNow(servers).since(cpuBefore, time.Since(began))
	close(stop)
	side.Wait()
	for _, l := range st.lat {
		slices.Sort(l)
	}
	return st, nil
}

// candidateClient is one candidate's own client, no cheaper than a
// browser-less candidate: a connection of its own (kept alive between its
// requests, as a browser keeps one), cookies kept, the page a start or a
// submit redirects to fetched (a browser shows it), every body read to the
// end. An action's time is until its page has arrived.
func candidateClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{
		Transport: &http.Transport{MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1, IdleConnTimeout: time.Minute, DisableCompression: true},
		Jar:       jar,
		Timeout:   30 * time.Second,
	}
}

// jitter is d give or take 30 %.
func jitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.7 + 0.6*rand.Float64()))
}

// singleRowTxRate is SQLite's own rate of single-row write transactions
// on this machine (WAL, synchronous=NORMAL, as the server runs it): the
// ceiling for candidate actions, each a transaction of its own.
func singleRowTxRate(dir string, n int) (float64, error) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "tx.db")+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		return 0, err
	}
	start := time.Now()
	for i := range n {
		tx, err := db.Begin()
		if err != nil {
			return 0, err
		}
		if _, err := tx.Exec(`INSERT INTO t (v) VALUES (?)`, strconv.Itoa(i)); err != nil {
			return 0, err
		}
		if err := tx.Commit(); err != nil {
			return 0, err
		}
	}
	return perSecond(n, time.Since(start)), nil
}
