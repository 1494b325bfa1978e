package main

import (
	"strings"
	"testing"

	"testgate/store/pgtest"
)

// The benchmark says how the cluster it measures commits: the test
// cluster (.ci/postgres) runs without fsync, and says so.
func TestCommitDurabilityNamesTheCluster(t *testing.T) {
	t.Parallel()
	got, err := commitDurability(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "commits not durable") || !strings.Contains(got, "fsync off") {
		t.Fatalf("the test cluster, run without fsync, reads as %q", got)
	}
}
