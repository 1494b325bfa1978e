package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"testgate/web/browsertest"
)

// axeViolations runs axe-core on the page the browser shows.
func axeViolations(t *testing.T, ctx context.Context, page string) []string {
	t.Helper()
	return browsertest.AxeViolations(t, ctx, page)
}

// checkA11y fails the test with every violation, rule and element named.
func checkA11y(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	browsertest.CheckA11y(t, ctx, page)
}

// TestAxeFindsViolations shows the check can fail: a page with an unlabelled
// input, faint text and no heading is caught on each count.
func TestAxeFindsViolations(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="en"><title>Bad</title><main><p style="color:#ccc;background:#fff">faint</p><input type="text"></main></html>`))
	}))
	defer ts.Close()
	ctx := startBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL)); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(axeViolations(t, ctx, "bad page"), "\n")
	for _, rule := range []string{"label:", "color-contrast:", "page-has-heading-one:"} {
		if !strings.Contains(got, rule) {
			t.Errorf("axe missed %s in:\n%s", rule, got)
		}
	}
}
