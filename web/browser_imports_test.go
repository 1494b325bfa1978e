package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"testgate/store"
)

// TestBrowserImportCSV uploads a CSV, reads the check, imports, and watches
// the progress bar reach 100%: the page polls while the job waits, runs
// and finishes, and a reload finds the job where it is.
func TestBrowserImportCSV(t *testing.T) {
	t.Parallel()
	base, db, srv := serveHTTP(t)
	ctx := context.Background()
	if _, err := db.CreateFirstAdmin(ctx, store.NewUser{Email: "admin@example.com", Password: "admin password"}); err != nil {
		t.Fatal(err)
	}
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Campus aptitude", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	link, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Campus 2027"})
	db.Invite(ctx, store.NewInvitation{TestID: tt.ID, LinkID: link.ID, Name: "Already", Email: "already@example.com", Source: store.SourceNative})

	var file strings.Builder
	file.WriteString("name;email;college\n")
	for i := range 3000 {
		fmt.Fprintf(&file, "Student %d;student%d@campus.example;IIT\n", i, i)
	}
	file.WriteString("Already;already@example.com;IIT\nTypo;typo@;IIT\n")
	path := filepath.Join(t.TempDir(), "campus-drive.csv")
	if err := os.WriteFile(path, []byte(file.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	b := startBrowser(t)
	do(t, b,
		chromedp.Navigate(base+"/links/"+idStr(link.ID)),
		chromedp.WaitVisible(css(`form[action="/login"]`)),
		chromedp.SendKeys(css("#f-email"), "admin@example.com"),
		chromedp.SendKeys(css("#f-password"), "admin password"),
		chromedp.Click(css(`form[action="/login"] button`)),
		chromedp.WaitVisible(css(`[data-testid="bulk-invite"]`)),
		chromedp.Click(css(`[data-testid="bulk-invite"]`)),
		chromedp.WaitVisible(css(`[data-testid="import-file"]`)),
		chromedp.SetUploadFiles(css(`[data-testid="import-file"]`), []string{path}),
		chromedp.Click(css(`[data-testid="import-check"]`)),
		chromedp.WaitVisible(css(`[data-testid="import-rows"]`)),
	)
	for sel, want := range map[string]string{`[data-testid="count-valid"]`: "3000", `[data-testid="count-invalid"]`: "1",
		`[data-testid="count-invited"]`: "1", `[data-testid="import-start"]`: "Import 3000 candidates"} {
		if got := text(t, b, sel); got != want {
			t.Errorf("%s = %q, want %q", sel, got, want)
		}
	}
	if got := text(t, b, `tr[data-kind="invalid"]`); !strings.Contains(got, "“typo@” is not a valid email address") {
		t.Errorf("invalid row: %q", got)
	}
	if n := countRows(t, db, `SELECT COUNT(*) FROM invitations`); n != 1 {
		t.Fatalf("the check wrote invitations: %d", n)
	}
	// The problems at the end of a long file lead the table, and one tick
	// leaves only them on screen.
	if got := text(t, b, `[data-testid="import-rows"] tbody tr:first-child`); !strings.Contains(got, "Already invited") {
		t.Errorf("first row of the check: %q, want the first problem", got)
	}
	do(t, b,
		chromedp.Click(css(`#f-problems-only`)),
		chromedp.WaitNotVisible(css(`[data-testid="import-rows"] tr[data-kind="valid"]`)),
		chromedp.WaitVisible(css(`[data-testid="import-rows"] tr[data-kind="invalid"]`)),
		chromedp.Click(css(`#f-problems-only`)),
	)
	screenshot(t, b, "10-import-check")
	checkA11y(t, b, "import check")

	do(t, b,
		chromedp.Click(css(`[data-testid="import-start"]`)),
		chromedp.WaitVisible(css(`[data-testid="import-percent"]`)),
		chromedp.Reload(),
		chromedp.WaitVisible(css(`[data-testid="import-percent"]`)),
	)
	if got := text(t, b, `[data-testid="import-status"]`) + " " + text(t, b, `[data-testid="import-percent"]`); got != "Waiting to start 0%" {
		t.Errorf("before the worker runs: %q", got)
	}
	startImportWorker(t, srv) // the open page follows by itself from here
	var seen []string         // the percentages the page showed on its way
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		// htmx swaps the card every second: a read can land mid-swap.
		pct, err := chromedp.Run(b, chromedp.Text(css(`[data-testid="import-percent"]`), chromedp.AtLeast(0)))
		if err == nil && (len(seen) == 0 || seen[len(seen)-1] != pct) {
			seen = append(seen, pct)
		}
		if pct == "100%" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("progress stuck; it showed %v", seen)
		}
	}
	if got := text(t, b, `[data-testid="import-status"]`); got != "Finished" {
		t.Errorf("status %q", got)
	}
	if got := text(t, b, `[data-testid="import-invited"]`); got != "3000" {
		t.Errorf("invited %q", got)
	}
	if got := text(t, b, `[data-testid="import-rejected-csv"]`); got != "Download the 2 rows not invited (CSV)" {
		t.Errorf("download link %q", got)
	}
	screenshot(t, b, "11-import-done")
	checkA11y(t, b, "import finished")
	if n := countRows(t, db, `SELECT COUNT(*) FROM invitations WHERE source = 'import'`); n != 3000 {
		t.Errorf("%d invitations imported", n)
	}
}
