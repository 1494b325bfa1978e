package main

import (
	"context"
	"database/sql"
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
	if err := db.QueryRowContext(context.Background(), `SELECT current_setting('fsync'), current_setting('synchronous_commit')`).Scan(&fsync, &sync); err != nil {
		return "", err
	}
	return durability(fsync, sync), nil
}

// durability names what the settings fsync and synchronous_commit make of
// a commit: durable only with fsync on and a commit that waits for its
// flush (synchronous_commit on, local, remote_write or remote_apply).
func durability(fsync, sync string) string {
	kind := "durable commits"
	if fsync != "on" || sync == "off" {
		kind = "commits not durable"
	}
	return kind + " (fsync " + fsync + ", synchronous_commit " + sync + ")"
}
