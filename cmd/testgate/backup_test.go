package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"testgate/store"
)

// TestBackupUnderWritesRestoresWhole takes a backup while invitations are
// being written, opens it as a server would (restore is a copy), and
// checks it is whole: integrity, schema, and no invitation without its
// timeline entry or search entry.
func TestBackupUnderWritesRestoresWhole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "tg.db")
	db, _, err := openStore(ctx, path, store.Offline)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tt, _ := db.CreateTest(ctx, store.TestInput{Name: "Load", Kind: store.KindAssessment, DurationMinutes: 30}, nil)
	stop, done := make(chan struct{}), make(chan int)
	go func() {
		n := 0
		for {
			select {
			case <-stop:
				done <- n
				return
			default:
			}
			if _, err := db.Invite(ctx, store.NewInvitation{TestID: tt.ID, Name: "C", Email: fmt.Sprintf("c%d@example.com", n), Source: store.SourceNative}); err != nil {
				t.Error(err)
			}
			n++
		}
	}()
	time.Sleep(200 * time.Millisecond)
	backupPath := filepath.Join(dir, "backups", "tg-backup.db")
	out, errOut, err := runCmd(t, "backup", "--db", path, "--to", backupPath)
	time.Sleep(50 * time.Millisecond)
	close(stop)
	written := <-done
	if err != nil || !strings.Contains(out, "integrity ok") {
		t.Fatalf("backup: %v\n%s%s", err, out, errOut)
	}

	restored := openDB(t, backupPath)
	if v, err := restored.IntegrityCheck(ctx); v != "ok" || err != nil {
		t.Fatalf("integrity: %q %v", v, err)
	}
	if applied, err := restored.Migrate(ctx); err != nil || len(applied) != 0 {
		t.Fatalf("the backup's schema is not current: %d to apply, %v", len(applied), err)
	}
	_, total, err := restored.Invitations(ctx, store.InvitationFilter{TestID: tt.ID})
	if err != nil || total == 0 || total >= written {
		t.Fatalf("backup holds %d invitations of %d written afterwards (%v): not a mid-load snapshot", total, written, err)
	}
	var orphans int
	restored.ReadOnly().QueryRow(`SELECT COUNT(*) FROM invitations i WHERE NOT EXISTS
		(SELECT 1 FROM invitation_events e WHERE e.invitation_id = i.id AND e.kind = 'invited')
		OR NOT EXISTS (SELECT 1 FROM invitations_search s WHERE s.rowid = i.id)`).Scan(&orphans)
	if orphans != 0 {
		t.Fatalf("%d invitations without their timeline or search entry: the copy is not one snapshot", orphans)
	}
	if _, _, err := runCmd(t, "backup", "--db", path, "--to", backupPath); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("overwrote an existing backup: %v", err)
	}
	t.Logf("backup of %d invitations taken while %d were written", total, written)
}
