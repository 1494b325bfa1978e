// Command loadbench measures Testgate against the limits of the machine it
// runs on, in one run, and prints a table: bulk invitations (console import
// and ThinkExam's bulk call) against raw SQLite inserts, the candidate
// landing page against a bare echo handler serving the same bytes, the
// invitation list's latency on a large database, and the server's memory.
//
// It starts the real binary (make bench builds it) on loopback.
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

func main() {
	bin := flag.String("bin", "bin/testgate", "the testgate binary to measure")
	small := flag.Int("small", 10_000, "candidates in the small bulk runs")
	large := flag.Int("large", 100_000, "candidates in the large bulk runs")
	duration := flag.Duration("duration", 5*time.Second, "length of each load run")
	conns := flag.Int("conns", 64, "concurrent connections on the landing page")
	mixed := flag.Duration("mixed", 0, "instead of the benchmarks, a mixed load for this long (make load)")
	candidates := flag.Int("candidates", 200, "concurrent candidates in the mixed load")
	drive := flag.Bool("drive", false, "instead of the benchmarks, the campus drive (make drive)")
	ladder := flag.String("ladder", "1000,2000,3500,5000,7500,10000,12500", "the drive's numbers of candidates, climbed until one fails")
	arrive := flag.Duration("arrive", 30*time.Second, "the drive's arrival window")
	autosave := flag.Duration("autosave", time.Second, "the drive's time between autosaves (10 s compressed)")
	bound := flag.Duration("bound", 200*time.Millisecond, "the drive's p99 bound for every candidate action")
	modes := flag.String("alongside", "none,import,bulk", "the drive's runs: bulk work beside the candidates (none, import, bulk)")
	scale := flag.String("scale", "", "instead of the benchmarks, compare SQLite with one and two processes on this PostgreSQL cluster (a postgres:// URL)")
	drivePG := flag.String("drive-postgres", "", "with -drive, climb the ladder on this PostgreSQL cluster too, 1 ms away, with one and two processes")
	pgLadder := flag.String("drive-postgres-ladder", "250,500,1000,1500,2000,2500,3000,3500,4000,5000,7500,10000", "the drive's numbers of candidates on PostgreSQL")
	serverCPUs := flag.Float64("server-cpus", 0, "with -drive-postgres, climb again with each server process confined to this many CPUs (0.25: a quarter of one) through a cgroup of its own, as if on a machine of its own; needs root")
	trips := flag.String("trips", "", "instead of the benchmarks, count the round trips each candidate request makes to this PostgreSQL cluster, 1 ms away")
	bareFile := flag.String("serve-bare", "", "internal: serve this file's bytes at /t/{token} as the bare handler the landing page is compared with, until killed")
	bareType := flag.String("bare-type", "text/html; charset=UTF-8", "internal: with -serve-bare, the Content-Type")
	bareAddr := flag.String("bare-addr", "127.0.0.1:0", "internal: with -serve-bare, the loopback address to listen on")
	flag.Parse()
	var err error
	if *bareFile != "" {
		err = serveBare(*bareFile, *bareType, *bareAddr)
	} else if *trips != "" {
		err = runRoundTrips(*bin, *trips)
	} else if *scale != "" {
		err = runScale(*bin, *scale, *duration, *conns)
	} else if *drive {
		err = runDrive(*bin, numbers("-ladder", *ladder), *arrive, *autosave, *bound, strings.Split(*modes, ","), *drivePG, numbers("-drive-postgres-ladder", *pgLadder), *serverCPUs)
	} else if *mixed > 0 {
		err = runMixed(*bin, *mixed, *candidates)
	} else {
		err = run(*bin, *small, *large, *duration, *conns)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
}

// numbers reads a flag's comma-separated list of positive numbers.
func numbers(name, list string) []int {
	var ns []int
	for _, f := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "loadbench: %s is a comma-separated list of positive numbers\n", name)
			os.Exit(2)
		}
		ns = append(ns, n)
	}
	return ns
}

type row struct{ what, measured, limit, ratio, target, verdict string }

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT MET"
}

func perSecond(n int, d time.Duration) float64 { return float64(n) / d.Seconds() }

