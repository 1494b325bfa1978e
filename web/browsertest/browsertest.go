// Package browsertest is the tests' headless Chromium (Debian's chromium
// through chromedp) and their accessibility check (axe-core), shared by the
// web package's browser tests and the binary's end-to-end tests. Only
// tests import it.
package browsertest

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// shared is the process's one headless Chromium: each test gets a tab of
// its own in a browser context of its own (its own cookies and storage), so
// tests run side by side without starting a browser each.
var shared struct {
	once sync.Once
	ctx  context.Context
	stop func()
	err  error
}

// Phone is the viewport of a phone held upright.
var Phone = chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3))

// Tab opens a tab for the test, in a fresh browser context of the shared
// headless Debian Chromium, closed when the test ends. A missing browser
// fails the test: `make test` installs it.
func Tab(t *testing.T) context.Context {
	t.Helper()
	shared.once.Do(func() {
		path, err := exec.LookPath("chromium")
		if err != nil {
			shared.err = errors.New("chromium is not installed; run `make testtools` (apt-get install chromium)")
			return
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.WindowSize(1280, 900),
		)
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelCtx := chromedp.NewContext(allocCtx)
		shared.ctx, shared.stop = ctx, func() { cancelCtx(); cancelAlloc() }
		if err := chromedp.Do(ctx); err != nil { // start the browser without a deadline
			shared.err = fmt.Errorf("start chromium: %w", err)
		}
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	tab, closeTab := chromedp.NewContext(shared.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(closeTab)
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return tab
}

// Stop ends the shared Chromium, if a test started it (from TestMain).
func Stop() {
	if shared.stop != nil {
		shared.stop()
	}
}

// axe-core (MPL-2.0), vendored from npm for the accessibility checks.
//
//go:embed axe.min.js
var axeSource string

// axeRun checks WCAG 2 A and AA rules (labels, contrast, names, language)
// and the heading rules, and returns one line per violated node.
const axeRun = `axe.run(document, {
  runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
  rules: {"page-has-heading-one": {enabled: true}, "heading-order": {enabled: true}, "empty-heading": {enabled: true}}
}).then(r => JSON.stringify(r.violations.flatMap(v => v.nodes.map(n => v.id + ": " + n.target.join(" ") + " — " + n.failureSummary.split("\n").slice(1).join(" ")))))`

// AxeViolations runs axe-core on the page the browser shows.
func AxeViolations(t *testing.T, ctx context.Context, page string) []string {
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

// CheckA11y fails the test with every violation, rule and element named.
func CheckA11y(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	if violations := AxeViolations(t, ctx, page); len(violations) > 0 {
		t.Errorf("%s: %d accessibility violations:\n%s", page, len(violations), strings.Join(violations, "\n"))
	}
}
