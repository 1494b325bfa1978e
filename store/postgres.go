package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// PostgreSQL is the store for installations that outgrow one process: the
// same statements as SQLite's (their ? placeholders rebound), through
// pgx's database/sql driver.

// IsPostgres reports whether a --db value names a PostgreSQL database
// (a postgres:// or postgresql:// URL) rather than a SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Redacted is a --db value fit to print: a PostgreSQL URL's password hidden.
func Redacted(dsn string) string {
	if !IsPostgres(dsn) {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "(a PostgreSQL URL that does not parse)"
	}
	return u.Redacted()
}

// Postgres reports whether the store runs on PostgreSQL.
func (db *DB) Postgres() bool { return db.dialect == dialectPostgres }

type dialect int

const (
	dialectSQLite dialect = iota
	dialectPostgres
)

// openPostgres opens two pools on the database at url: writers and
// readers, so that a burst of reads never waits for a connection a write
// holds. Readers are many (16, or 4 a CPU): a read spends most of its time
// waiting for the database, the more so on another machine (make bench:
// with 1 ms each way, 16 readers serve 3.1 times the landing pages 4 did).
func openPostgres(ctx context.Context, url string, wiring Wiring) (*DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store: PostgreSQL URL: %w", err)
	}
	pool := func(size int) (*sql.DB, error) {
		p := sql.OpenDB(rebindConnector{stdlib.GetConnector(*cfg)})
		p.SetMaxOpenConns(size)
		p.SetMaxIdleConns(size)
		p.SetConnMaxIdleTime(5 * time.Minute)
		if err := p.PingContext(ctx); err != nil {
			p.Close()
			return nil, fmt.Errorf("store: connect to PostgreSQL at %s:%d: %w", cfg.Host, cfg.Port, err)
		}
		return p, nil
	}
	// At least as many writers as readers: writes run side by side
	// (locks.go), and each spends most of its time waiting for the
	// database, the longer the farther it is (pool_size.go).
	w, err := pool(basePool())
	if err != nil {
		return nil, err
	}
	rtt, err := roundTrip(ctx, w)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: connect to PostgreSQL at %s:%d: %w", cfg.Host, cfg.Port, err)
	}
	writers := writerPoolSize(rtt)
	w.SetMaxOpenConns(writers)
	w.SetMaxIdleConns(writers)
	slog.Debug("store: PostgreSQL's writer pool sized for its round trip", "round_trip", rtt.Round(time.Microsecond), "writers", writers)
	r, err := pool(basePool())
	if err != nil {
		w.Close()
		return nil, err
	}
	db := newDB(w, r, "", dialectPostgres, wiring)
	db.dsn = url
	if err := db.startListening(ctx, cfg); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: listen for other processes' changes on PostgreSQL at %s:%d: %w", cfg.Host, cfg.Port, err)
	}
	return db, nil
}
