package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"testgate/store"
)

// metrics counts requests per route and status in memory, for /metrics in
// the Prometheus text format. Domain gauges are read from the database
// when scraped.
type metrics struct {
	mu       sync.Mutex
	requests map[requestKey]*requestStats
}

type requestKey struct {
	method, route string
	status        int
}

type requestStats struct {
	count   int64
	seconds float64
}

func newMetrics() *metrics { return &metrics{requests: map[requestKey]*requestStats{}} }

// observe records one request; routes are patterns, so the label set stays
// small (unknown paths share the "/*" route).
func (m *metrics) observe(method, route string, status int, d time.Duration) {
	k := requestKey{method, route, status}
	m.mu.Lock()
	st := m.requests[k]
	if st == nil {
		st = &requestStats{}
		m.requests[k] = st
	}
	st.count++
	st.seconds += d.Seconds()
	m.mu.Unlock()
}

func (m *metrics) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		status := c.Response().Status
		if err != nil && !c.Response().Committed {
			status, _, _ = classify(err)
		}
		m.observe(c.Request().Method, c.Path(), status, time.Since(start))
		return err
	}
}

func promLabel(v string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v)
}

// serveMetrics writes /metrics.
func (s *Server) serveMetrics(c echo.Context) error {
	var b strings.Builder
	s.metrics.mu.Lock()
	keys := make([]requestKey, 0, len(s.metrics.requests))
	for k := range s.metrics.requests {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b requestKey) int {
		return strings.Compare(a.route+a.method+strconv.Itoa(a.status), b.route+b.method+strconv.Itoa(b.status))
	})
	b.WriteString("# HELP testgate_http_requests_total HTTP requests by route pattern, method and status.\n# TYPE testgate_http_requests_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "testgate_http_requests_total{method=\"%s\",route=\"%s\",status=\"%d\"} %d\n",
			k.method, promLabel(k.route), k.status, s.metrics.requests[k].count)
	}
	b.WriteString("# HELP testgate_http_request_duration_seconds_sum Time spent answering, by route pattern, method and status.\n# TYPE testgate_http_request_duration_seconds_sum counter\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "testgate_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\",status=\"%d\"} %g\n",
			k.method, promLabel(k.route), k.status, s.metrics.requests[k].seconds)
	}
	s.metrics.mu.Unlock()
	fmt.Fprintf(&b, "# HELP testgate_pdf_reports_rendered_total PDF reports made.\n# TYPE testgate_pdf_reports_rendered_total counter\ntestgate_pdf_reports_rendered_total %d\n", s.reports.rendered.Load())
	fmt.Fprintf(&b, "# HELP testgate_pdf_reports_served_total PDF reports answered, made or kept.\n# TYPE testgate_pdf_reports_served_total counter\ntestgate_pdf_reports_served_total %d\n", s.reports.served.Load())
	fmt.Fprintf(&b, "# HELP testgate_pdf_reports_refused_total PDF report requests told to come back (503): every render slot stayed busy.\n# TYPE testgate_pdf_reports_refused_total counter\ntestgate_pdf_reports_refused_total %d\n", s.reports.refused.Load())
	fmt.Fprintf(&b, "# HELP testgate_pdf_reports_rendering PDF reports being made now.\n# TYPE testgate_pdf_reports_rendering gauge\ntestgate_pdf_reports_rendering %d\n", s.reports.rendering.Load())

	ctx := c.Request().Context()
	invitations, err := s.db.StatusCounts(ctx, nil)
	if err != nil {
		return err
	}
	b.WriteString("# HELP testgate_invitations Invitations by status.\n# TYPE testgate_invitations gauge\n")
	for _, st := range store.Statuses {
		fmt.Fprintf(&b, "testgate_invitations{status=\"%s\"} %d\n", st, invitations[st])
	}
	outbox, err := s.db.OutboxCounts(ctx)
	if err != nil {
		return err
	}
	b.WriteString("# HELP testgate_outbox_messages Emails in the outbox by status.\n# TYPE testgate_outbox_messages gauge\n")
	for _, st := range store.OutboxStatuses {
		fmt.Fprintf(&b, "testgate_outbox_messages{status=\"%s\"} %d\n", st, outbox[st])
	}
	deliveries, err := s.db.DeliveryCounts(ctx)
	if err != nil {
		return err
	}
	b.WriteString("# HELP testgate_callback_deliveries Completion callbacks by status.\n# TYPE testgate_callback_deliveries gauge\n")
	for _, st := range store.DeliveryStatuses {
		fmt.Fprintf(&b, "testgate_callback_deliveries{status=\"%s\"} %d\n", st, deliveries[st])
	}
	return c.Blob(http.StatusOK, "text/plain; version=0.0.4; charset=utf-8", []byte(b.String()))
}
