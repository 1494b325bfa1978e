package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// loadResult is one closed-loop load run: every client sends its next
// request when the last one is answered.
type loadResult struct {
	Requests  int
	Errors    int // transport errors and unexpected statuses
	Status5xx int
	Elapsed   time.Duration
	latencies []time.Duration
}

func (r loadResult) PerSecond() float64 { return float64(r.Requests) / r.Elapsed.Seconds() }

// Percentile is the latency below which p (0–100) of the requests fell.
func (r loadResult) Percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := int(float64(len(r.latencies)-1) * p / 100)
	return r.latencies[i]
}

// newClient keeps up to conns connections to one host open.
func newClient(conns int) *http.Client {
	return &http.Client{
		Transport: &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns,
			IdleConnTimeout: time.Minute, DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
}

// runLoad sends requests from conns clients for d (or, with count > 0,
// until count requests are done), each built by next(i) for the i-th
// request overall, and expects status want.
func runLoad(client *http.Client, conns int, d time.Duration, count int, want int, next func(i int) *http.Request) loadResult {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var seq, errs, fives atomic.Int64
	lat := make([][]time.Duration, conns)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(seq.Add(1) - 1)
				if count > 0 && i >= count {
					return
				}
				req := next(i)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						errs.Add(1)
					}
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat[w] = append(lat[w], time.Since(t0))
				if resp.StatusCode >= 500 {
					fives.Add(1)
				}
				if resp.StatusCode != want {
					errs.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	r := loadResult{Elapsed: time.Since(start), Errors: int(errs.Load()), Status5xx: int(fives.Load())}
	for _, l := range lat {
		r.latencies = append(r.latencies, l...)
	}
	slices.Sort(r.latencies)
	r.Requests = len(r.latencies)
	return r
}

// merge adds another run's requests, as if they had run one after the
// other.
func (r loadResult) merge(o loadResult) loadResult {
	r.Requests += o.Requests
	r.Errors += o.Errors
	r.Status5xx += o.Status5xx
	r.Elapsed += o.Elapsed
	r.latencies = append(r.latencies, o.latencies...)
	slices.Sort(r.latencies)
	return r
}

func (r loadResult) String() string {
	return fmt.Sprintf("%d requests, %.0f/s, p50 %s, p99 %s, %d errors, %d 5xx", r.Requests, r.PerSecond(),
		r.Percentile(50).Round(10*time.Microsecond), r.Percentile(99).Round(10*time.Microsecond), r.Errors, r.Status5xx)
}
