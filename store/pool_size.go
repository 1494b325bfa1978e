package store

import (
	"context"
	"database/sql"
	"runtime"
	"time"
)

// On PostgreSQL a write transaction holds its connection through each of
// its round trips, so what a pool of writers carries falls as the database
// moves away: a start, three round trips, holds a connection 0.3 ms next
// to the database and 6 ms one hop (1 ms each way) from it. The writer
// pool is sized when the store opens for the round trip it measures: 16
// (or 4 a CPU) next to the database, that many again for each millisecond
// of round trip, at most maxWriterPool. On the same 2 cores as the
// database more writers only queue there, so the near pool stays small
// (make bench: one process 1 ms away carries a drive of 5,000 candidates
// with 28 or 32 writers, 3,500 with 16).

// maxWriterPool bounds the writer pool: two processes, each with its 16
// readers and its listening connection, hold 90 connections at most, under
// the 97 PostgreSQL's default max_connections leaves to other roles than
// superusers, with room for a migration or an operator's psql.
const maxWriterPool = 28

// basePool is a pool's size next to the database.
func basePool() int { return max(16, runtime.GOMAXPROCS(0)*4) }

// writerPoolSize is the writer pool for a round trip of rtt.
func writerPoolSize(rtt time.Duration) int {
	base := basePool()
	return min(base*(1+int(rtt/time.Millisecond)), max(base, maxWriterPool))
}

// roundTrip measures the network's round trip to the database: the
// fastest of a few pings on one connection, so that a busy moment on
// either side does not count as distance.
func roundTrip(ctx context.Context, p *sql.DB) (time.Duration, error) {
	conn, err := p.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	best := time.Duration(1<<63 - 1)
	for range 5 {
		start := time.Now()
		if err := conn.PingContext(ctx); err != nil {
			return 0, err
		}
		best = min(best, time.Since(start))
	}
	return best, nil
}
