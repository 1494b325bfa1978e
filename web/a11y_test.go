package web

import (
	"context"
	_ "embed"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axe-core (MPL-2.0), vendored from npm for the accessibility checks.
//
//go:embed testdata/axe.min.js
var axeSource string

// axeRun checks WCAG 2 A and AA rules (labels, contrast, names, language)
// and the heading rules, and returns one line per violated node.
const axeRun = `axe.run(document, {
  runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
  rules: {"page-has-heading-one": {enabled: true}, "heading-order": {enabled: true}, "empty-heading": {enabled: true}}
}).then(r => JSON.stringify(r.violations.flatMap(v => v.nodes.map(n => v.id + ": " + n.target.join(" ") + " — " + n.failureSummary.split("\n").slice(1).join(" ")))))`

// axeViolations runs axe-core on the page the browser shows.
func axeViolations(t *testing.T, ctx context.Context, page string) []string {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
		t.Fatalf("%s: load axe: %v", page, err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: run axe: %v", page, err)
	}
	var violations []string
	if err := json.Unmarshal([]byte(raw), &violations); err != nil {
		t.Fatalf("%s: axe result %q: %v", page, raw, err)
	}
	return violations
}

// checkA11y fails the test with every violation, rule and element named.
func checkA11y(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	if violations := axeViolations(t, ctx, page); len(violations) > 0 {
		t.Errorf("%s: %d accessibility violations:\n%s", page, len(violations), strings.Join(violations, "\n"))
	}
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