func run(bin string, small, large int, duration time.Duration, conns int) error {
	dir, err := os.MkdirTemp("", "testgate-loadbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	began := time.Now()
	var rows []row
	note := func(format string, args ...any) { fmt.Fprintf(os.Stderr, "  "+format+"\n", args...) }

	// 1. Bulk invitations against raw inserts, for each size.
	raw := map[int]float64{}
	for _, n := range []int{small, large} {
		d, err := rawInsert(dir, n)
		if err != nil {
			return fmt.Errorf("raw insert: %w", err)
		}
		raw[n] = perSecond(n, d)
		note("raw insert of %d rows: %s", n, d.Round(time.Millisecond))
		rows = append(rows, row{fmt.Sprintf("raw SQLite insert, %d rows, one tx", n), fmt.Sprintf("%.0f rows/s", raw[n]), "", "", "", ""})
	}
	s, err := startServer(bin, dir, os.Stderr)
	if err != nil {
		return err
	}
	defer s.stop()
	var peak int64
	var largeTest, largeLink int64
	for _, c := range []struct {
		n     int
		email bool
	}{{small, true}, {large, true}, {large, false}} {
		prefix := fmt.Sprintf("imp%d%v-", c.n, c.email)
		testID, linkID, d, rss, err := importRun(s, prefix, c.n, c.email)
		if err != nil {
			return err
		}
		if c.n == large && c.email {
			peak, largeTest, largeLink = rss, testID, linkID
		}
		rate := perSecond(c.n, d)
		what := fmt.Sprintf("console import, %d rows, emails queued", c.n)
		if !c.email {
			what = fmt.Sprintf("console import, %d rows, no emails", c.n)
		}
		note("%s: %s", what, d.Round(time.Millisecond))
		rows = append(rows, row{what, fmt.Sprintf("%.0f rows/s (%.1f s)", rate, d.Seconds()), fmt.Sprintf("%.0f rows/s", raw[c.n]),
			fmt.Sprintf("%.2f", rate/raw[c.n]), "≥ 0.50", verdict(rate/raw[c.n] >= 0.5)})
	}
	for _, n := range []int{small, large} {
		d, err := thinkExamRun(s, fmt.Sprintf("te%d-", n), n)
		if err != nil {
			return err
		}
		rate := perSecond(n, d)
		note("ThinkExam bulk, %d candidates: %s", n, d.Round(time.Millisecond))
		rows = append(rows, row{fmt.Sprintf("ThinkExam bulk API, %d, emails queued", n), fmt.Sprintf("%.0f rows/s (%.1f s)", rate, d.Seconds()),
			fmt.Sprintf("%.0f rows/s", raw[n]), fmt.Sprintf("%.2f", rate/raw[n]), "≥ 0.50", verdict(rate/raw[n] >= 0.5)})
	}
	rows = append(rows, row{fmt.Sprintf("server peak RSS during the %d import", large), fmt.Sprintf("%.0f MB", float64(peak)/1e6), "", "",
		"< 150 MB", verdict(peak < 150e6)})

	// 2. The landing page against a bare handler serving the same bytes.
	total, err := countInvitations(s.db)
	if err != nil {
		return err
	}
	toks, err := tokens(s.db, fmt.Sprintf("imp%dtrue-", large), 10_000)
	if err != nil || len(toks) == 0 {
		return fmt.Errorf("tokens: %d, %v", len(toks), err)
	}
	client := newClient(conns)
	warm := runLoad(client, conns, time.Minute, len(toks), http.StatusOK, func(i int) *http.Request { return get(client, s.base+"/t/"+toks[i]) })
	note("first visits (each opens its invitation: a write): %s", warm)
	pick := func() string { return toks[rand.IntN(len(toks))] }
	landing := runLoad(client, conns, duration, 0, http.StatusOK, func(int) *http.Request { return get(client, s.base+"/t/"+pick()) })
	note("landing: %s", landing)
	body, ctype, err := landingBody(client, s.base+"/t/"+toks[0])
	if err != nil {
		return err
	}
	// The bare handler in a process of its own, as the server runs; and,
	// for comparison with earlier runs, in the client's process.
	bareBase, stopBare, err := bareProcess(body, ctype)
	if err != nil {
		return err
	}
	bare := runLoad(client, conns, duration, 0, http.StatusOK, func(int) *http.Request { return get(client, bareBase+"/t/"+pick()) })
	stopBare()
	note("bare echo in its own process, same %d bytes: %s", len(body), bare)
	inBase, stopIn, err := bareServer(body, ctype)
	if err != nil {
		return err
	}
	inClient := runLoad(client, conns, duration, 0, http.StatusOK, func(int) *http.Request { return get(client, inBase+"/t/"+pick()) })
	stopIn()
	note("bare echo in the client's process (before 2026-12-07 the ratio's base): %s; landing / it %.2f", inClient, landing.PerSecond()/inClient.PerSecond())
	ratio := landing.PerSecond() / bare.PerSecond()
	rows = append(rows,
		row{fmt.Sprintf("GET /t/{token}, %d conns, %d invitations", conns, total), fmt.Sprintf("%.0f req/s, p99 %s", landing.PerSecond(), ms(landing.Percentile(99))),
			fmt.Sprintf("%.0f req/s, p99 %s (bare echo)", bare.PerSecond(), ms(bare.Percentile(99))), fmt.Sprintf("%.2f", ratio), "≥ 0.50", verdict(ratio >= 0.5)},
		row{"GET /t/{token}, first visits (opens: a write)", fmt.Sprintf("%.0f req/s, p99 %s", warm.PerSecond(), ms(warm.Percentile(99))), "", "", "", ""})

	// 3. The invitation list with filters on the large database.
	var list loadResult
	for _, u := range listURLs(largeTest, largeLink) {
		// The same number of requests per view, so that each weighs the same
		// in the p99 however slow it is.
		r := runLoad(s.console, 4, time.Minute, 40, http.StatusOK, func(int) *http.Request { return get(s.console, s.base+u) })
		note("%-70s %s", u, r)
		list = list.merge(r)
	}
	note("invitation list, all: %s", list)
	rows = append(rows, row{fmt.Sprintf("GET /invitations with filters, %d invitations, 4 clients", total),
		fmt.Sprintf("p50 %s, p99 %s (%.0f req/s)", ms(list.Percentile(50)), ms(list.Percentile(99)), list.PerSecond()), "", "",
		"p99 < 50 ms", verdict(list.Percentile(99) < 50*time.Millisecond)})

	errorsSeen := warm.Errors + landing.Errors + bare.Errors + list.Errors
	fmt.Printf("\nTestgate load bench — %d cores, %s, %s\n\n", runtime.NumCPU(), runtime.GOOS+"/"+runtime.GOARCH, time.Now().UTC().Format(time.RFC3339))
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "measure\tmeasured\tlimit in the same run\tratio\ttarget\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s %s\t\n", r.what, r.measured, r.limit, r.ratio, r.target, r.verdict)
	}
	tw.Flush()
	fmt.Printf("\nrequests with errors or unexpected status: %d; took %s\n", errorsSeen, time.Since(began).Round(time.Second))
	if errorsSeen > 0 {
		return fmt.Errorf("%d requests failed", errorsSeen)
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/1e6) }
