package main

import (
	"context"
	"database/sql"
	"fmt"
)

// commitDurability says how the cluster at pgAdmin commits, as the
// benchmark's figures depend on it: without fsync a commit costs no flush,
// and what waits on one (PostgreSQL's notices, a commit's WAL) looks free.
func commitDurability(pgAdmin string) (string, error) {
	db, err := sql.Open("pgx", pgAdmin)
	if err != nil {
		return "", err
	}
	defer db.Close()
	var fsync, sync string
	ctx := context.Background()
	if err := db.QueryRowContext(ctx, `SELECT current_setting('fsync'), current_setting('synchronous_commit')`).Scan(&fsync, &sync); err != nil {
		return "", err
	}
	durable := "durable commits"
	if fsync != "on" || sync == "off" {
		durable = "commits not durable"
	}
	return fmt.Sprintf("%s (fsync %s, synchronous_commit %s)", durable, fsync, sync), nil
}
