package web

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/sync/singleflight"

	"testgate/store"
	"testgate/views"
)

// pdfReports renders attempts' PDF reports within bounds, so that many
// requests for reports (an integrator fetching a drive's, or someone
// hammering one report link) cannot take the server's memory or its
// candidates' CPU:
//   - at most slots renders at once (half the CPUs, at least one); a
//     request waits up to wait for its turn, then is told to come back
//     (503 with Retry-After);
//   - one render per version of an attempt, however many ask at once;
//   - the versions rendered last are kept, up to cacheBytes, so asking
//     again for an attempt that has not changed renders nothing.
//
// A version is the report's content: any change to the attempt (a grade,
// a comment, a signal, an event) makes a new one.
type pdfReports struct {
	slots chan struct{}
	wait  time.Duration
	group singleflight.Group

	mu         sync.Mutex
	cache      map[[32]byte]*list.Element
	order      *list.List // most recent first
	bytes      int
	cacheBytes int

	rendered, served, refused atomic.Int64
	rendering, peak           atomic.Int64
}

// reportCacheBytes is the budget of the kept PDFs: a 200-question report
// is about 100 KB, so hundreds of attempts.
const reportCacheBytes = 64 << 20

type cachedPDF struct {
	key [32]byte
	pdf []byte
}

// errReportsBusy: every render slot stayed taken for the whole wait.
var errReportsBusy = errors.New("reports: every render slot is busy")

func newPDFReports(slots int, wait time.Duration, cacheBytes int) *pdfReports {
	if slots <= 0 {
		slots = max(1, runtime.GOMAXPROCS(0)/2)
	}
	return &pdfReports{slots: make(chan struct{}, slots), wait: wait, cacheBytes: cacheBytes,
		cache: map[[32]byte]*list.Element{}, order: list.New()}
}

// pdf returns the report's PDF: cached, shared with a render under way,
// or rendered in a slot.
func (p *pdfReports) pdf(ctx context.Context, r views.AttemptReport) ([]byte, error) {
	key, err := reportVersion(r)
	if err != nil {
		return nil, err
	}
	if pdf, ok := p.cached(key); ok {
		p.served.Add(1)
		return pdf, nil
	}
	v, err, _ := p.group.Do(string(key[:]), func() (any, error) {
		if pdf, ok := p.cached(key); ok {
			return pdf, nil
		}
		select {
		case p.slots <- struct{}{}:
		default:
			wait := time.NewTimer(p.wait)
			defer wait.Stop()
			select {
			case p.slots <- struct{}{}:
			case <-wait.C:
				return nil, errReportsBusy
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		defer func() { <-p.slots }()
		n := p.rendering.Add(1)
		for m := p.peak.Load(); n > m && !p.peak.CompareAndSwap(m, n); m = p.peak.Load() {
		}
		defer p.rendering.Add(-1)
		pdf, err := views.ReportPDF(r)
		if err != nil {
			return nil, err
		}
		p.rendered.Add(1)
		p.keep(key, pdf)
		return pdf, nil
	})
	if errors.Is(err, errReportsBusy) {
		p.refused.Add(1)
	}
	if err != nil {
		return nil, err
	}
	p.served.Add(1)
	return v.([]byte), nil
}

// reportVersion fingerprints what the report shows (not when it is made).
func reportVersion(r views.AttemptReport) ([32]byte, error) {
	r.GeneratedAt = time.Time{}
	raw, err := json.Marshal(r)
	if err != nil {
		return [32]byte{}, err
	}
	return sha256.Sum256(raw), nil
}

func (p *pdfReports) cached(key [32]byte) ([]byte, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.cache[key]
	if !ok {
		return nil, false
	}
	p.order.MoveToFront(e)
	return e.Value.(*cachedPDF).pdf, true
}

// keep caches a rendered PDF, dropping the least recently asked for past
// the budget.
func (p *pdfReports) keep(key [32]byte, pdf []byte) {
	if len(pdf) > p.cacheBytes {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.cache[key]; ok {
		return
	}
	p.cache[key] = p.order.PushFront(&cachedPDF{key: key, pdf: pdf})
	p.bytes += len(pdf)
	for p.bytes > p.cacheBytes {
		last := p.order.Back()
		old := last.Value.(*cachedPDF)
		p.order.Remove(last)
		delete(p.cache, old.key)
		p.bytes -= len(old.pdf)
	}
}

// ServePDF writes an attempt's PDF report as the response.
func (s *Server) ServePDF(c echo.Context, id int64) error {
	ctx := c.Request().Context()
	r, err := s.attemptReport(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return errReportLink
	} else if err != nil {
		return err
	}
	pdf, err := s.reports.pdf(ctx, r)
	if errors.Is(err, errReportsBusy) {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(s.reports.wait.Seconds())+1))
		return echo.NewHTTPError(http.StatusServiceUnavailable, "Many reports are being made right now; try again in a moment.")
	}
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, `inline; filename="report-`+strconv.FormatInt(id, 10)+`.pdf"`)
	h.Set(echo.HeaderCacheControl, "private, no-store")
	return c.Blob(http.StatusOK, "application/pdf", pdf)
}
