package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"testgate/store"
	"testgate/store/jobs"
)

// benchFixture is a server holding a test with 20 questions and 5 links.
func benchFixture(b *testing.B) (*Server, *store.DB, store.Test, string) {
	b.Helper()
	srv, db := newTestServer(b)
	ctx := context.Background()
	var qs []store.QuestionInput
	for i := range 20 {
		qs = append(qs, store.QuestionInput{Text: fmt.Sprintf("Question %d?", i), Kind: store.QuestionSingle,
			Options: []string{"a", "b", "c", "d"}, Correct: []int{i % 4}})
	}
	tt, err := db.CreateTest(ctx, store.TestInput{Name: "Bench", Kind: store.KindAssessment, DurationMinutes: 30}, qs)
	if err != nil {
		b.Fatal(err)
	}
	for i := range 4 {
		db.CreateLink(ctx, tt.ID, store.LinkInput{Name: fmt.Sprintf("Link %d", i)})
	}
	k, _ := db.CreateAPIKey(ctx, store.NewAPIKey{Name: "bench"})
	return srv, db, tt, k.Key
}

// BenchmarkConsoleTestPage renders the test page (session lookup, three
// queries, templ) for a signed-in recruiter.
func BenchmarkConsoleTestPage(b *testing.B) {
	srv, db, tt, _ := benchFixture(b)
	br := signIn(&testing.T{}, srv, db, store.RoleAdmin)
	req := httptest.NewRequest(http.MethodGet, testPath(tt.ID), nil)
	for _, c := range br.cookies {
		req.AddCookie(c)
	}
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkNativeGetTest is an authenticated API read of a test with its
// questions and default link.
func BenchmarkNativeGetTest(b *testing.B) {
	srv, _, tt, key := benchFixture(b)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/api/native/tests/"+idStr(tt.ID), nil)
		req.Header.Set("X-API-Key", key)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkNativeCreateTest writes a test with 5 questions and its default
// link in one transaction, through the API.
func BenchmarkNativeCreateTest(b *testing.B) {
	srv, _, _, key := benchFixture(b)
	body := `{"name":"Created","durationMinutes":30,"questions":[` + strings.TrimSuffix(strings.Repeat(
		`{"text":"q","kind":"single","options":["a","b","c"],"correct":[1]},`, 5), ",") + `]}`
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/api/native/tests", strings.NewReader(body))
		req.Header.Set("X-API-Key", key)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			b.Fatal(rec.Code, rec.Body)
		}
	}
}

// BenchmarkHTTPLoadNativeGetTest is a load run over real HTTP on loopback,
// 64 concurrent clients reading a test through the API.
func BenchmarkHTTPLoadNativeGetTest(b *testing.B) {
	srv, _, tt, key := benchFixture(b)
	srv.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	ts := httptest.NewServer(srv)
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	url := ts.URL + "/api/native/tests/" + idStr(tt.ID)
	b.SetParallelism(32) // 2 cores × 32 = 64 clients
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodGet, url, nil)
			req.Header.Set("X-API-Key", key)
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}

// BenchmarkIMochaInvite is single invitations per second through the iMocha
// API over real HTTP on loopback, 16 clients at once, each a new address.
func BenchmarkIMochaInvite(b *testing.B) {
	srv, db, tt, key := benchFixture(b)
	link, _ := db.DefaultLink(context.Background(), tt.ID)
	benchInvites(b, srv, "/v3/tests/"+idStr(tt.ID)+"/testlinks/"+idStr(link.ID)+"/invite", http.StatusCreated,
		func(r *http.Request) { r.Header.Set("X-API-KEY", key) },
		func(n int64) string { return fmt.Sprintf(`{"email":"cand%d@example.com","name":"Candidate %d"}`, n, n) })
}

// BenchmarkGreenhouseSendTest is Greenhouse's send_test beside iMocha's
// invite: the same invitation (emailed), with Greenhouse's ids kept and its
// PATCH URL (a loopback address: no worker runs here, and none may dial
// off the machine), authenticated by HTTP Basic.
func BenchmarkGreenhouseSendTest(b *testing.B) {
	srv, db, tt, key := benchFixture(b)
	if err := db.SaveATSIntegration(context.Background(), store.ATSIntegration{ATS: store.ATSGreenhouse, Enabled: true}); err != nil {
		b.Fatal(err)
	}
	benchInvites(b, srv, "/api/greenhouse/send_test", http.StatusOK, func(r *http.Request) { r.SetBasicAuth(key, "") },
		func(n int64) string {
			return fmt.Sprintf(`{"partner_test_id":"%d","candidate":{"first_name":"Candidate","last_name":"%d","email":"cand%d@example.com",`+
				`"greenhouse_profile_url":"https://app.greenhouse.io/people/%d?application_id=%d"},`+
				`"url":"http://127.0.0.1:9/integrations/testing_partners/take_home_tests/%d"}`, tt.ID, n, n, n, n, n)
		})
}

