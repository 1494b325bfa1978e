package store

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"time"
)

// Checkpoints off the writer's path. SQLite by default copies the WAL back
// into the database file inside the commit that takes the WAL past 1,000
// pages, so now and then one write waits for that copy: 7 % of a
// 10,000-address bulk assign, and the slow tail of the candidates' saves
// that shared the writer with it. The writer's connection does not
// checkpoint (wal_autocheckpoint 0, in dsn); a goroutine with a connection
// of its own runs a passive checkpoint soon after commits. A passive
// checkpoint takes no lock the writer or the readers wait for; it copies
// what no reader still needs, as the automatic one did.

// checkpointEvery is the least time between two checkpoints: commits in
// between share one, as about 1,000 pages shared one before.
const checkpointEvery = 100 * time.Millisecond

type checkpointer struct {
	conn *sql.DB
	kick chan struct{} // a commit happened; capacity 1
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// startCheckpointer opens the checkpointing connection to the SQLite file
// at path and starts its goroutine.
func startCheckpointer(ctx context.Context, path string) (*checkpointer, error) {
	conn, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(1)
	conn.SetMaxIdleConns(1)
	conn.SetConnMaxLifetime(0)
	if err := conn.PingContext(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	c := &checkpointer{conn: conn, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c, nil
}

// committed tells the checkpointer the WAL grew. It never blocks.
func (c *checkpointer) committed() {
	if c == nil {
		return
	}
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run() {
	defer close(c.done)
	for {
		select {
		case <-c.stop:
			return
		case <-c.kick:
		}
		if err := c.checkpoint(); err != nil {
			slog.Warn("store: checkpoint", "err", err)
		}
		select { // let the next commits gather
		case <-c.stop:
			return
		case <-time.After(checkpointEvery):
		}
	}
}

// checkpoint copies the WAL's committed pages into the database file, as
// far as the readers allow.
func (c *checkpointer) checkpoint() error {
	var busy, log, done int
	return c.conn.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &done)
}

// close stops the goroutine and closes its connection; the database's last
// connection to close checkpoints what is left.
func (c *checkpointer) close() error {
	if c == nil {
		return nil
	}
	c.once.Do(func() { close(c.stop) })
	<-c.done
	return c.conn.Close()
}
