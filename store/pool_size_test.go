package store

import (
	"testing"
	"time"

	"testgate/store/testkit"
)

// The writer pool is sized for the round trip the store measures when it
// opens: one hop from the database (1 ms each way) it holds more writers
// than next to it, since each transaction holds its connection through
// every round trip.
func TestWriterPoolIsSizedForTheNetwork(t *testing.T) {
	t.Parallel()
	_, dsn := testkit.HopAway(t, testkit.Postgres(t, migrateTemplate), time.Millisecond)
	db := openTestDB(t, dsn, testWiring)
	if got := db.w.Stats().MaxOpenConnections; got != maxWriterPool {
		t.Fatalf("one hop away the store holds %d writers, want %d", got, maxWriterPool)
	}
	if got := db.r.Stats().MaxOpenConnections; got != basePool() {
		t.Fatalf("one hop away the store holds %d readers, want %d", got, basePool())
	}
	for rtt, want := range map[time.Duration]int{100 * time.Microsecond: basePool(), 900 * time.Microsecond: basePool(),
		1500 * time.Microsecond: min(2*basePool(), max(basePool(), maxWriterPool)), 20 * time.Millisecond: max(basePool(), maxWriterPool)} {
		if got := writerPoolSize(rtt); got != want {
			t.Errorf("a round trip of %v: %d writers, want %d", rtt, got, want)
		}
	}
}
