package main

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"testgate/store/dbproxy"
)

// Round trips to the database per request: through the delay proxy each
// costs 2 × hopDelay, so they, more than the database's work, set a
// request's latency once the database is on another machine. Measured on
// a quiet installation, one request at a time; what the process does
// meanwhile on its own (heartbeats, workers' polls) is measured idle and
// taken off.

// roundTripActions are the requests counted, in a candidate's order.
var roundTripActions = []string{"invite (API)", "open", "start", "autosave", "submit"}

// countRoundTrips invites n candidates through s one by one and takes each
// through the test, and returns the mean round trips of each action.
func countRoundTrips(s *server, p *dbproxy.Proxy, linkID int64, question string, n int) (map[string]float64, error) {
	client := newClient(1)
	idleFor := 2 * time.Second
	before := p.RoundTrips()
	time.Sleep(idleFor)
	idlePerSecond := float64(p.RoundTrips()-before) / idleFor.Seconds()

	totals := map[string]float64{}
	measure := func(action string, req *http.Request) error {
		start, began := p.RoundTrips(), time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode >= 400 {
			return fmt.Errorf("%s: status %d", action, resp.StatusCode)
		}
		time.Sleep(20 * time.Millisecond) // work the request left to the workers counts too
		totals[action] += float64(p.RoundTrips()-start) - idlePerSecond*time.Since(began).Seconds()
		return nil
	}
	for i := range n {
		body := fmt.Sprintf(`{"name":"Trips %d","email":"trips%d@bench.example"}`, i, i)
		req, _ := http.NewRequest(http.MethodPost, s.base+"/api/native/links/"+strconv.FormatInt(linkID, 10)+"/invitations", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-API-Key", s.key)
		if err := measure("invite (API)", req); err != nil {
			return nil, err
		}
		toks, err := tokens(s.db, fmt.Sprintf("trips%d@", i), 1)
		if err != nil || len(toks) != 1 {
			return nil, fmt.Errorf("the invitation's token: %v", err)
		}
		page := s.base + "/t/" + toks[0]
		steps := []struct {
			action string
			req    *http.Request
		}{
			{"open", get(client, page)},
			{"start", form(http.MethodPost, page+"/start", nil)},
			{"autosave", form(http.MethodPost, page+"/answers", url.Values{"action": {"autosave"}, question: {"0"}})},
			{"submit", form(http.MethodPost, page+"/answers", url.Values{"action": {"submit"}, question: {"1"}})},
		}
		for _, st := range steps {
			if err := measure(st.action, st.req); err != nil {
				return nil, err
			}
		}
	}
	for a := range totals {
		totals[a] /= float64(n)
	}
	return totals, nil
}

// runRoundTrips counts round trips alone (make trips): one process on a
// new database of the cluster at pgAdmin, one hop away.
func runRoundTrips(bin, pgAdmin string) error {
	u, drop, err := newPostgresDatabase(pgAdmin)
	if err != nil {
		return err
	}
	defer drop()
	target, err := url.Parse(pgAdmin)
	if err != nil {
		return err
	}
	proxy, err := dbproxy.Start(target.Host, hopDelay)
	if err != nil {
		return err
	}
	defer proxy.Close()
	far, err := proxy.Through(u)
	if err != nil {
		return err
	}
	s, err := startServerOn(bin, far, os.Stderr)
	if err != nil {
		return err
	}
	defer s.stop()
	testID, linkID, err := s.newLink("Round trips", false)
	if err != nil {
		return err
	}
	question, err := firstQuestion(s, testID)
	if err != nil {
		return err
	}
	trips, err := countRoundTrips(s, proxy, linkID, question, 20)
	if err != nil {
		return err
	}
	fmt.Printf("round trips to the database per request, one process, PostgreSQL %s away:\n", hopDelay)
	for _, a := range roundTripActions {
		fmt.Printf("  %-14s %5.1f\n", a, trips[a])
	}
	return nil
}