// benchInvites posts a new invitation per call over real HTTP on loopback,
// 16 clients at once, and reports invitations a second and the mean
// latency of a call.
func benchInvites(b *testing.B, srv *Server, path string, want int, auth func(*http.Request), body func(n int64) string) {
	ts := httptest.NewServer(srv)
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var seq, spent atomic.Int64
	b.SetParallelism(8) // 2 cores × 8 = 16 clients
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodPost, ts.URL+path, strings.NewReader(body(seq.Add(1))))
			req.Header.Set("Content-Type", "application/json")
			auth(req)
			start := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			spent.Add(int64(time.Since(start)))
			if resp.StatusCode != want {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "invites/s")
	b.ReportMetric(float64(spent.Load())/float64(b.N)/1e6, "ms/call")
}

// BenchmarkIMochaReinvite is the idempotent path: the same address again.
func BenchmarkIMochaReinvite(b *testing.B) {
	srv, db, tt, key := benchFixture(b)
	link, _ := db.DefaultLink(context.Background(), tt.ID)
	target := "/v3/tests/" + idStr(tt.ID) + "/testlinks/" + idStr(link.ID) + "/invite"
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(`{"email":"same@example.com","name":"Same"}`))
		req.Header.Set("X-API-KEY", key)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkCandidateLanding is GET /t/{token} over real HTTP on loopback
// with 64 concurrent connections, across 5,000 opened invitations; it
// reports requests/second and the 99th-percentile latency.
func BenchmarkCandidateLanding(b *testing.B) {
	srv, db, tt, _ := benchFixture(b)
	ctx := context.Background()
	var paths []string
	for i := range 5000 {
		res, err := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, Name: "C", Email: fmt.Sprintf("c%d@example.com", i), Source: store.SourceNative})
		if err != nil {
			b.Fatal(err)
		}
		db.OpenInvitation(ctx, res.Invitation.ID)
		paths = append(paths, "/t/"+res.Invitation.Token)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	var seq atomic.Int64
	loadAt64(b, func() (*http.Request, error) {
		return http.NewRequest(http.MethodGet, ts.URL+paths[seq.Add(1)%int64(len(paths))], nil)
	})
}

// loadAt64 sends the requests next makes over 64 connections (2 cores ×
// 32) and reports requests per second and the 99th percentile latency;
// any answer but 200 fails the benchmark.
func loadAt64(b *testing.B, next func() (*http.Request, error)) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64}}
	var mu sync.Mutex
	var latencies []time.Duration
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			req, err := next()
			if err != nil {
				b.Error(err)
				return
			}
			start := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			mine = append(mine, time.Since(start))
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
		mu.Lock()
		latencies = append(latencies, mine...)
		mu.Unlock()
	})
	b.StopTimer()
	if len(latencies) == 0 {
		return
	}
	slices.Sort(latencies)
	b.ReportMetric(float64(len(latencies))/b.Elapsed().Seconds(), "req/s")
	b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkCallbackDeliveries is signed callbacks per second from the
// worker to a local receiver over HTTP.
func BenchmarkCallbackDeliveries(b *testing.B) {
	srv, db := newTestServer(b)
	srv.cfg.AllowPrivateCallbacks = true
	ctx := context.Background()
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer receiver.Close()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Bench", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	url := receiver.URL + "/hook"
	res, _ := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, Name: "B", Email: "b@example.com", Source: store.SourceNative, CallbackURL: &url})
	db.CancelInvitation(ctx, res.Invitation.ID, "bench") // one delivery
	ids := make([]int64, b.N-1)
	for i := range ids {
		ids[i] = res.Invitation.ID
	}
	for len(ids) > 0 {
		n := min(len(ids), 1000)
		if _, err := db.ReplayCallbacks(ctx, ids[:n]); err != nil {
			b.Fatal(err)
		}
		ids = ids[n:]
	}
	b.ResetTimer()
	ws := runWorker(b, db, store.WorkCallbacks, newDeliverer(srv), jobs.Schedule{Poll: time.Millisecond})
	defer ws.Stop(ctx)
	for {
		pending, _ := db.Deliveries(ctx, store.DeliveryFilter{Status: store.DeliveryPending, Limit: 1})
		delivering, _ := db.Deliveries(ctx, store.DeliveryFilter{Status: store.DeliveryDelivering, Limit: 1})
		if len(pending) == 0 && len(delivering) == 0 {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
}

// BenchmarkThinkExamBulkAssign10k is one assignTestMultiCandidates request
// of 10,000 new addresses with emails, committed in one transaction. The
// timer runs while the server serves it: building the body and checking
// the answer against the OpenAPI document are the client's work.
func BenchmarkThinkExamBulkAssign10k(b *testing.B) {
	f := newThinkExamFixture(b)
	b.ReportAllocs()
	for i := range b.N {
		b.StopTimer()
		emails := make([]string, 10000)
		for j := range emails {
			emails[j] = fmt.Sprintf("r%d-c%05d@example.com", i, j)
		}
		list, _ := json.Marshal(emails)
		body := `{"email":` + string(list) + `,"testId":"` + idStr(f.test.ID) + `","isMailEnable":"1","isPasswordSkip":"1"}`
		req, rec := f.request("/api/v1/assignTestMultiCandidates", body, nil), httptest.NewRecorder()
		b.StartTimer()
		f.srv.ServeHTTP(rec, req)
		b.StopTimer()
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code, rec.Body)
		}
		checkAnswer(b, thinkExamSpec, req, rec)
		b.StartTimer()
	}
	b.ReportMetric(float64(b.N*10000)/b.Elapsed().Seconds(), "invitations/s")
}
