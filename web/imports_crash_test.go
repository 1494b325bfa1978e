package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	netmail "net/mail"
	"os"
	"os/exec"
	"testing"
	"time"

	"testgate/mail"
	"testgate/store"
	"testgate/store/jobs"
	"testgate/web/api/callbacks"
)

// childImportDB, when set, makes the test binary an import worker on that
// database instead of running tests: the crash test kills it with SIGKILL.
const childImportDB = "TESTGATE_TEST_IMPORT_WORKER_DB"

// runImportWorkerProcess works imports until it is killed.
func runImportWorkerProcess(path string) {
	ctx := context.Background()
	registry := callbacks.NewRegistry()
	db, err := store.Open(ctx, path, store.Wiring{
		Composer: mail.NewComposer(testBaseURL, &netmail.Address{Name: "Testgate", Address: "tests@testgate.test"}), Payloads: registry})
	if err == nil { // the dialects' callback bodies, as serve registers them
		_, err = New(db, Config{BaseURL: testBaseURL, SessionKey: []byte("0123456789abcdef0123456789abcdef"), Callbacks: registry})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	job := store.NewImportJob(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	job.Lease = 300 * time.Millisecond
	ws := jobs.New(job.Log)
	ws.Add(store.WorkImports, job, jobs.Schedule{Poll: 20 * time.Millisecond})
	db.StartWorkers(ctx, ws)
	select {} // until killed
}

func startImportWorkerProcess(t *testing.T, path string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childImportDB+"="+path)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

func killProcess(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no cleanup at all
		t.Fatal(err)
	}
	cmd.Wait()
}

// TestImportResumesAfterKill kills the process running an import midway
// (SIGKILL), starts another, and checks that every row was invited and
// emailed exactly once.
func TestImportResumesAfterKill(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openTestStore(t, migratedDatabase(t), testBaseURL)
	path := testDSN(db) // the file, or the PostgreSQL database
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Aptitude", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	link, _ := db.CreateLink(ctx, tt.ID, store.LinkInput{Name: "Drive"})
	const total = bulkRows
	rows := make([]store.ImportRow, total)
	for i := range rows {
		rows[i] = store.ImportRow{Line: i + 2, Name: fmt.Sprintf("Student %d", i), Email: fmt.Sprintf("s%d@campus.example", i)}
	}
	im, err := db.CreateImport(ctx, store.NewImport{LinkID: link.ID, Actor: "user:r@example.com", FileName: "drive.csv",
		SendEmail: true, TotalRows: total, Rows: rows, ChunkRows: 100})
	if err != nil {
		t.Fatal(err)
	}

	child := startImportWorkerProcess(t, path)
	deadline := time.Now().Add(time.Minute)
	for {
		if im, err = db.Import(ctx, im.ID); err != nil {
			t.Fatal(err)
		}
		if im.Processed >= total/10 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	killProcess(t, child)
	if im, err = db.Import(ctx, im.ID); err != nil {
		t.Fatal(err)
	}
	if im.Processed == 0 || im.Processed >= total || im.Status != store.ImportRunning {
		t.Fatalf("the kill did not land midway: %d of %d processed, %s", im.Processed, total, im.Status)
	}
	// What the killed process committed is whole: a chunk's invitations,
	// emails and progress together.
	invited := countRows(t, db, `SELECT COUNT(*) FROM invitations WHERE link_id = ?`, link.ID)
	mailed := countRows(t, db, `SELECT COUNT(*) FROM outbox`)
	left := countRows(t, db, `SELECT COUNT(*) FROM import_chunks WHERE import_id = ?`, im.ID)
	if invited != im.Invited || mailed != im.Invited || invited != im.Processed || left*100 != total-im.Processed {
		t.Fatalf("after the kill: %d invitations, %d emails, %d chunks left; the job says %d processed", invited, mailed, left, im.Processed)
	}
	t.Logf("killed after %d of %d rows", im.Processed, total)

	child = startImportWorkerProcess(t, path)
	defer killProcess(t, child)
	for deadline = time.Now().Add(time.Minute); !im.Finished() && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if im, err = db.Import(ctx, im.ID); err != nil {
			t.Fatal(err)
		}
	}
	if im.Status != store.ImportDone || im.Invited != total || im.Processed != total || im.Skipped+im.Rejected != 0 {
		t.Fatalf("after the restart: %+v", im)
	}
	checks := map[string]string{
		"invitations":          `SELECT COUNT(*) FROM invitations WHERE link_id = ?`,
		"distinct addresses":   `SELECT COUNT(DISTINCT email_norm) FROM invitations WHERE link_id = ? AND email_norm LIKE 's%@campus.example'`,
		"emails, one each":     `SELECT COUNT(DISTINCT o.invitation_id) FROM outbox o JOIN invitations i ON i.id = o.invitation_id WHERE i.link_id = ?`,
		"emails":               `SELECT COUNT(*) FROM outbox o JOIN invitations i ON i.id = o.invitation_id WHERE i.link_id = ?`,
		"distinct Message-IDs": `SELECT COUNT(DISTINCT message_id) FROM outbox o JOIN invitations i ON i.id = o.invitation_id WHERE i.link_id = ?`,
		"entries in the search index": `SELECT COUNT(*) FROM invitations_search s JOIN invitations i ON i.id = s.rowid
			WHERE i.link_id = ? AND s.email_norm = i.email_norm`,
		"invited events, one each": `SELECT COUNT(*) FROM invitation_events e JOIN invitations i ON i.id = e.invitation_id
			WHERE i.link_id = ? AND e.kind = 'invited'`,
	}
	for what, q := range checks {
		if n := countRows(t, db, q, link.ID); n != total {
			t.Errorf("%s: %d, want %d", what, n, total)
		}
	}
	// Checked as a process opening the file afterwards would: a connection
	// that read the search index before another process wrote it reports
	// a false checksum mismatch of its secure-delete index (FTS5 keeps the
	// index's checksum state per connection); reads and writes through it
	// stay right.
	if onPostgres {
		return // the rest is SQLite's integrity check
	}
	fresh, err := store.Open(ctx, path, store.Offline)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if v, err := fresh.IntegrityCheck(ctx); err != nil || v != "ok" {
		t.Errorf("integrity check: %q %v", v, err)
	}
}
