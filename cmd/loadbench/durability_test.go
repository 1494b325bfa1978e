package main

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"testgate/store/pgtest"
)

// A commit is durable only with fsync on and a commit that waits for its
// flush.
func TestDurability(t *testing.T) {
	for _, c := range []struct {
		fsync, sync string
		durable     bool
	}{
		{"on", "on", true},
		{"on", "local", true},
		{"on", "remote_apply", true},
		{"on", "off", false},
		{"off", "on", false},
		{"off", "off", false},
	} {
		got := durability(c.fsync, c.sync)
		if strings.HasPrefix(got, "durable commits") != c.durable || !strings.Contains(got, "fsync "+c.fsync+", synchronous_commit "+c.sync) {
			t.Errorf("fsync %s, synchronous_commit %s: %q", c.fsync, c.sync, got)
		}
	}
}

// The benchmark reads those settings from the cluster it measures.
func TestCommitDurabilityReadsTheCluster(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	got, err := commitDurability(url)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var fsync, sync string
	if err := db.QueryRowContext(context.Background(), `SHOW fsync`).Scan(&fsync); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(context.Background(), `SHOW synchronous_commit`).Scan(&sync); err != nil {
		t.Fatal(err)
	}
	if want := durability(fsync, sync); got != want {
		t.Fatalf("the cluster with fsync %s, synchronous_commit %s reads as %q, want %q", fsync, sync, got, want)
	}
}
