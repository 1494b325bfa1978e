package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// The mixed load (make load): candidates taking tests, recruiters paging
// the invitation list, API clients inviting and a bulk import running, all
// at once against the real binary; every answer is counted per route, and
// any 5xx or "database is locked" in the server's log fails the run.

// routeStats collects latencies per route.
type routeStats struct {
	mu   sync.Mutex
	lat  map[string][]time.Duration
	fail map[string]int // 5xx and transport errors
}

func (rs *routeStats) do(client *http.Client, route string, req *http.Request) (*http.Response, []byte) {
	start := time.Now()
	resp, err := client.Do(req)
	var body []byte
	if err == nil {
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.lat[route] = append(rs.lat[route], time.Since(start))
	if err != nil || resp.StatusCode >= 500 {
		rs.fail[route]++
		return nil, nil
	}
	return resp, body
}

func form(method, u string, v url.Values) *http.Request {
	req, _ := http.NewRequest(method, u, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// runMixed drives the mixed load for d with the given number of candidates.
func runMixed(bin string, d time.Duration, candidates int) error {
	dir, err := os.MkdirTemp("", "testgate-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	logPath := dir + "/server.log"
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	s, err := startServer(bin, dir, logFile) // the server's output, searched afterwards
	if err != nil {
		return err
	}
	defer s.stop()
	testID, linkID, err := s.newLink("Mixed load", true)
	if err != nil {
		return err
	}
	var test struct {
		Questions []struct {
			ID int64 `json:"id"`
		} `json:"questions"`
	}
	if err := s.api(http.MethodGet, fmt.Sprintf("/tests/%d", testID), nil, &test); err != nil {
		return err
	}
	question := "q" + strconv.FormatInt(test.Questions[0].ID, 10)
	fmt.Fprintf(os.Stderr, "  seeding 20000 invitations\n")
	if _, _, err := s.importAndWait(linkID, cohortCSV("seed-", 20_000), false); err != nil {
		return err
	}
	toks, err := tokens(s.db, "seed-", 20_000)
	if err != nil {
		return err
	}

	rs := &routeStats{lat: map[string][]time.Duration{}, fail: map[string]int{}}
	client := newClient(candidates + 16)
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	var next sync.Mutex
	nextToken := 0
	for range candidates {
		wg.Add(1)
		go func() { // a candidate: open, start, save twice, submit; then the next one
			defer wg.Done()
			for time.Now().Before(stop) {
				next.Lock()
				tok := toks[nextToken%len(toks)]
				nextToken++
				next.Unlock()
				page := s.base + "/t/" + tok
				rs.do(client, "GET /t/{token}", get(client, page))
				rs.do(client, "POST /t/{token}/start", form(http.MethodPost, page+"/start", nil))
				for range 2 {
					rs.do(client, "POST /t/{token}/answers (autosave)", form(http.MethodPost, page+"/answers",
						url.Values{"action": {"autosave"}, question: {strconv.Itoa(rand.IntN(2))}}))
				}
				rs.do(client, "POST /t/{token}/answers (submit)", form(http.MethodPost, page+"/answers", url.Values{"action": {"submit"}, question: {"1"}}))
			}
		}()
	}
	lists := listURLs(testID, linkID)
	for range 4 {
		wg.Add(1)
		go func() { // a recruiter paging and filtering
			defer wg.Done()
			for time.Now().Before(stop) {
				rs.do(s.console, "GET /invitations (filters)", get(s.console, s.base+lists[rand.IntN(len(lists))]))
				time.Sleep(100 * time.Millisecond)
			}
		}()
	}
	for w := range 4 {
		wg.Add(1)
		go func() { // an ATS inviting by API
			defer wg.Done()
			for n := 0; time.Now().Before(stop); n++ {
				req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/native/links/%d/invitations", s.base, linkID),
					strings.NewReader(fmt.Sprintf(`{"name":"API %d-%d","email":"api%d-%d@load.example"}`, w, n, w, n)))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-API-Key", s.key)
				rs.do(client, "POST /api/native/links/{id}/invitations", req)
			}
		}()
	}
	importDone := make(chan error, 1)
	go func() { // a campus drive imported meanwhile
		took, _, err := s.importAndWait(linkID, cohortCSV("drive-", 50_000), true)
		fmt.Fprintf(os.Stderr, "  bulk import of 50000 during the load: %s\n", took.Round(time.Millisecond))
		importDone <- err
	}()
	wg.Wait()
	if err := <-importDone; err != nil {
		return err
	}

	logs, _ := os.ReadFile(logPath)
	locked := strings.Count(string(logs), "database is locked")
	fmt.Printf("\nTestgate mixed load — %d candidates, 4 recruiters, 4 API clients, a 50,000-row import; %s\n\n", candidates, d)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "route\trequests\treq/s\tp50\tp99\tmax\t5xx or failed\t")
	routes := make([]string, 0, len(rs.lat))
	for r := range rs.lat {
		routes = append(routes, r)
	}
	slices.Sort(routes)
	failed := 0
	for _, r := range routes {
		l := rs.lat[r]
		slices.Sort(l)
		res := loadResult{latencies: l}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%s\t%s\t%s\t%d\t\n", r, len(l), float64(len(l))/d.Seconds(), ms(res.Percentile(50)),
			ms(res.Percentile(99)), ms(l[len(l)-1]), rs.fail[r])
		failed += rs.fail[r]
	}
	tw.Flush()
	fmt.Printf("\n5xx or failed requests: %d; \"database is locked\" in the server log: %d\n", failed, locked)
	if failed > 0 || locked > 0 {
		return fmt.Errorf("%d failed requests, %d database-locked errors", failed, locked)
	}
	return nil
}
