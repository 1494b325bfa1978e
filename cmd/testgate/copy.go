package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"testgate/store"
)

// copyDatabase moves a SQLite installation to PostgreSQL: `testgate copy
// --from FILE --to postgres://…`. It holds serve's lock on the file, so
// nothing writes to it meanwhile; run again after an interruption, it goes
// on where it stopped.
func copyDatabase(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("copy", stderr)
	from := fs.String("from", "", "the SQLite database file to copy (serve stopped)")
	to := fs.String("to", "", "the PostgreSQL database to copy into (a postgres:// URL)")
	if err := fs.parse(args); err != nil {
		return err
	}
	switch {
	case *from == "" || *to == "":
		fmt.Fprintln(stderr, "testgate copy: --from FILE and --to postgres://… are required")
		return errUsage
	case store.IsPostgres(*from) || !store.IsPostgres(*to):
		return errors.New("copy: --from is a SQLite file and --to a postgres:// URL")
	}
	if _, err := os.Stat(*from); err != nil {
		return fmt.Errorf("copy: no database at %s", *from)
	}
	unlock, err := lockDatabase(*from)
	if err != nil {
		return fmt.Errorf("copy: %w: stop it first", err)
	}
	defer unlock()
	src, err := store.Open(ctx, *from, store.Offline)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := store.Open(ctx, *to, store.Offline)
	if err != nil {
		return err
	}
	defer dst.Close()
	start := time.Now()
	tables, err := src.CopyTo(ctx, dst, store.CopyProgress{Verified: func(t store.TableCopy) {
		fmt.Fprintf(stdout, "%-20s %9d rows  %9d copied by this run  sha256 %s  verified\n", t.Table, t.Rows, t.Copied, t.Checksum[:16])
	}})
	if err != nil {
		return fmt.Errorf("copy: %w (run the same command again to go on)", err)
	}
	var rows int64
	for _, t := range tables {
		rows += t.Rows
	}
	fmt.Fprintf(stdout, "copied %s to %s: %d tables, %d rows, each verified by count and checksum, in %s\n",
		*from, store.Redacted(*to), len(tables), rows, time.Since(start).Round(time.Millisecond))
	return nil
}
